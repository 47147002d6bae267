import { whenStored } from '@tandem/client';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { addParagraph, connect, paragraphs, synced, trackedProviders, upgradeStatus, waitFor, workspaceWithDocument } from './helpers.js';

let server: TestServer;
let pool: pg.Pool;
const { track, closeAll } = trackedProviders();

beforeAll(async () => {
  server = await startTestServer({
    COLLAB_MAX_UPDATE_BYTES: '65536',
    COLLAB_MAX_DOCUMENT_BYTES: '131072',
    COLLAB_AWARENESS_PER_SECOND: '5',
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

async function loggedRows(documentId: string, userId?: string) {
  const { rows } = await pool.query(
    'SELECT count(*)::int AS n FROM "DocumentUpdate" WHERE "documentId" = $1 AND ($2::uuid IS NULL OR "userId" = $2)',
    [documentId, userId ?? null],
  );
  return rows[0].n as number;
}

describe('collab: y-websocket protocol', () => {
  it('lets two stock y-websocket clients edit one document and converge', async () => {
    const owner = await server.user('owner');
    const { workspaceId, documentId } = await workspaceWithDocument(owner);
    const editor = await server.user('editor');
    await addMember(owner, workspaceId, editor, 'editor');
    const a = await synced(track(connect(owner, documentId)));
    const b = await synced(track(connect(editor, documentId)));
    addParagraph(a.doc, 'from owner');
    addParagraph(b.doc, 'from editor');
    await waitFor(() => paragraphs(a.doc).length === 2 && paragraphs(b.doc).length === 2, 'both edits on both sides');
    expect(paragraphs(a.doc)).toEqual(paragraphs(b.doc));
    expect(paragraphs(a.doc).sort()).toEqual(['from editor', 'from owner']);
  });

  it('confirms storage with a sync step 2 only after the edits are in the log, and exports them', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const a = await synced(track(connect(owner, documentId)));
    for (let i = 0; i < 20; i++) addParagraph(a.doc, `line ${i}`);
    await whenStored(a);
    expect(await loggedRows(documentId, owner.userId)).toBeGreaterThan(0);
    const text = await owner.documents.content(documentId, 'text');
    for (let i = 0; i < 20; i++) expect(text).toContain(`line ${i}`);
  });

  it('serves a document to a client that joins later, from memory or from the database', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const a = await synced(track(connect(owner, documentId)));
    addParagraph(a.doc, 'persisted');
    await whenStored(a);
    a.destroy();
    await waitFor(
      async () => (await pool.query('SELECT 1 FROM "DocumentSnapshot" WHERE "documentId" = $1', [documentId])).rowCount === 1,
      'compaction on unload',
    );
    const b = await synced(track(connect(owner, documentId)));
    expect(paragraphs(b.doc)).toEqual(['persisted']);
  });

  it('refuses the upgrade with 401 without a valid token and 404 without access', async () => {
    const owner = await server.user('owner');
    const stranger = await server.user('stranger');
    const { documentId } = await workspaceWithDocument(owner);
    expect(await upgradeStatus(server.url, `/collab/${documentId}`)).toBe(401);
    expect(await upgradeStatus(server.url, `/collab/${documentId}?token=garbage`)).toBe(401);
    expect(await upgradeStatus(server.url, `/collab/${documentId}?token=${stranger.accessToken}`)).toBe(404);
    expect(await upgradeStatus(server.url, `/collab/not-a-uuid?token=${owner.accessToken}`)).toBe(404);
    expect(await upgradeStatus(server.url, `/collab/${documentId}?token=${owner.accessToken}`)).toBe(101);
  });
});

describe('collab: read-only viewers', () => {
  it('drops updates from a viewer and never stores or forwards them', async () => {
    const owner = await server.user('owner');
    const viewer = await server.user('viewer');
    const { workspaceId, documentId } = await workspaceWithDocument(owner);
    await addMember(owner, workspaceId, viewer, 'viewer');
    const a = await synced(track(connect(owner, documentId)));
    addParagraph(a.doc, 'owner text');
    const v = await synced(track(connect(viewer, documentId)));
    await waitFor(() => paragraphs(v.doc).includes('owner text'), 'viewer receives the document');
    addParagraph(v.doc, 'viewer sneaks in');
    await whenStored(v); // the viewer's own barrier: the server has processed everything it sent
    addParagraph(a.doc, 'owner again');
    await whenStored(a);
    await waitFor(() => paragraphs(v.doc).includes('owner again'), 'viewer still receives edits');
    expect(paragraphs(a.doc)).not.toContain('viewer sneaks in');
    expect(await loggedRows(documentId, viewer.userId)).toBe(0);
    expect(await owner.documents.content(documentId, 'text')).not.toContain('viewer sneaks in');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tandem_collab_viewer_updates_dropped_total [1-9]/);
  });

  it('turns an open editor read-only when demoted, and closes the socket when removed', async () => {
    const owner = await server.user('owner');
    const member = await server.user('member');
    const { workspaceId, documentId } = await workspaceWithDocument(owner);
    await addMember(owner, workspaceId, member, 'editor');
    const m = await synced(track(connect(member, documentId)));
    addParagraph(m.doc, 'while editor');
    await whenStored(m);
    await owner.workspaces.updateMember(workspaceId, member.userId, { role: 'viewer' });
    const stored = await untilReadOnly(m, documentId, member.userId);
    addParagraph(m.doc, 'after demotion');
    await whenStored(m);
    expect(await loggedRows(documentId, member.userId)).toBe(stored);
    expect(await owner.documents.content(documentId, 'text')).not.toContain('after demotion');
    const closed = closeCodeOf(m);
    await owner.workspaces.removeMember(workspaceId, member.userId);
    expect(await closed).toBe(4404);
  });
});

/** Resolves with the close code of the provider's current socket, and stops it from reconnecting. */
function closeCodeOf(p: WebsocketProvider): Promise<number> {
  return new Promise((resolve) =>
    (p.ws as unknown as WebSocket).addEventListener('close', (e) => {
      p.shouldConnect = false;
      resolve(e.code);
    }),
  );
}

/** Adds probe edits until one is no longer stored: the server has made the socket read-only. */
async function untilReadOnly(p: WebsocketProvider, documentId: string, userId: string) {
  let stored = await loggedRows(documentId, userId);
  await waitFor(async () => {
    addParagraph(p.doc, 'probe');
    await whenStored(p);
    const now = await loggedRows(documentId, userId);
    const dropped = now === stored;
    stored = now;
    return dropped;
  }, 'the socket turns read-only');
  return stored;
}

describe('collab: sessions, trash and limits', () => {
  it('closes open editors with 4401 when their session is logged out', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const p = await synced(track(connect(owner, documentId)));
    const closed = closeCodeOf(p);
    await owner.auth.logout();
    expect(await closed).toBe(4401);
  });

  it('makes open editors read-only when the document goes to the trash', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const p = await synced(track(connect(owner, documentId)));
    addParagraph(p.doc, 'before trash');
    await whenStored(p);
    await owner.documents.trash(documentId);
    const stored = await untilReadOnly(p, documentId, owner.userId);
    addParagraph(p.doc, 'in the trash');
    await whenStored(p);
    expect(await loggedRows(documentId, owner.userId)).toBe(stored);
  });

  it('closes with 4413 when an update would grow the document past its size limit, keeping what was accepted', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const p = await synced(track(connect(owner, documentId)));
    for (let i = 0; i < 2; i++) addParagraph(p.doc, `${i}`.repeat(40_000));
    await whenStored(p);
    const closed = closeCodeOf(p);
    addParagraph(p.doc, 'x'.repeat(60_000));
    expect(await closed).toBe(4413);
    const text = await owner.documents.content(documentId, 'text');
    expect(text).toContain('1'.repeat(40_000));
    expect(text).not.toContain('x'.repeat(100));
  });

  it('thins awareness over the per-connection rate, counting what it drops, and still delivers the latest state', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const watcher = await synced(track(connect(owner, documentId)));
    const p = await synced(track(connect(owner, documentId)));
    for (let i = 0; i < 40; i++) p.awareness.setLocalStateField('cursor', { anchor: i });
    await waitFor(() => watcher.awareness.getStates().get(p.awareness.clientID)?.cursor?.anchor === 39, 'the final cursor arrives');
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/tandem_collab_awareness_dropped_total [1-9]/);
    expect(p.wsconnected).toBe(true);
  });
});

