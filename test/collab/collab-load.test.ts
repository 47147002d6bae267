// Loading and unloading large documents: a state larger than a snapshot part is applied a slice
// per event-loop turn; clients joining meanwhile and edits arriving meanwhile must not notice.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SNAPSHOT_PART_BYTES } from '../../apps/server/src/core/collab/document-store.js';
import { DocumentUpdateLog } from '../../apps/server/src/core/collab/document-update-log.js';
import { OpenDocuments } from '../../apps/server/src/core/collab/open-documents.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { addParagraph, connect, paragraphs, synced, trackedProviders, waitFor, workspaceWithDocument } from './helpers.js';

let server: TestServer;
let pool: pg.Pool;
const { track, closeAll } = trackedProviders();

beforeAll(async () => {
  server = await startTestServer({
    COLLAB_MAX_UPDATE_BYTES: String(4 * 1024 * 1024),
    COLLAB_MAX_DOCUMENT_BYTES: String(64 * 1024 * 1024),
    // Stamps of "contentAt" are per-document state too; short, so they expire within the test.
    COLLAB_CONTENT_STAMP_MS: '200',
  });
  pool = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
});
afterEach(() => {
  closeAll();
});
afterAll(async () => {
  await pool?.end();
  await server?.close();
});

/** A document of `count` paragraphs, encoded whole. */
function largeState(count: number): Uint8Array {
  const doc = new Y.Doc();
  const f = doc.getXmlFragment('default');
  for (let done = 0; done < count; done += 500) {
    f.insert(
      f.length,
      Array.from({ length: Math.min(500, count - done) }, (_, i) => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(`paragraph ${done + i} `.padEnd(200, '.'))]);
        return p;
      }),
    );
  }
  return Y.encodeStateAsUpdate(doc);
}

const snapshotParts = async (documentId: string) =>
  (await pool.query('SELECT coalesce(array_length(parts, 1), 0) AS n FROM "DocumentSnapshot" WHERE "documentId" = $1', [documentId]))
    .rows[0]?.n as number | undefined;

describe('collab: loading large documents', () => {
  it('serves the whole document to clients joining during a sliced load, keeps what they bring, and stores it in parts', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const state = largeState(4000); // about 6 parts
    expect(state.length).toBeGreaterThan(4 * SNAPSHOT_PART_BYTES);
    // Stored whole, as before snapshots had parts.
    await pool.query(
      `INSERT INTO "DocumentSnapshot" ("documentId", state, "upToUpdateId", size, "updatedAt") VALUES ($1, $2, 0, $3, now())`,
      [documentId, Buffer.from(state), state.length],
    );
    // Three clients at once, all arriving while the document loads; one brings an edit made offline.
    const offline = new Y.Doc();
    addParagraph(offline, 'written offline');
    const clients = [connect(owner, documentId), connect(owner, documentId, offline), connect(owner, documentId)].map(track);
    await Promise.all(clients.map(synced));
    for (const c of clients) await waitFor(() => paragraphs(c.doc).length === 4001, 'every paragraph on every client');
    for (const c of clients) {
      const got = paragraphs(c.doc);
      expect(got.filter((p) => p === 'written offline')).toHaveLength(1);
      expect(got.filter((p) => p.startsWith('paragraph 3999 '))).toHaveLength(1);
    }
    for (const c of clients) c.destroy();

    // Unloading compacts the edit in and rewrites the large snapshot in parts.
    await waitFor(async () => ((await snapshotParts(documentId)) ?? 0) > 0, 'snapshot rewritten in parts');
    const rows = await pool.query('SELECT count(*)::int AS n FROM "DocumentUpdate" WHERE "documentId" = $1', [documentId]);
    expect(rows.rows[0].n).toBe(0);

    // The compaction cut the first history version from those parts, stored the same way; reading
    // it back (a part per turn) gives the whole document.
    const versionParts = await pool.query(
      'SELECT coalesce(array_length(parts, 1), 0) AS n FROM "DocumentVersion" WHERE "documentId" = $1',
      [documentId],
    );
    expect(versionParts.rows).toHaveLength(1);
    expect(versionParts.rows[0].n).toBeGreaterThan(0);
    const [version] = (await owner.documents.history(documentId)).items;
    const versionText = await owner.documents.versionContent(documentId, version!.id, 'text');
    expect(versionText).toContain('written offline');
    expect(versionText).toContain('paragraph 3999 ');

    // Loaded again from the parts, a client gets it all, as update messages ending with sync step 2.
    const again = await synced(track(connect(owner, documentId)));
    const got = paragraphs(again.doc);
    expect(got).toHaveLength(4001);
    expect(got).toContain('written offline');
    // And edits made by a client that joined a freshly loaded document reach the next one.
    addParagraph(again.doc, 'after the reload');
    const next = await synced(track(connect(owner, documentId)));
    await waitFor(() => paragraphs(next.doc).includes('after the reload'), 'edit after reload reaches a new client');
    expect(paragraphs(next.doc)).toHaveLength(4002);

    // Restoring that version first saves the state it replaces as a version, in parts too.
    await owner.documents.restoreVersion(documentId, version!.id);
    const saved = await pool.query(
      `SELECT coalesce(array_length(parts, 1), 0) AS n FROM "DocumentVersion" WHERE "documentId" = $1 AND reason = 'restore'`,
      [documentId],
    );
    expect(saved.rows[0]?.n).toBeGreaterThan(0);
    const savedId = (await owner.documents.history(documentId)).items.find((v) => v.reason === 'restore')!.id;
    expect(await owner.documents.versionContent(documentId, savedId, 'text')).toContain('after the reload');
    await waitFor(() => !paragraphs(next.doc).includes('after the reload'), 'the restored content reaches an open client');
    expect(paragraphs(next.doc)).toHaveLength(4001);
  });

  it('leaves no per-document state behind once every document is closed', async () => {
    const owner = await server.user('owner');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await workspaceWithDocument(owner, `Doc ${i}`)).documentId);
    const clients = await Promise.all(ids.map((id) => synced(track(connect(owner, id)))));
    for (const c of clients) addParagraph(c.doc, 'an edit');
    const docs = server.app.get(OpenDocuments);
    const log = server.app.get(DocumentUpdateLog);
    await waitFor(() => docs.held.documents >= 5, 'documents open');
    closeAll();
    await waitFor(
      () => docs.held.documents === 0 && docs.held.compactionQueue === 0 && log.trackedDocuments === 0,
      'documents, compaction queue, log counters and contentAt stamps empty',
    );
  });
});
