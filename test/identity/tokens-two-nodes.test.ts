// Two nodes sharing one database and Redis: a token revoked on one is refused on the other at once,
// even though the other had just accepted (and cached) it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, startTestServer, type TestServer } from '../support/server.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let nodeA: TestServer;
let nodeB: TestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  const env = { REDIS_URL: inject('redisUrl'), REDIS_CHANNEL_PREFIX: `t${randomBytes(6).toString('hex')}:` };
  nodeA = await startTestServer(env, db.url);
  nodeB = await startTestServer(env, db.url);
});
afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await db?.drop();
});

const me = (url: string, token: string) =>
  fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe('API tokens on two nodes', () => {
  it('a token created on one node works on the other, and its revocation reaches both', async () => {
    const ann = await nodeA.user('ann');
    const { id, token } = await ann.identity.tokens.create({ name: 'deploy', scope: 'write' });
    expect(await me(nodeB.url, token)).toBe(200);
    expect(await me(nodeA.url, token)).toBe(200);
    await ann.identity.tokens.revoke(id);
    // Node A answered the revocation; node B had the token cached as live until the bus told it.
    const deadline = Date.now() + 5_000;
    let status = await me(nodeB.url, token);
    while (status !== 401 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      status = await me(nodeB.url, token);
    }
    expect(status).toBe(401);
    expect(await me(nodeA.url, token)).toBe(401);
  });
});