describe('collab: awareness', () => {
  it("removes a client's cursor for everyone when it disconnects", async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const a = await synced(track(connect(owner, documentId)));
    const b = await synced(track(connect(owner, documentId)));
    b.awareness.setLocalStateField('cursor', { anchor: 2 });
    await waitFor(() => a.awareness.getStates().has(b.awareness.clientID), 'cursor visible');
    b.disconnect();
    await waitFor(() => !a.awareness.getStates().has(b.awareness.clientID), 'cursor removed');
  });

  it('stamps awareness with the authenticated user, whatever the client claims', async () => {
    const owner = await server.user('owner');
    const editor = await server.user('editor');
    const { workspaceId, documentId } = await workspaceWithDocument(owner);
    await addMember(owner, workspaceId, editor, 'editor');
    const a = await synced(track(connect(owner, documentId)));
    const b = await synced(track(connect(editor, documentId)));
    b.awareness.setLocalStateField('user', { id: owner.userId, name: owner.displayName, color: '#000' });
    b.awareness.setLocalStateField('cursor', { anchor: 1 });
    await waitFor(() => a.awareness.getStates().get(b.awareness.clientID)?.cursor !== undefined, 'awareness arrives');
    const seen = a.awareness.getStates().get(b.awareness.clientID)!;
    expect(seen.user).toMatchObject({ id: editor.userId, name: editor.displayName });
    expect(seen.cursor).toEqual({ anchor: 1 });
  });
});

