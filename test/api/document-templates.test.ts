// Document templates: saved from a document's content as it is then, listed for members, used by
// "New from template" as a fresh copy, and invisible outside their workspace.
import { ApiError } from '@tandem/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
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
