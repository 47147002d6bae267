import { ApiError, whenStored } from '@tandem/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import { addParagraph, connect, paragraphs, synced, waitFor } from '../collab/helpers.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
const providers: WebsocketProvider[] = [];
beforeAll(async () => {
  server = await startTestServer({ COLLAB_VERSION_INTERVAL_SECONDS: '0' });
});
afterEach(() => {
  for (const p of providers.splice(0)) p.destroy();
});
afterAll(() => server?.close());

async function failure(p: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code };
    throw err;
  }
  throw new Error('expected the request to fail');
}

async function team() {
  const owner = await server.user('owner');
  const editor = await server.user('editor');
  const viewer = await server.user('viewer');
  const stranger = await server.user('stranger');
  const ws = await owner.workspaces.create({ name: 'Knowledge' });
  await addMember(owner, ws.id, editor, 'editor');
  await addMember(owner, ws.id, viewer, 'viewer');
  return { owner, editor, viewer, stranger, workspaceId: ws.id };
}

describe('documents: tree', () => {
  it('creates documents under parents and lists the tree flat, siblings in order', async () => {
    const { editor, viewer, workspaceId } = await team();
    const root = await editor.documents.create(workspaceId, { title: 'Handbook' });
    const a = await editor.documents.create(workspaceId, { title: 'Onboarding', parentId: root.id });
    const b = await editor.documents.create(workspaceId, { title: 'Benefits', parentId: root.id });
    expect(root).toMatchObject({ title: 'Handbook', parentId: null, workspaceId });
    const { items } = await viewer.documents.list(workspaceId);
    expect(items.find((d) => d.id === root.id)).toMatchObject({ title: 'Handbook', parentId: null });
    expect(items.filter((d) => d.parentId === root.id).map((d) => d.id)).toEqual([a.id, b.id]);
  });

  it('reorders siblings and moves between parents, refusing cycles with 409', async () => {
    const { editor, workspaceId } = await team();
    const root = await editor.documents.create(workspaceId, { title: 'Root' });
    const a = await editor.documents.create(workspaceId, { title: 'A', parentId: root.id });
    await editor.documents.create(workspaceId, { title: 'B', parentId: root.id });
    const c = await editor.documents.create(workspaceId, { title: 'C', parentId: root.id });
    await editor.documents.move(c.id, { parentId: root.id, afterId: a.id });
    const order = (await editor.documents.list(workspaceId)).items.filter((d) => d.parentId === root.id).map((d) => d.title);
    expect(order).toEqual(['A', 'C', 'B']);
    const child = await editor.documents.create(workspaceId, { title: 'Deep', parentId: a.id });
    expect(await failure(editor.documents.move(root.id, { parentId: child.id }))).toEqual({ status: 409, code: 'conflict' });
    expect(await failure(editor.documents.move(a.id, { parentId: a.id }))).toEqual({ status: 409, code: 'conflict' });
    const moved = await editor.documents.move(a.id, { parentId: null });
    expect(moved.parentId).toBeNull();
  });

  it('refuses a parent from another workspace as not found', async () => {
    const { editor, workspaceId } = await team();
    const other = await editor.workspaces.create({ name: 'Elsewhere' });
    const foreign = await editor.documents.create(other.id, { title: 'Foreign' });
    expect(await failure(editor.documents.create(workspaceId, { title: 'X', parentId: foreign.id }))).toMatchObject({ status: 404 });
  });

  it('trashes a document with its children and restores them together', async () => {
    const { editor, viewer, workspaceId } = await team();
    const parent = await editor.documents.create(workspaceId, { title: 'Old project' });
    const child = await editor.documents.create(workspaceId, { title: 'Notes', parentId: parent.id });
    await editor.documents.trash(parent.id);
    expect((await viewer.documents.list(workspaceId)).items.map((d) => d.id)).not.toContain(child.id);
    expect((await viewer.documents.list(workspaceId, { trashed: true })).items.map((d) => d.id)).toEqual([parent.id]);
    expect((await viewer.documents.get(child.id)).deletedAt).not.toBeNull();
    const restored = await editor.documents.restore(parent.id);
    expect(restored.deletedAt).toBeNull();
    expect((await viewer.documents.list(workspaceId)).items.map((d) => d.id)).toEqual(expect.arrayContaining([parent.id, child.id]));
  });

  it('restores a child to the root when its parent is still in the trash', async () => {
    const { editor, workspaceId } = await team();
    const parent = await editor.documents.create(workspaceId, { title: 'Parent' });
    const child = await editor.documents.create(workspaceId, { title: 'Child', parentId: parent.id });
    await editor.documents.trash(parent.id);
    const restored = await editor.documents.restore(child.id);
    expect(restored.parentId).toBeNull();
    expect(await failure(editor.documents.restore(child.id))).toEqual({ status: 409, code: 'conflict' });
  });

  it('lets only owners delete permanently', async () => {
    const { owner, editor, workspaceId } = await team();
    const doc = await editor.documents.create(workspaceId, { title: 'Doomed' });
    expect(await failure(editor.documents.purge(doc.id))).toEqual({ status: 403, code: 'forbidden' });
    await owner.documents.purge(doc.id);
    expect(await failure(owner.documents.get(doc.id))).toMatchObject({ status: 404 });
  });
});

