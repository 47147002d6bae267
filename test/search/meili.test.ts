// The Meilisearch engine. Its server cannot be installed on the build machines, so its request
// building, the outbox (on the real database) and the fallback to PostgreSQL are tested here with a
// client standing in for the server (mocked: said in the output below); the engine against a real
// Meilisearch is meili-live.test.ts, included in a run only where MEILI_URL is set.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMeiliSearch,
  drainOutbox,
  type MeiliClient,
  type MeiliDocument,
  type MeiliSearchEngine,
} from '../../apps/server/src/core/search/meili-search.js';
import type { PostgresSearch } from '../../apps/server/src/core/search/postgres-search.js';
import type { SearchRequest } from '../../apps/server/src/core/search/search-engine.js';
import { EngineFailover } from '../../apps/server/src/core/search/search-engines.js';
import { queryWords } from '../../apps/server/src/core/search/search-text.js';
import { startTestServer, type TestServer } from '../support/server.js';

if (!process.env.MEILI_URL) {
  console.log(
    '[search] Meilisearch is mocked here: its server cannot be installed on this machine. Set MEILI_URL to also run meili-live.test.ts against a real one.',
  );
}

const W1 = '0190a000-0000-7000-8000-000000000001';
const D1 = '0190a000-0000-7000-8000-0000000000d1';

function request(overrides: Partial<SearchRequest> = {}): SearchRequest {
  return {
    scope: { userId: 'u', workspaceIds: [W1], sharedDocumentIds: [D1] },
    q: 'deplo" OR 1=1',
    words: queryWords('deplo" OR 1=1'),
    kinds: null,
    limit: 20,
    offset: 40,
    ...overrides,
  };
}

describe('Meilisearch requests', () => {
  it('put the caller’s visibility and the user’s filters into the engine’s filter, and only words into q', () => {
    const { q, options } = buildMeiliSearch(
      request({ kinds: ['task', 'comment'], status: 'In "Review"\\', updatedSince: new Date('2026-01-02T00:00:00Z') }),
    );
    expect(q).toBe('deplo or 1');
    expect(options.filter).toBe(
      `(workspaceId IN ["${W1}"] OR documentPath IN ["${D1}"]) AND trashed = false AND kind IN ["task", "comment"]` +
        ` AND statusName = "in \\"review\\"\\\\" AND updatedAt >= ${Date.parse('2026-01-02T00:00:00Z')}`,
    );
    expect(options).toMatchObject({ limit: 21, offset: 40 });
  });

  it('match nothing for a caller who can read nothing', () => {
    const { options } = buildMeiliSearch(request({ scope: { userId: 'u', workspaceIds: [], sharedDocumentIds: [] } }));
    expect(options.filter).toMatch(/^workspaceId IN \[\] AND trashed = false/);
  });

  it('list the newest first when there is no query', () => {
    const { q, options } = buildMeiliSearch(request({ q: '', words: [] }));
    expect(q).toBe('');
    expect(options.sort).toEqual(['updatedAt:desc']);
  });
});

describe('fallback to PostgreSQL', () => {
  const pgAnswer = { items: [], nextCursor: null, engine: 'postgres' as const };
  const meiliAnswer = { items: [], nextCursor: null, engine: 'meilisearch' as const };

  it('answers from PostgreSQL while Meilisearch is unreachable, retries it after a pause, and reports health', async () => {
    let now = 0;
    let down = true;
    let primaryCalls = 0;
    const primary = {
      search: async () => {
        primaryCalls++;
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:7700');
        return meiliAnswer;
      },
    } as unknown as MeiliSearchEngine;
    const fallback = { search: async () => pgAnswer } as unknown as PostgresSearch;
    const failover = new EngineFailover(primary, fallback, () => now);

    expect(failover.healthy).toBe(true);
    expect((await failover.search(request())).engine).toBe('postgres');
    expect(failover.healthy).toBe(false);
    now += 1_000;
    expect((await failover.search(request())).engine).toBe('postgres');
    expect(primaryCalls).toBe(1); // not asked again during the pause

    down = false;
    now += 5_000;
    expect((await failover.search(request())).engine).toBe('meilisearch');
    expect(failover.healthy).toBe(true);
  });
});

/** Stands in for the Meilisearch server: holds documents, or refuses every call while `down`. */
function fakeMeili() {
  const docs = new Map<string, MeiliDocument>();
  const state = { down: false, docs };
  const task = <T>(fn: () => T) => ({
    waitTask: async () => {
      if (state.down) throw new Error('connect ECONNREFUSED');
      fn();
      return { status: 'succeeded' };
    },
  });
  const client = {
    health: async () => ({ status: 'available' }),
    index: () => ({
      search: async () => ({ hits: [] }),
      addDocuments: (d: MeiliDocument[]) =>
        task(() => {
          for (const x of d) docs.set(x.id, x);
        }),
      deleteDocuments: (ids: string[]) =>
        task(() => {
          for (const id of ids) docs.delete(id);
        }),
      updateSettings: () => task(() => undefined),
    }),
    createIndex: () => task(() => undefined),
    deleteIndex: () => task(() => undefined),
    swapIndexes: () => task(() => undefined),
  } as unknown as MeiliClient;
  return { client, state };
}

describe('Meilisearch outbox (real database)', () => {
  let server: TestServer;
  let pool: pg.Pool;
  beforeAll(async () => {
    server = await startTestServer();
    pool = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
    await pool.query(`INSERT INTO "SystemSetting" (key, value) VALUES ('search.outbox', 'on')`);
  });
  afterAll(async () => {
    await pool?.end();
    await server?.close();
  });

  it('queues every change in the write’s transaction, keeps it while Meilisearch is down, and pushes it in order once back', async () => {
    const owner = await server.user('owner');
    const ws = await owner.workspaces.create({ name: 'Outbox' });
    const project = await owner.tracking.projects.create(ws.id, { name: 'Ops', key: 'OPS' });
    const task = await owner.tracking.tasks.create(project.id, { title: 'Rotate the certificates' });
    const doomed = await owner.tracking.tasks.create(project.id, { title: 'Temporary task' });
    const queued = async () => Number((await pool.query(`SELECT count(*) FROM "SearchOutbox"`)).rows[0].count);
    expect(await queued()).toBeGreaterThanOrEqual(2);

    const meili = fakeMeili();
    meili.state.down = true;
    await expect(drainOutbox(pool, meili.client)).rejects.toThrow(/ECONNREFUSED/);
    const before = await queued();
    expect(before).toBeGreaterThanOrEqual(2);

    await owner.tracking.tasks.update(task.id, { title: 'Rotate the TLS certificates' });
    await owner.tracking.tasks.remove(doomed.id);
    meili.state.down = false;
    for (let i = 0; i < 10 && (await queued()) > 0; i++) await drainOutbox(pool, meili.client);
    expect(await queued()).toBe(0);
    expect(meili.state.docs.get(`task-${task.id}`)).toMatchObject({
      title: 'Rotate the TLS certificates',
      label: task.key,
      workspaceId: ws.id,
    });
    expect(meili.state.docs.has(`task-${doomed.id}`)).toBe(false);
  });
});