const YJS_LIMIT_VECTORS = [
  [0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 2, 0, 0, 22, 2, 0, 0, 1, 253, 255, 255, 255, 255, 127, 0, 0],
  [
    228, 156, 16, 0, 5, 255, 255, 5, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 237, 0, 0, 0, 1, 1, 0, 254, 184, 194, 233, 173, 135, 217, 18, 0, 0, 1, 1,
    255, 237, 246,
  ],
  [
    228, 149, 0, 0, 1, 24, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 237, 1, 190, 130, 227, 195, 28, 1, 2, 228, 149, 0, 0, 1, 24, 0, 0, 1, 24, 0, 0, 1,
    0, 1, 237, 0,
  ],
  [
    143, 1, 128, 0, 0, 0, 1, 170, 1, 0, 1, 2, 0, 0, 22, 2, 0, 229, 196, 67, 20, 231, 166, 139, 147, 174, 181, 253, 93, 232, 38, 154, 138,
    89, 0, 49, 213, 15, 18, 1, 48, 0, 0, 0,
  ],
  [
    0, 1, 35, 0, 0, 0, 1, 2, 129, 0, 0, 16, 0, 199, 220, 0, 196, 122, 128, 0, 65, 171, 234, 214, 0, 1, 0, 0, 1, 0, 0, 132, 0, 0, 16, 255,
    199, 220, 255, 0, 0, 0,
  ],
];

describe('collab: bad input', () => {
  async function rawSocket(token: string, documentId: string) {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/collab/${documentId}?token=${token}`);
    await new Promise((r) => ws.once('open', r));
    return ws;
  }
  const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const syncUpdate = (update: Uint8Array) => Buffer.concat([Buffer.from([0, 2]), encodeVarUint(update.length), Buffer.from(update)]);
  function encodeVarUint(n: number) {
    const out: number[] = [];
    while (n > 127) {
      out.push((n & 127) | 128);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return Buffer.from(out);
  }

  /** Sends one frame, then a sync step 1: resolves with the close code, or 'answered' if the server carried on. */
  async function sendHostile(token: string, documentId: string, frame: Buffer): Promise<number | 'answered'> {
    const ws = await rawSocket(token, documentId);
    const outcome = new Promise<number | 'answered'>((resolve) => {
      ws.once('close', (code) => resolve(code));
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0 && data[1] === 1) resolve('answered');
      });
    });
    ws.send(frame);
    ws.send(Buffer.from([0, 0, 1, 0]));
    const result = await outcome;
    ws.terminate();
    return result;
  }

  it('rejects truncated, garbage and absurd-length updates without touching the document', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const a = await synced(track(connect(owner, documentId)));
    addParagraph(a.doc, 'intact');
    await whenStored(a);
    const rowsBefore = await loggedRows(documentId);
    const good = new Y.Doc();
    addParagraph(good, 'x'.repeat(200));
    const full = Y.encodeStateAsUpdate(good);
    const hostile = [
      syncUpdate(full.subarray(0, full.length - 7)), // truncated
      syncUpdate(Uint8Array.from([1, 1, 200, 200, 200, 200, 15, 0, 4, 1, 255, 255, 255, 255, 7])), // absurd string length
      syncUpdate(Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 127])), // absurd struct count
      syncUpdate(Uint8Array.from([0, 1, 5, 1, 5, 0, 0, 255, 255, 255, 255, 15])), // absurd delete range
      Buffer.from([0, 2, 255, 255, 255, 255, 15]), // length past the end of the frame
      Buffer.from([7, 7, 7]),
    ];
    for (const frame of hostile) expect(await sendHostile(owner.accessToken!, documentId, frame)).toBe(4400);
    // Vectors from Yjs's own limits tests (absurd struct/update counts, oversized GC items). Some
    // decode as harmless no-ops in the v1 encoding: those may be ignored, but nothing may be stored.
    for (const vector of YJS_LIMIT_VECTORS) {
      expect([4400, 'answered']).toContain(await sendHostile(owner.accessToken!, documentId, syncUpdate(Uint8Array.from(vector))));
    }
    expect(await loggedRows(documentId)).toBe(rowsBefore);
    expect(await owner.documents.content(documentId, 'text')).toBe('intact');
    const b = await synced(track(connect(owner, documentId)));
    expect(paragraphs(b.doc)).toEqual(['intact']);
  });

  it('closes with 1009 when one message exceeds the update size limit', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const ws = await rawSocket(owner.accessToken!, documentId);
    const code = closeCode(ws);
    ws.send(syncUpdate(new Uint8Array(70_000)));
    expect(await code).toBe(1009);
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
  });
});