describe('documents: access', () => {
  it('lets viewers read but not write, and hides documents from strangers with 404', async () => {
    const { editor, viewer, stranger, workspaceId } = await team();
    const doc = await editor.documents.create(workspaceId, { title: 'Plan' });
    expect((await viewer.documents.get(doc.id)).role).toBe('viewer');
    expect(await failure(viewer.documents.create(workspaceId, { title: 'Nope' }))).toEqual({ status: 403, code: 'forbidden' });
    expect(await failure(viewer.documents.rename(doc.id, 'Nope'))).toEqual({ status: 403, code: 'forbidden' });
    expect(await failure(viewer.documents.trash(doc.id))).toEqual({ status: 403, code: 'forbidden' });
    for (const call of [
      () => stranger.documents.get(doc.id),
      () => stranger.documents.content(doc.id, 'text'),
      () => stranger.documents.list(workspaceId),
    ]) {
      expect(await failure(call())).toMatchObject({ status: 404, code: 'not_found' });
    }
    expect(await failure(editor.documents.get('not-an-id'))).toMatchObject({ status: 404 });
  });

  it('shares a document (and its subtree) with one user, and unsharing hides it again', async () => {
    const { owner, editor, stranger, workspaceId } = await team();
    const doc = await owner.documents.create(workspaceId, { title: 'Shared spec' });
    const child = await owner.documents.create(workspaceId, { title: 'Appendix', parentId: doc.id });
    expect(await failure(editor.documents.share(doc.id, stranger.userId, 'viewer'))).toEqual({ status: 403, code: 'forbidden' });
    await owner.documents.share(doc.id, stranger.userId, 'viewer');
    expect((await stranger.documents.get(child.id)).role).toBe('viewer');
    expect(await failure(stranger.documents.rename(doc.id, 'Mine'))).toEqual({ status: 403, code: 'forbidden' });
    await owner.documents.share(doc.id, stranger.userId, 'editor');
    expect((await stranger.documents.rename(doc.id, 'Spec v2')).title).toBe('Spec v2');
    expect((await owner.documents.shares(doc.id)).items).toEqual([expect.objectContaining({ userId: stranger.userId, role: 'editor' })]);
    await owner.documents.unshare(doc.id, stranger.userId);
    expect(await failure(stranger.documents.get(doc.id))).toMatchObject({ status: 404 });
  });

  it('lists what is shared with the caller: the shared documents and their subtrees, with the strongest role', async () => {
    const { owner, editor, stranger, workspaceId } = await team();
    const spec = await owner.documents.create(workspaceId, { title: 'Spec' });
    const appendix = await owner.documents.create(workspaceId, { title: 'Appendix', parentId: spec.id });
    const deep = await owner.documents.create(workspaceId, { title: 'Deep', parentId: appendix.id });
    const trashed = await owner.documents.create(workspaceId, { title: 'Old', parentId: spec.id });
    await owner.documents.create(workspaceId, { title: 'Private' });
    await owner.documents.trash(trashed.id);
    expect((await stranger.documents.sharedWithMe()).items).toEqual([]);
    await owner.documents.share(spec.id, stranger.userId, 'viewer');
    await owner.documents.share(appendix.id, stranger.userId, 'editor');
    await owner.documents.share(spec.id, editor.userId, 'owner');
    const shared = (await stranger.documents.sharedWithMe()).items;
    expect(shared.map((d) => [d.title, d.role, d.workspaceName])).toEqual([
      ['Spec', 'viewer', 'Knowledge'],
      ['Appendix', 'editor', 'Knowledge'],
      ['Deep', 'editor', 'Knowledge'],
    ]);
    expect(shared.find((d) => d.id === deep.id)).toMatchObject({ parentId: appendix.id, workspaceId });
    await owner.documents.unshare(spec.id, stranger.userId);
    expect((await stranger.documents.sharedWithMe()).items.map((d) => d.title)).toEqual(['Appendix', 'Deep']);
    await owner.workspaces.remove(workspaceId);
    expect((await stranger.documents.sharedWithMe()).items).toEqual([]);
  });

  it("closes a shared user's open editor when the share is removed", async () => {
    const { owner, stranger, workspaceId } = await team();
    const doc = await owner.documents.create(workspaceId, { title: 'Live share' });
    await owner.documents.share(doc.id, stranger.userId, 'editor');
    const p = await synced(connect(stranger, doc.id));
    providers.push(p);
    const closed = new Promise<number>((resolve) => (p.ws as unknown as WebSocket).addEventListener('close', (e) => resolve(e.code)));
    p.shouldConnect = false;
    await owner.documents.unshare(doc.id, stranger.userId);
    expect(await closed).toBe(4404);
  });

  it('answers 400 with the failing fields for bad input', async () => {
    const { editor, workspaceId } = await team();
    const err = await editor.documents.create(workspaceId, { title: '' }).catch((e: ApiError) => e);
    expect(err).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(JSON.stringify((err as ApiError).details)).toContain('title');
  });
});

