// Search on the PostgreSQL engine, on the real database: what a person finds, what they must never
// find, and what bad input gets.
import { ApiError, type TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connect, synced, trackedProviders, waitFor } from '../collab/helpers.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
const providers = trackedProviders();
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  providers.closeAll();
  await server?.close();
});

type Member = TandemClient & { userId: string; email: string };

async function team() {
  const owner = await server.user('owner');
  const viewer = await server.user('viewer');
  const stranger = await server.user('stranger');
  const ws = await owner.workspaces.create({ name: 'Search team' });
  await addMember(owner, ws.id, viewer, 'viewer');
  const project = await owner.tracking.projects.create(ws.id, { name: 'Website', key: 'WEB' });
  return { owner, viewer, stranger, workspaceId: ws.id, projectId: project.id };
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof ApiError) return err.status;
    throw err;
  }
}

/** Writes paragraphs (and optional marks/nodes) into a document through the collab endpoint. */
async function writeDocument(client: Member, documentId: string, build: (f: Y.XmlFragment) => void) {
  const provider = providers.track(connect(client, documentId));
  await synced(provider);
  provider.doc.transact(() => build(provider.doc.getXmlFragment('default')));
}

function paragraph(...children: (string | Y.XmlElement | [string, Record<string, unknown>])[]) {
  const p = new Y.XmlElement('paragraph');
  const nodes = children.map((c) => {
    if (c instanceof Y.XmlElement) return c;
    const t = new Y.XmlText();
    if (typeof c === 'string') t.insert(0, c);
    else t.insert(0, c[0], c[1]);
    return t;
  });
  p.insert(0, nodes);
  return p;
}

describe('search: tasks and comments', () => {
  it('finds a task as soon as its write answers, by word prefix, and highlights the match', async () => {
    const { owner, workspaceId, projectId } = await team();
    const task = await owner.tracking.tasks.create(projectId, {
      title: 'Plan the deployment window',
      description: 'Ask ops before deploying',
    });
    const { items } = await owner.search.query({ q: 'deplo', workspaceId });
    expect(items[0]).toMatchObject({ type: 'task', id: task.id, taskKey: task.key, projectId, path: 'Website' });
    const hit = items[0]!;
    expect(hit.titleHighlights.map(([s, e]) => hit.title.slice(s, e).toLowerCase())).toEqual(['deplo']);
    expect(hit.highlights.map(([s, e]) => hit.snippet.slice(s, e).toLowerCase())).toEqual(['deplo']);
  });

  it('ignores case and accents, finds CJK text by substring and ranks title hits first', async () => {
    const { owner, workspaceId, projectId } = await team();
    const body = await owner.tracking.tasks.create(projectId, { title: 'Hiring', description: 'Attach the résumé of each candidate' });
    const title = await owner.tracking.tasks.create(projectId, { title: 'Résumé review', description: 'Twice a week' });
    const cjk = await owner.tracking.tasks.create(projectId, { title: '全文検索エンジン', description: '' });
    const found = await owner.search.query({ q: 'RESUME', workspaceId });
    expect(found.items.map((i) => i.id)).toEqual([title.id, body.id]);
    expect((await owner.search.query({ q: '検索', workspaceId })).items.map((i) => i.id)).toEqual([cjk.id]);
  });

  it('finds a comment under its task title and forgets it once deleted', async () => {
    const { owner, workspaceId, projectId } = await team();
    const task = await owner.tracking.tasks.create(projectId, { title: 'Checkout flow' });
    const comment = await owner.tracking.comments.create(task.id, { body: 'The flamingo colour clashes with the logo' });
    const { items } = await owner.search.query({ q: 'flamingo', workspaceId, type: 'comment' });
    expect(items).toEqual([
      expect.objectContaining({ type: 'comment', id: comment.id, taskId: task.id, title: 'Checkout flow', taskKey: task.key }),
    ]);
    await owner.tracking.comments.remove(comment.id);
    expect((await owner.search.query({ q: 'flamingo', workspaceId })).items).toEqual([]);
  });

  it('filters by type, project, assignee, status and date', async () => {
    const { owner, viewer, workspaceId, projectId } = await team();
    const other = await owner.tracking.projects.create(workspaceId, { name: 'Mobile', key: 'MOB' });
    const mine = await owner.tracking.tasks.create(projectId, { title: 'Polish the pelican icon', assigneeId: owner.userId });
    await owner.tracking.tasks.create(other.id, { title: 'Pelican splash screen' });
    const statuses = (await owner.tracking.statuses.list(projectId)).items;
    const q = { q: 'pelican', workspaceId };
    expect((await viewer.search.query({ ...q, projectId })).items.map((i) => i.id)).toEqual([mine.id]);
    expect((await viewer.search.query({ ...q, assigneeId: owner.userId })).items.map((i) => i.id)).toEqual([mine.id]);
    expect((await viewer.search.query({ ...q, status: statuses[0]!.name.toUpperCase(), projectId })).items).toHaveLength(1);
    expect((await viewer.search.query({ ...q, type: 'document' })).items).toEqual([]);
    expect((await viewer.search.query({ ...q, updatedSince: '2999-01-01' })).items).toEqual([]);
  });
});

