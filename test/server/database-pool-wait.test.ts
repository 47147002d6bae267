// A database that cannot keep up fails requests in bounded time: a request that waits longer than
// DATABASE_POOL_WAIT_MS for a database connection is answered 503 with Retry-After (the client tries
// again later) instead of hanging until the client gives up, and the node serves normally once
// connections free up. Here the node's only connection is held, as a saturated pool holds them all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../apps/server/src/base/database/database.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ DATABASE_POOL_SIZE: '1', DATABASE_POOL_WAIT_MS: '300' });
});
afterAll(() => server?.close());

describe('waiting for a database connection', () => {
  it('answers 503 with Retry-After past DATABASE_POOL_WAIT_MS, then serves again once a connection is free', async () => {
    const ann = server.client();
    await ann.auth.register({ email: 'pool@example.test', password: 'correct horse battery', displayName: 'Pool' });
    await ann.workspaces.create({ name: 'Busy' });
    const list = () => fetch(`${server.url}/api/v1/workspaces`, { headers: { authorization: `Bearer ${ann.accessToken}` } });

    const held = await server.app.get(Database).pool.connect();
    let answer: Response;
    try {
      answer = await list();
    } finally {
      held.release();
    }
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await answer.json()).toMatchObject({ error: { code: 'unavailable', message: 'The database is busy; try again shortly' } });

    const again = await list();
    expect(again.status).toBe(200);
    expect((await again.json()).items.map((w: { name: string }) => w.name)).toEqual(['Busy']);
  });
});
