import { whenStored } from '@tandem/client';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../support/server.js';
import { addParagraph, connect, paragraphs, synced, upgradeStatus, waitFor, workspaceWithDocument } from './helpers.js';

let server: TestServer;
let pool: pg.Pool;
const open: WebsocketProvider[] = [];
const track = (p: WebsocketProvider) => {
  open.push(p);
  return p;
};

beforeAll(async () => {
  server = await startTestServer({ COLLAB_MAX_UPDATE_BYTES: '65536' });
  pool = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
});
afterEach(() => {
  for (const p of open.splice(0)) p.destroy();
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
    await owner.workspaces.addMember(workspaceId, { email: editor.email, role: 'editor' });
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
    await owner.workspaces.addMember(workspaceId, { email: viewer.email, role: 'viewer' });
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
    await owner.workspaces.addMember(workspaceId, { email: member.email, role: 'editor' });
    const m = await synced(track(connect(member, documentId)));
    addParagraph(m.doc, 'while editor');
    await whenStored(m);
    await owner.workspaces.updateMember(workspaceId, member.userId, { role: 'viewer' });
    // The demotion reaches the open socket through the bus: probe until an edit is no longer stored.
    let stored = await loggedRows(documentId, member.userId);
    await waitFor(async () => {
      addParagraph(m.doc, 'probe');
      await whenStored(m);
      const now = await loggedRows(documentId, member.userId);
      const dropped = now === stored;
      stored = now;
      return dropped;
    }, 'demotion reaches the open socket');
    addParagraph(m.doc, 'after demotion');
    await whenStored(m);
    expect(await loggedRows(documentId, member.userId)).toBe(stored);
    expect(await owner.documents.content(documentId, 'text')).not.toContain('after demotion');
    const closed = new Promise<number>((resolve) => (m.ws as unknown as WebSocket).addEventListener('close', (e) => resolve(e.code)));
    m.shouldConnect = false;
    await owner.workspaces.removeMember(workspaceId, member.userId);
    expect(await closed).toBe(4404);
  });
});

describe('collab: awareness', () => {
  it('stamps awareness with the authenticated user, whatever the client claims', async () => {
    const owner = await server.user('owner');
    const editor = await server.user('editor');
    const { workspaceId, documentId } = await workspaceWithDocument(owner);
    await owner.workspaces.addMember(workspaceId, { email: editor.email, role: 'editor' });
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

  it('rejects truncated, garbage and absurd-length updates without touching the document', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const a = await synced(track(connect(owner, documentId)));
    addParagraph(a.doc, 'intact');
    await whenStored(a);
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
    for (const frame of hostile) {
      const ws = await rawSocket(owner.accessToken!, documentId);
      const code = closeCode(ws);
      ws.send(frame);
      expect([4400, 1009]).toContain(await code);
    }
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
