// /collab under hostile and unlucky clients: updates that can never apply (clock gaps), write access
// that goes and comes back on one socket, update floods, too many sockets, silent peers, and a
// deleted workspace. Stock y-websocket clients for the honest side, raw sockets for the rest.
import { whenStored } from '@tandem/client';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { WebsocketProvider } from 'y-websocket';
import { OpenDocuments } from '../../apps/server/src/core/collab/open-documents.js';
import { addParagraph, connect, paragraphs, synced, trackedProviders, waitFor, workspaceWithDocument } from '../collab/helpers.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { closeCode, rawCollab, syncUpdate, updateWithClockGap } from './hostile-sockets.js';

let server: TestServer;
let pool: pg.Pool;
const { track, closeAll } = trackedProviders();
const sockets: WebSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    COLLAB_MAX_PENDING_BYTES: String(64 * 1024),
    WS_MAX_FRAMES_PER_SECOND: '40',
    COLLAB_MAX_UPDATES_PER_SECOND: '40',
    WS_MAX_SOCKETS_PER_USER: '3',
    WS_HEARTBEAT_INTERVAL_MS: '200',
    WS_IDLE_TIMEOUT_MS: '400',
  });
  pool = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
});
afterEach(() => {
  closeAll();
  for (const ws of sockets.splice(0)) ws.terminate();
});
afterAll(async () => {
  await pool?.end();
  await server?.close();
});

async function raw(token: string, documentId: string, options?: WebSocket.ClientOptions) {
  const ws = await rawCollab(server.url, token, documentId, options);
  sockets.push(ws);
  return ws;
}

async function loggedRows(documentId: string, userId: string) {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM "DocumentUpdate" WHERE "documentId" = $1 AND "userId" = $2', [
    documentId,
    userId,
  ]);
  return rows[0].n as number;
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
}

const pendingOf = (documentId: string) => server.app.get(OpenDocuments).peek(documentId)?.pendingBytes ?? 0;

describe('collab: updates that can never apply', () => {
  it('drops them past the per-connection bound, closes the sender with 4400, and serves joiners only the real document', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const honest = await synced(track(connect(owner, documentId)));
    addParagraph(honest.doc, 'kept');
    await whenStored(honest);
    const ws = await raw(owner.accessToken!, documentId);
    const closed = closeCode(ws);
    // Each message alone is valid and small; together they pass the 64 KiB bound.
    for (let i = 0; i < 20; i++) ws.send(syncUpdate(updateWithClockGap(100_000 + i, 8_000)));
    expect(await closed).toBe(4400);
    expect(pendingOf(documentId)).toBe(0);
    const late = await synced(track(connect(owner, documentId)));
    expect(paragraphs(late.doc)).toEqual(['kept']);
    expect(late.doc.getText('gap').length).toBe(0);
    expect(late.doc.store.pendingStructs).toBeNull();
    addParagraph(honest.doc, 'still editable');
    await whenStored(honest);
    expect(await owner.documents.content(documentId, 'text')).toContain('still editable');
  });

  it('bounds them per document too: many senders each under the bound cannot add up past it', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const codes: Promise<number>[] = [];
    for (let i = 0; i < 3; i++) {
      const ws = await raw(owner.accessToken!, documentId);
      codes.push(closeCode(ws));
      ws.send(syncUpdate(updateWithClockGap(200_000 + i, 30_000)));
    }
    // The third sender takes the document past 64 KiB: its update and what waited before it go.
    expect(await codes[2]).toBe(4400);
    await waitFor(() => pendingOf(documentId) === 0, 'pending data dropped');
  });
});

describe('collab: write access that goes and comes back on the same socket', () => {
  it('stores and shares the edits made after a demoted editor is promoted again', async () => {
    const owner = await server.user('owner');
    const member = await server.user('member');
    const { workspaceId, documentId } = await workspaceWithDocument(owner);
    await addMember(owner, workspaceId, member, 'editor');
    const o = await synced(track(connect(owner, documentId)));
    const m = await synced(track(connect(member, documentId)));
    await owner.workspaces.updateMember(workspaceId, member.userId, { role: 'viewer' });
    await untilReadOnly(m, documentId, member.userId);
    await owner.workspaces.updateMember(workspaceId, member.userId, { role: 'editor' });
    addParagraph(m.doc, 'after promotion');
    await waitFor(() => paragraphs(o.doc).includes('after promotion'), 'the owner sees the edit');
    await waitFor(async () => (await owner.documents.content(documentId, 'text')).includes('after promotion'), 'the edit is stored');
    expect(pendingOf(documentId)).toBe(0);
  });

  it('stores the edits made after a trashed document is restored', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const p = await synced(track(connect(owner, documentId)));
    const other = await synced(track(connect(owner, documentId)));
    await owner.documents.trash(documentId);
    await untilReadOnly(p, documentId, owner.userId);
    await owner.documents.restore(documentId);
    addParagraph(p.doc, 'after restore');
    await waitFor(() => paragraphs(other.doc).includes('after restore'), 'the other editor sees the edit');
    await waitFor(async () => (await owner.documents.content(documentId, 'text')).includes('after restore'), 'the edit is stored');
  });
});

describe('collab: the same socket caps as /ws', () => {
  it('closes a socket that floods updates past COLLAB_MAX_UPDATES_PER_SECOND with 1008, and the node stays responsive', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const ws = await raw(owner.accessToken!, documentId);
    const closed = closeCode(ws);
    const doc = new (await import('yjs')).Doc();
    const text = doc.getText('flood');
    doc.on('update', (u: Uint8Array) => ws.readyState === ws.OPEN && ws.send(syncUpdate(u)));
    for (let i = 0; i < 2_000 && ws.readyState === ws.OPEN; i++) text.insert(i, 'x');
    expect(await closed).toBe(1008);
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
  });

  it('refuses a user more than WS_MAX_SOCKETS_PER_USER /collab sockets on a node (4029), and frees the slot on close', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await raw(owner.accessToken!, documentId));
    const extra = await raw(owner.accessToken!, documentId);
    expect(await closeCode(extra)).toBe(4029);
    const gone = closeCode(open[0]!);
    open[0]!.close();
    await gone;
    await waitFor(async () => {
      const again = await raw(owner.accessToken!, documentId);
      const code = await Promise.race([closeCode(again), new Promise<number>((r) => setTimeout(() => r(0), 300))]);
      return code === 0;
    }, 'a slot to be free again');
  });

  it('drops a silent peer that never answers pings', async () => {
    const owner = await server.user('owner');
    const { documentId } = await workspaceWithDocument(owner);
    const ws = await raw(owner.accessToken!, documentId, { autoPong: false });
    expect(await closeCode(ws)).toBe(1006);
  });
});

describe('collab: deleted workspaces', () => {
  it("closes every socket on the workspace's documents with 4404 and stores nothing more", async () => {
    const owner = await server.user('owner');
    const member = await server.user('member');
    const { workspaceId, documentId } = await workspaceWithDocument(owner);
    await addMember(owner, workspaceId, member, 'editor');
    const ws = await raw(member.accessToken!, documentId);
    const closed = closeCode(ws);
    await owner.workspaces.remove(workspaceId);
    expect(await closed).toBe(4404);
  });
});
