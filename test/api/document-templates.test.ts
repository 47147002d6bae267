// Document templates: saved from a document's content as it is then, listed for members, used by
// "New from template" as a fresh copy, and invisible outside their workspace. And the zip export of
// a document's subtree.
import { ApiError } from '@tandem/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import yauzl from 'yauzl';
import { addParagraph, connect, synced } from '../collab/helpers.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
const providers: WebsocketProvider[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  for (const p of providers.splice(0)) p.destroy();
});
afterAll(() => server?.close());

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof ApiError) return err.status;
    throw err;
  }
}

async function team() {
  const owner = await server.user('owner');
  const editor = await server.user('editor');
  const viewer = await server.user('viewer');
  const stranger = await server.user('stranger');
  const ws = await owner.workspaces.create({ name: 'Templates' });
  await addMember(owner, ws.id, editor, 'editor');
  await addMember(owner, ws.id, viewer, 'viewer');
  return { owner, editor, viewer, stranger, workspaceId: ws.id };
}

describe('document templates', () => {
  it('starts a new document with a copy of the content the template was saved with', async () => {
    const { editor, viewer, workspaceId } = await team();
    const source = await editor.documents.importMarkdown(workspaceId, {
      title: 'Meeting notes',
      markdown: '# Agenda\n\n- [ ] Decisions\n\n> [!NOTE]\n> Keep it short.',
    });
    const template = await editor.documents.templates.save(workspaceId, { documentId: source.id });
    expect(template).toMatchObject({ workspaceId, title: 'Meeting notes', createdById: editor.userId });

    // Later edits of the source do not change the template.
    const provider = connect(editor, source.id);
    providers.push(provider);
    await synced(provider);
    addParagraph(provider.doc, 'Only in the source');
    await expect.poll(() => editor.documents.content(source.id, 'text')).toContain('Only in the source');

    const fresh = await editor.documents.create(workspaceId, { title: 'Weekly sync', templateId: template.id });
    expect(fresh).toMatchObject({ title: 'Weekly sync', parentId: null });
    const copied = await editor.documents.content(fresh.id, 'markdown');
    expect(copied).toContain('# Agenda');
    expect(copied).toContain('Keep it short.');
    expect(copied).not.toContain('Only in the source');
    expect(await editor.documents.content(fresh.id, 'json')).toEqual(
      expect.objectContaining({ content: expect.arrayContaining([expect.objectContaining({ type: 'callout' })]) }),
    );

    // Members see the list; templates are not documents of the tree.
    expect((await viewer.documents.templates.list(workspaceId)).items.map((t) => t.title)).toEqual(['Meeting notes']);
    expect((await viewer.documents.list(workspaceId)).items.map((d) => d.title).sort()).toEqual(['Meeting notes', 'Weekly sync']);
  });

  it('lets editors save and delete templates, members only use the list, and hides them from everyone else', async () => {
    const { owner, editor, viewer, stranger, workspaceId } = await team();
    const doc = await owner.documents.create(workspaceId, { title: 'Spec' });
    expect(await status(viewer.documents.templates.save(workspaceId, { documentId: doc.id }))).toBe(403);
    expect(await status(stranger.documents.templates.list(workspaceId))).toBe(404);
    const template = await editor.documents.templates.save(workspaceId, { documentId: doc.id, title: 'Spec template' });
    expect(await status(viewer.documents.create(workspaceId, { title: 'Mine', templateId: template.id }))).toBe(403);
    expect(await status(stranger.documents.templates.remove(template.id))).toBe(404);
    expect(await status(viewer.documents.templates.remove(template.id))).toBe(403);

    // Another workspace's template, or a document of another workspace, is not found.
    const other = await stranger.workspaces.create({ name: 'Elsewhere' });
    const theirs = await stranger.documents.create(other.id, { title: 'Theirs' });
    expect(await status(stranger.documents.create(other.id, { title: 'Copy', templateId: template.id }))).toBe(404);
    expect(await status(stranger.documents.templates.save(other.id, { documentId: doc.id }))).toBe(404);
    expect(await status(editor.documents.templates.save(workspaceId, { documentId: theirs.id }))).toBe(404);

    await editor.documents.templates.remove(template.id);
    expect((await owner.documents.templates.list(workspaceId)).items).toEqual([]);
    expect(await status(editor.documents.create(workspaceId, { title: 'Late', templateId: template.id }))).toBe(404);
  });
});

/** The entries of a zip: path → bytes. */
function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, s) => {
          if (e || !s) return reject(e);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('zip export', () => {
  it('streams a document and its subtree as Markdown in folders, with their files linked beside them', async () => {
    const { owner, viewer, stranger, workspaceId } = await team();
    const root = await owner.documents.importMarkdown(workspaceId, { title: 'Handbook', markdown: '# Handbook\n\nStart here.' });
    const child = await owner.documents.importMarkdown(workspaceId, {
      title: 'On/boarding: day 1',
      markdown: 'Bring a laptop.',
      parentId: root.id,
    });
    const twin = await owner.documents.create(workspaceId, { title: 'On/boarding: day 1', parentId: root.id });
    const trashed = await owner.documents.create(workspaceId, { title: 'Old', parentId: root.id });
    await owner.documents.trash(trashed.id);
    const file = await owner.files.upload({ documentId: child.id }, new Blob(['quarterly numbers']), { name: 'report.txt' });
    const provider = connect(owner, child.id);
    providers.push(provider);
    await synced(provider);
    addParagraph(provider.doc, `See /api/v1/files/${file.id} for the numbers.`);
    await expect.poll(() => owner.documents.content(child.id, 'text')).toContain('for the numbers');

    const res = await viewer.documents.exportZip(root.id);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain('Handbook.zip');
    const entries = await unzip(Buffer.from(await res.arrayBuffer()));
    expect([...entries.keys()].sort()).toEqual([
      'Handbook.md',
      'Handbook/On boarding day 1 (2).md',
      'Handbook/On boarding day 1.files/report.txt',
      'Handbook/On boarding day 1.md',
    ]);
    expect(entries.get('Handbook.md')!.toString()).toContain('Start here.');
    const page = entries.get('Handbook/On boarding day 1.md')!.toString();
    expect(page).toContain('Bring a laptop.');
    expect(page).toContain('See On%20boarding%20day%201.files/report.txt for the numbers.');
    expect(entries.get('Handbook/On boarding day 1.files/report.txt')!.toString()).toBe('quarterly numbers');
    expect(twin.id).not.toBe(child.id);

    expect(await status(stranger.documents.exportZip(root.id))).toBe(404);
    // Someone a page was shared with exports that page and what is under it, nothing above.
    await owner.documents.share(child.id, stranger.userId, 'viewer');
    const shared = await unzip(Buffer.from(await (await stranger.documents.exportZip(child.id)).arrayBuffer()));
    expect([...shared.keys()].sort()).toEqual(['On boarding day 1.files/report.txt', 'On boarding day 1.md']);
  });
});
