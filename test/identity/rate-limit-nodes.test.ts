// The per-address request limit is shared by every node through Redis: requests spread over two
// nodes count against one budget. Without Redis each process counts alone.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, startTestServer, type TestServer } from '../support/server.js';

const LIMIT = 10;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let nodeA: TestServer;
let nodeB: TestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  const env = {
    REDIS_URL: inject('redisUrl'),
    REDIS_CHANNEL_PREFIX: `t${randomBytes(6).toString('hex')}:`,
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
  };
  nodeA = await startTestServer(env, db.url);
  nodeB = await startTestServer(env, db.url);
});
afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await db?.drop();
});

const get = (url: string) => fetch(`${url}/api/v1/auth/providers`);

describe('HTTP rate limit across nodes', () => {
  it('counts requests to both nodes against one budget and says when to retry', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await get(nodeA.url)).status);
      statuses.push((await get(nodeB.url)).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT)).toEqual(Array(14 - LIMIT).fill(429));
    const refused = await get(nodeB.url);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Health checks are never limited.
    expect((await fetch(`${nodeA.url}/health/live`)).status).toBe(200);
  });

  it('counts in memory, per process, without Redis', async () => {
    const alone = await startTestServer({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT + 2; i++) statuses.push((await get(alone.url)).status);
      expect(statuses).toEqual([...Array(LIMIT).fill(200), 429, 429]);
    } finally {
      await alone.close();
    }
  });
});
