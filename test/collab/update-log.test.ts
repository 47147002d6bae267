// The durable update log against a real PostgreSQL: every append is stored, and the document's
// "contentAt" is written with the first batch at once, then at most once per stamp interval (a
// typing room must not cost a row update per keystroke), with a trailing stamp for the edits in
// between. Time is faked (timers and performance.now); the database's now() is real.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../apps/server/src/base/config/config.js';
import { Database } from '../../apps/server/src/base/database/database.js';
import { DocumentUpdateLog } from '../../apps/server/src/core/collab/document-update-log.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { workspaceWithDocument } from './helpers.js';

const STAMP_MS = 1000;
let server: TestServer;
let db: Database;

beforeAll(async () => {
  server = await startTestServer();
  db = server.app.get(Database);
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await server?.close();
});

const contentAt = async (documentId: string): Promise<Date | null> =>
  (await db.pool.query('SELECT "contentAt" FROM "Document" WHERE id = $1', [documentId])).rows[0].contentAt;
const rows = async (documentId: string): Promise<number> =>
  (await db.pool.query('SELECT count(*)::int AS n FROM "DocumentUpdate" WHERE "documentId" = $1', [documentId])).rows[0].n;

/** A valid one-struct Yjs update is not needed here: the log stores bytes; the collab layer validates. */
const bytes = (n: number) => new Uint8Array([n, 0, 0]);

describe('document update log', () => {
  it('stamps contentAt with the first batch, not with the next within the interval, then by the trailing timer', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    expect(await contentAt(documentId)).toBeNull();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const log = new DocumentUpdateLog(db, { COLLAB_CONTENT_STAMP_MS: STAMP_MS } as Config);

    await log.append(documentId, bytes(1), owner.userId);
    const first = await contentAt(documentId);
    expect(first).toBeInstanceOf(Date);

    // The next batch waits for the group-commit spacing (fake time), then stores without stamping.
    const second = log.append(documentId, bytes(2), owner.userId);
    await vi.advanceTimersByTimeAsync(50);
    await second;
    expect(await rows(documentId)).toBe(2);
    expect(await contentAt(documentId)).toEqual(first);
    expect(log.trackedDocuments).toBe(1);

    // Once the interval has passed, the trailing timer stamps the document again.
    await vi.advanceTimersByTimeAsync(STAMP_MS);
    await vi.waitFor(async () => expect((await contentAt(documentId))!.getTime()).toBeGreaterThan(first!.getTime()));

    // Nothing is kept per document once its stamps are old and nothing waits for one.
    await vi.advanceTimersByTimeAsync(2 * STAMP_MS);
    log.forget(documentId);
    expect(log.trackedDocuments).toBe(0);
  });

  it('writes pending stamps when the node shuts down', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const log = new DocumentUpdateLog(db, { COLLAB_CONTENT_STAMP_MS: 60_000 } as Config);
    await log.append(documentId, bytes(1), owner.userId);
    const first = await contentAt(documentId);
    const second = log.append(documentId, bytes(2), owner.userId);
    await vi.advanceTimersByTimeAsync(50);
    await second;
    expect(await contentAt(documentId)).toEqual(first);

    await log.onModuleDestroy();
    expect((await contentAt(documentId))!.getTime()).toBeGreaterThan(first!.getTime());
  });
});