describe('search: permissions inside the query', () => {
  it('never shows another workspace, and pages are full however much is hidden', async () => {
    const { owner, viewer, stranger, workspaceId, projectId } = await team();
    const strangerWs = await stranger.workspaces.create({ name: 'Elsewhere' });
    const strangerProject = await stranger.tracking.projects.create(strangerWs.id, { name: 'Secret', key: 'SEC' });
    for (let i = 0; i < 12; i++) {
      await stranger.tracking.tasks.create(strangerProject.id, { title: `Walrus secret ${i}` });
      await owner.tracking.tasks.create(projectId, { title: `Walrus visible ${i}` });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await viewer.search.query({ q: 'walrus', limit: 5, cursor });
      if (page.nextCursor) expect(page.items).toHaveLength(5);
      seen.push(...page.items.map((i) => i.title));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(seen.every((t) => t.startsWith('Walrus visible'))).toBe(true);
    expect(await status(stranger.search.query({ q: 'walrus', workspaceId }))).toBe(404);
  });

  it('shows a directly shared document (and its children) to a non-member, and nothing in the trash', async () => {
    const { owner, stranger, workspaceId } = await team();
    const shared = await owner.documents.create(workspaceId, { title: 'Narwhal handbook' });
    const child = await owner.documents.create(workspaceId, { title: 'Narwhal appendix', parentId: shared.id });
    const hidden = await owner.documents.create(workspaceId, { title: 'Narwhal budget' });
    await owner.documents.share(shared.id, stranger.userId, 'viewer');
    const ids = (await stranger.search.query({ q: 'narwhal' })).items.map((i) => i.id).sort();
    expect(ids).toEqual([shared.id, child.id].sort());
    expect(ids).not.toContain(hidden.id);
    await owner.documents.trash(child.id);
    expect((await owner.search.query({ q: 'narwhal', workspaceId })).items.map((i) => i.id)).not.toContain(child.id);
  });
});

describe('search: bad input', () => {
  it('answers 400 or a normal result, never a 500 or SQL text', async () => {
    const { owner, workspaceId, projectId } = await team();
    await owner.tracking.tasks.create(projectId, { title: "Quote 'n' backslash \\ task" });
    const inputs = ["'):*|&!<->", '"unbalanced', "it's", '\\', '\\\\x', '%_%', 'a & b | !c', '(((', '<->', ':*', '   ', ''];
    for (const q of inputs) {
      const res = await owner.search.query({ q, workspaceId });
      expect(Array.isArray(res.items), q).toBe(true);
    }
    expect((await owner.search.query({ q: "backslash'", workspaceId })).items).toHaveLength(1);
    for (const q of ['x'.repeat(10_000), 'a '.repeat(400)]) {
      const err = await owner.search.query({ q, workspaceId }).catch((e: ApiError) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
      expect((err as ApiError).message).not.toMatch(/syntax|tsquery|SQL/i);
    }
    // NUL is refused in every string field, as everywhere in the API.
    expect(await status(owner.search.query({ q: '\u0000nul', workspaceId }))).toBe(400);
    expect(await status(owner.search.query({ q: 'x', workspaceId, cursor: 'nonsense' }))).toBe(400);
    expect(await status(owner.search.query({ q: 'x', workspaceId: 'not-an-id' }))).toBe(400);
  });
});

describe('search: documents and backlinks', () => {
  it('finds document text a few seconds after an edit and keeps backlinks for links, task keys and mentions', async () => {
    const { owner, viewer, stranger, workspaceId, projectId } = await team();
    const task = await owner.tracking.tasks.create(projectId, { title: 'Ship the importer' });
    const target = await owner.documents.create(workspaceId, { title: 'Architecture' });
    const source = await owner.documents.create(workspaceId, { title: 'Weekly notes' });
    await writeDocument(owner, source.id, (f) => {
      f.insert(0, [
        paragraph('We talked about the axolotl migration and ', ['the design', { link: { href: `/w/${workspaceId}/d/${target.id}` } }]),
        paragraph(`Blocked by ${task.key} until Friday.`),
      ]);
      const mention = new Y.XmlElement('mention');
      mention.setAttribute('id', viewer.userId);
      mention.setAttribute('label', 'Viewer');
      f.insert(f.length, [paragraph('Ask ', mention)]);
    });
    await waitFor(
      async () => (await owner.search.query({ q: 'axolotl', workspaceId })).items.length === 1,
      'document text indexed',
      15_000,
    );
    const hit = (await viewer.search.query({ q: 'axolotl', workspaceId })).items[0]!;
    expect(hit).toMatchObject({ type: 'document', id: source.id, documentId: source.id, title: 'Weekly notes' });
    expect(hit.snippet).toContain('axolotl migration');

    expect((await viewer.search.documentBacklinks(target.id)).items).toEqual([
      expect.objectContaining({ documentId: source.id, title: 'Weekly notes', workspaceId }),
    ]);
    expect((await viewer.search.taskBacklinks(task.id)).items.map((b) => b.documentId)).toEqual([source.id]);
    expect(await status(stranger.search.documentBacklinks(target.id))).toBe(404);

    // A reader of the target who may not read the source does not learn it exists.
    await owner.documents.share(target.id, stranger.userId, 'viewer');
    expect((await stranger.search.documentBacklinks(target.id)).items).toEqual([]);
    // A trashed source no longer counts.
    await owner.documents.trash(source.id);
    expect((await owner.search.taskBacklinks(task.id)).items).toEqual([]);
  });
});

describe('search: mentions in document text', () => {
  const mentionOf = (who: Member, label: string) => {
    const m = new Y.XmlElement('mention');
    m.setAttribute('id', who.userId);
    m.setAttribute('label', label);
    return m;
  };
  const mentions = async (who: Member, documentId: string) =>
    (await who.tracking.notifications.list()).items.filter((n) => n.type === 'mentioned' && n.documentId === documentId);
  const indexed = (owner: Member, workspaceId: string, word: string) =>
    waitFor(async () => (await owner.search.query({ q: word, workspaceId })).items.length === 1, `"${word}" indexed`, 15_000);

  it('notifies a person @mentioned in a document once, and only once they can read it', async () => {
    const { owner, viewer, stranger, workspaceId } = await team();
    const doc = await owner.documents.create(workspaceId, { title: 'Launch checklist' });
    const provider = providers.track(connect(owner, doc.id));
    await synced(provider);
    const text = provider.doc.getXmlFragment('default');
    text.insert(0, [
      paragraph('Pangolin review with ', mentionOf(viewer, 'Viewer'), mentionOf(stranger, 'Stranger'), mentionOf(owner, 'Me')),
    ]);
    await indexed(owner, workspaceId, 'pangolin');

    await waitFor(async () => (await mentions(viewer, doc.id)).length === 1, 'viewer notified', 15_000);
    expect((await mentions(viewer, doc.id))[0]).toMatchObject({
      actorId: owner.userId,
      workspaceId,
      data: { documentTitle: 'Launch checklist' },
    });
    // Not the author mentioning themselves, and not someone who cannot read the document.
    expect(await mentions(owner, doc.id)).toEqual([]);
    expect(await mentions(stranger, doc.id)).toEqual([]);

    // Editing around the mention, or removing it and writing it again, tells nobody twice.
    text.insert(1, [paragraph('Quokka notes')]);
    await indexed(owner, workspaceId, 'quokka');
    text.delete(0, 1);
    text.insert(0, [paragraph('Wombat review with ', mentionOf(viewer, 'Viewer'), mentionOf(stranger, 'Stranger'))]);
    await indexed(owner, workspaceId, 'wombat');
    expect(await mentions(viewer, doc.id)).toHaveLength(1);
    expect(await mentions(stranger, doc.id)).toEqual([]);

    // Once they may read it, the next indexing of text that still mentions them does.
    await addMember(owner, workspaceId, stranger, 'viewer');
    text.insert(1, [paragraph('Narwhal follow-up')]);
    await indexed(owner, workspaceId, 'narwhal');
    await waitFor(async () => (await mentions(stranger, doc.id)).length === 1, 'stranger notified once a member', 15_000);
    expect(await mentions(viewer, doc.id)).toHaveLength(1);
  });

  it('shows a reader who has the page only through a share the mention in their inbox, for as long as the share lasts', async () => {
    const { owner, stranger, workspaceId } = await team();
    const parent = await owner.documents.create(workspaceId, { title: 'Handbook' });
    const doc = await owner.documents.create(workspaceId, { title: 'Onboarding', parentId: parent.id });
    await owner.documents.share(parent.id, stranger.userId, 'viewer'); // the share on the parent covers the page under it
    const provider = providers.track(connect(owner, doc.id));
    await synced(provider);
    provider.doc.getXmlFragment('default').insert(0, [paragraph('Axolotl intro for ', mentionOf(stranger, 'Guest'))]);
    await indexed(owner, workspaceId, 'axolotl');

    await waitFor(async () => (await mentions(stranger, doc.id)).length === 1, 'the share-only reader sees the mention', 15_000);
    const [note] = await mentions(stranger, doc.id);
    expect((await stranger.tracking.notifications.list({ unread: true })).unreadCount).toBe(1);
    expect(await stranger.tracking.notifications.read(note!.id)).toMatchObject({ id: note!.id });
    expect((await stranger.tracking.notifications.list({})).unreadCount).toBe(0);

    // The share ends: so does the notification about what it showed.
    await owner.documents.unshare(parent.id, stranger.userId);
    expect(await mentions(stranger, doc.id)).toEqual([]);
    const gone = await stranger.tracking.notifications.read(note!.id).catch((e) => e);
    expect(gone.status).toBe(404);
  });
});