describe('documents: content, import and history', () => {
  const markdown = [
    '# Release notes',
    '',
    'We shipped **bold** things, *quietly*, with `code` and a [link](https://example.test).',
    '',
    '- first',
    '- second',
    '',
    '1. one',
    '2. two',
    '',
    '> quoted',
    '',
    '```ts',
    'const x = 1;',
    '```',
  ].join('\n');

  it('imports Markdown into a new document and exports it as JSON, Markdown and text', async () => {
    const { editor, viewer, workspaceId } = await team();
    const doc = await editor.documents.importMarkdown(workspaceId, { title: 'Notes', markdown });
    const json = await viewer.documents.content(doc.id, 'json');
    expect(json.type).toBe('doc');
    expect(json.content?.map((n) => n.type)).toEqual(['heading', 'paragraph', 'bulletList', 'orderedList', 'blockquote', 'codeBlock']);
    expect(json.content?.[0]).toMatchObject({ attrs: { level: 1 }, content: [{ type: 'text', text: 'Release notes' }] });
    const md = await viewer.documents.content(doc.id, 'markdown');
    for (const piece of [
      '# Release notes',
      '**bold**',
      '*quietly*',
      '`code`',
      '[link](https://example.test)',
      '- first',
      '2. two',
      '> quoted',
      '```ts\nconst x = 1;\n```',
    ]) {
      expect(md).toContain(piece);
    }
    const text = await viewer.documents.content(doc.id, 'text');
    expect(text.split('\n')).toEqual(expect.arrayContaining(['Release notes', 'first', 'two', 'quoted', 'const x = 1;']));
    const live = await synced(connect(viewer, doc.id));
    providers.push(live);
    expect(paragraphs(live.doc)[0]).toBe('Release notes');
  });

  it('keeps images of this workspace through a Markdown export and import, even inside a paragraph', async () => {
    const { editor, workspaceId } = await team();
    const holder = await editor.documents.create(workspaceId, { title: 'Holder' });
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
      'base64',
    );
    const file = await editor.files.upload({ documentId: holder.id }, new Blob([png]), { name: 'diagram.png' });
    const src = `/api/v1/files/${file.id}`;
    const doc = await editor.documents.importMarkdown(workspaceId, {
      title: 'Illustrated',
      markdown: `Before the picture ![The diagram](${src}) and after it.`,
    });
    const json = await editor.documents.content(doc.id, 'json');
    expect(json.content?.map((n) => n.type)).toEqual(['paragraph', 'image', 'paragraph']);
    expect(json.content?.[1]).toMatchObject({ attrs: { src, alt: 'The diagram' } });
    const md = await editor.documents.content(doc.id, 'markdown');
    expect(md).toContain(`![The diagram](${src})`);
    const again = await editor.documents.importMarkdown(workspaceId, { title: 'Round trip', markdown: md });
    expect((await editor.documents.content(again.id, 'json')).content?.map((n) => n.type)).toEqual(['paragraph', 'image', 'paragraph']);
  });

  it('cuts history versions as the document is compacted, and restores one for everyone editing', async () => {
    const { editor, workspaceId } = await team();
    const doc = await editor.documents.create(workspaceId, { title: 'Versioned' });
    const first = await synced(connect(editor, doc.id));
    addParagraph(first.doc, 'version one');
    await whenStored(first);
    first.destroy(); // the last client leaving compacts the log, which cuts a version
    await waitFor(async () => (await editor.documents.history(doc.id)).items.length === 1, 'a version after compaction');
    const [v1] = (await editor.documents.history(doc.id)).items;
    expect(await editor.documents.versionContent(doc.id, v1!.id, 'text')).toBe('version one');
    const second = await synced(connect(editor, doc.id));
    providers.push(second);
    addParagraph(second.doc, 'version two');
    await whenStored(second);
    await editor.documents.restoreVersion(doc.id, v1!.id);
    await waitFor(() => JSON.stringify(paragraphs(second.doc)) === '["version one"]', 'open editor sees the restore');
    expect(await editor.documents.content(doc.id, 'text')).toBe('version one');
    const reasons = (await editor.documents.history(doc.id)).items.map((v) => v.reason);
    expect(reasons).toContain('restore');
  });
});
