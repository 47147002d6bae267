// History that helps: while a document is being edited a version is cut at least every
// COLLAB_VERSION_INTERVAL_SECONDS of editing and when the session goes quiet (not only when the
// last person leaves or after 500 updates); "Save version" keeps the document under a name.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { EditingSessions } from '../../apps/server/src/core/collab/editing-sessions.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { addParagraph, connect, paragraphs, synced, trackedProviders, waitFor, workspaceWithDocument } from './helpers.js';

describe('editing sessions (the clock that asks for versions)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks for a version after 10 minutes of a 15-minute session, and again when it goes quiet', () => {
    vi.useFakeTimers();
    const cuts: { at: number; reason: string }[] = [];
    const start = Date.now();
    const sessions = new EditingSessions({ intervalMs: 600_000, quietMs: 120_000 }, (id, reason) =>
      cuts.push({ at: (Date.now() - start) / 60_000, reason: `${id}:${reason}` }),
    );
    // Someone types every 5 seconds for 15 minutes.
    for (let t = 0; t < 15 * 60; t += 5) {
      sessions.edited('doc');
      vi.advanceTimersByTime(5_000);
    }
    expect(cuts).toEqual([{ at: 10, reason: 'doc:interval' }]);
    vi.advanceTimersByTime(120_000);
    expect(cuts.map((c) => c.reason)).toEqual(['doc:interval', 'doc:quiet']);
    expect(cuts[1]!.at).toBeGreaterThanOrEqual(15 + 2 - 5 / 60);
    sessions.stop();
  });

  it('asks nothing for a document nobody edits, and a session ended by the last person leaving says it was open', () => {
    vi.useFakeTimers();
    const cuts: string[] = [];
    const sessions = new EditingSessions({ intervalMs: 600_000, quietMs: 120_000 }, (id) => cuts.push(id));
    vi.advanceTimersByTime(3_600_000);
    expect(cuts).toEqual([]);
    sessions.edited('doc');
    expect(sessions.end('doc')).toBe(true);
    expect(sessions.end('doc')).toBe(false);
    vi.advanceTimersByTime(3_600_000);
    expect(cuts).toEqual([]);
  });
});

describe('document versions on a running server', () => {
  let server: TestServer;
  let pool: pg.Pool;
  const { track, closeAll } = trackedProviders();

  beforeAll(async () => {
    server = await startTestServer({ COLLAB_VERSION_INTERVAL_SECONDS: '3', COLLAB_VERSION_QUIET_SECONDS: '2' });
    pool = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
  });
  afterEach(() => closeAll());
  afterAll(async () => {
    await pool?.end();
    await server?.close();
  });

  const versions = async (documentId: string) =>
    (
      await pool.query<{ reason: string }>('SELECT reason FROM "DocumentVersion" WHERE "documentId" = $1 ORDER BY "createdAt"', [
        documentId,
      ])
    ).rows;

  it('cuts a version while someone keeps editing, and another when they stop, with the editor still connected', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const doc = new Y.Doc();
    const provider = track(await synced(connect(owner, documentId, doc)));
    // Typing a line every 200 ms for longer than the interval: a version appears meanwhile.
    let typed = 0;
    const deadline = Date.now() + 20_000;
    while ((await versions(documentId)).length === 0) {
      if (Date.now() > deadline) throw new Error('no version while editing');
      addParagraph(doc, `line ${typed++}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(typed).toBeGreaterThan(5);
    expect(provider.wsconnected).toBe(true);
    const whileEditing = (await versions(documentId)).length;
    // One more line after that version (it may already hold every line typed so far, and an
    // identical version is never cut), then the session goes quiet: one more version, holding it.
    addParagraph(doc, `line ${typed++}`);
    await waitFor(async () => (await versions(documentId)).length > whileEditing, 'a version once editing stopped', 15_000);
    const history = await owner.documents.history(documentId);
    expect(history.items.every((v) => v.reason === 'auto')).toBe(true);
    const newest = await owner.documents.versionContent(documentId, history.items[0]!.id, 'text');
    expect(newest).toContain(`line ${typed - 1}`);
    expect(provider.wsconnected).toBe(true);
  }, 60_000);

  it('saves a named version of the document as it is now; viewers may not', async () => {
    const owner = await server.user('owner');
    const viewer = await server.user('viewer');
    const { workspaceId, documentId } = await workspaceWithDocument(owner);
    await addMember(owner, workspaceId, viewer, 'viewer');
    const doc = new Y.Doc();
    track(await synced(connect(owner, documentId, doc)));
    addParagraph(doc, 'Draft for review');
    await waitFor(async () => (await owner.documents.content(documentId, 'text')).includes('Draft for review'), 'content');

    const saved = await owner.documents.saveVersion(documentId, { name: '  Sent for review ' });
    expect(saved).toMatchObject({ documentId, name: 'Sent for review', reason: 'manual', createdById: owner.userId });
    addParagraph(doc, 'After the review');
    expect(paragraphs(doc)).toContain('After the review');
    const listed = (await owner.documents.history(documentId)).items.find((v) => v.id === saved.id);
    expect(listed?.name).toBe('Sent for review');
    const text = await owner.documents.versionContent(documentId, saved.id, 'text');
    expect(text).toContain('Draft for review');
    expect(text).not.toContain('After the review');

    await expect(owner.documents.saveVersion(documentId, { name: '   ' })).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
    await expect(viewer.documents.saveVersion(documentId, { name: 'Mine' })).rejects.toMatchObject({ status: 403 });
  }, 60_000);
});
