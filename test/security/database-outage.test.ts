// Every request while PostgreSQL is unreachable answers 503 `unavailable` with Retry-After (never a
// 500), whichever way it reaches the database (Prisma, the policy's own pool, the session check),
// and the same requests work again once it returns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startTestServer, type TestServer } from '../support/server.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

let server: TestServer;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
  const target = new URL(db.url);
  proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
  server = await startTestServer({}, Object.assign(new URL(db.url), { host: `127.0.0.1:${proxy.port}` }).toString());
});
afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await db?.drop();
});

describe('PostgreSQL down', () => {
  it('answers 503 with Retry-After on reads, writes, sign-in and token checks, then recovers', async () => {
    const user = await server.user('outage');
    const ws = await user.workspaces.create({ name: 'Before' });
    const auth = { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' };
    const requests: [string, string, unknown?][] = [
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/workspaces'],
      ['GET', `/api/v1/workspaces/${ws.id}`],
      ['POST', '/api/v1/workspaces', { name: 'During' }],
      ['POST', '/api/v1/auth/login', { email: user.email, password: 'correct horse battery' }],
      ['GET', '/api/v1/notifications'],
    ];
    const send = ([method, path, body]: [string, string, unknown?]) =>
      fetch(`${server.url}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });

    await proxy.cut();
    for (const request of requests) {
      const res = await send(request);
      expect({ request: request.slice(0, 2), status: res.status }).toEqual({ request: request.slice(0, 2), status: 503 });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    }

    await proxy.restore();
    for (const request of requests.filter(([method]) => method === 'GET')) {
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = (await send(request)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    }
  });
});
