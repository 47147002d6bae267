import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually, failure, team, type UserClient } from './fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const inbox = async (u: UserClient) => (await u.tracking.notifications.list()).items;

describe('comments and mentions', () => {
  it('adds, lists, edits and deletes comments; only the author edits, an owner may delete any', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Talk' });
    const c1 = await t.editor.tracking.comments.create(task.id, { body: 'First **markdown**' });
    const c2 = await t.owner.tracking.comments.create(task.id, { body: 'Second' });
    expect((await t.viewer.tracking.comments.list(task.id)).items.map((c) => c.body)).toEqual(['First **markdown**', 'Second']);
    const edited = await t.editor.tracking.comments.update(c1.id, { body: 'First, edited' });
    expect(edited.editedAt).not.toBeNull();
    expect((await failure(t.owner.tracking.comments.update(c1.id, { body: 'not mine' }))).status).toBe(403);
    expect((await failure(t.editor.tracking.comments.remove(c2.id))).status).toBe(403);
    expect((await failure(t.viewer.tracking.comments.create(task.id, { body: 'viewer' }))).status).toBe(403);
    await t.owner.tracking.comments.remove(c1.id);
    await t.owner.tracking.comments.remove(c2.id);
    expect((await t.viewer.tracking.comments.list(task.id)).items).toEqual([]);
    expect((await failure(t.editor.tracking.comments.update(c1.id, { body: 'gone' }))).status).toBe(404);
  });

  it('pages comments with a cursor, oldest first', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Many' });
    for (let i = 0; i < 5; i++) await t.editor.tracking.comments.create(task.id, { body: `c${i}` });
    const first = await t.viewer.tracking.comments.list(task.id, { limit: 3 });
    const rest = await t.viewer.tracking.comments.list(task.id, { limit: 3, cursor: first.nextCursor! });
    expect([...first.items, ...rest.items].map((c) => c.body)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(rest.nextCursor).toBeNull();
  });

  it('notifies a member mentioned by display name or email, once, and records the mention', async () => {
    const t = await team(server);
    const task = await t.owner.tracking.tasks.create(t.project.id, { title: 'Mentions' });
    const comment = await t.owner.tracking.comments.create(task.id, {
      body: `Hey @${t.viewer.displayName}, and again @${t.viewer.email}. \`@${t.editor.displayName}\` is code.`,
    });
    expect(comment.mentions).toEqual([t.viewer.userId]);
    const mine = await eventually(async () => (await inbox(t.viewer)).filter((n) => n.type === 'mentioned'), 'mention');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      actorId: t.owner.userId,
      taskId: task.id,
      read: false,
      data: { taskKey: task.key, commentId: comment.id },
    });
    expect((await inbox(t.editor)).filter((n) => n.type === 'mentioned')).toEqual([]);
  });

  it('ignores mentions of non-members and tells the author nothing about them', async () => {
    const t = await team(server);
    const task = await t.owner.tracking.tasks.create(t.project.id, { title: 'Private' });
    const comment = await t.owner.tracking.comments.create(task.id, { body: `cc @${t.outsider.email} @${t.outsider.displayName}` });
    expect(comment.mentions).toEqual([]);
    expect(await inbox(t.outsider)).toEqual([]);
  });

  it('notifies newly mentioned members when a comment is edited', async () => {
    const t = await team(server);
    const task = await t.owner.tracking.tasks.create(t.project.id, { title: 'Edit mentions' });
    const comment = await t.owner.tracking.comments.create(task.id, { body: 'nobody yet' });
    const edited = await t.owner.tracking.comments.update(comment.id, { body: `now @${t.editor.displayName}` });
    expect(edited.mentions).toEqual([t.editor.userId]);
    await eventually(async () => (await inbox(t.editor)).some((n) => n.type === 'mentioned'), 'mention after edit');
  });
});

describe('notifications', () => {
  it('tells the assignee they were assigned, on create and on change, but not the actor', async () => {
    const t = await team(server);
    await t.owner.tracking.tasks.create(t.project.id, { title: 'For editor', assigneeId: t.editor.userId });
    const self = await t.owner.tracking.tasks.create(t.project.id, { title: 'Mine', assigneeId: t.owner.userId });
    await t.owner.tracking.tasks.update(self.id, { assigneeId: t.editor.userId });
    const assigned = await eventually(async () => {
      const n = (await inbox(t.editor)).filter((x) => x.type === 'assigned');
      return n.length === 2 && n;
    }, 'two assignments');
    expect(assigned.map((n) => n.data.title).sort()).toEqual(['For editor', 'Mine']);
    expect((await inbox(t.owner)).filter((x) => x.type === 'assigned')).toEqual([]);
  });

  it('tells watchers (reporter, assignee, commenters) about comments and status changes', async () => {
    const t = await team(server);
    const extra = await server.user('commenter');
    await addMember(t.owner, t.workspaceId, extra, 'editor');
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Watched', assigneeId: t.owner.userId });
    await extra.tracking.comments.create(task.id, { body: 'I am here now' });
    await t.owner.tracking.tasks.move(task.id, { status: t.statuses[2]!.id });
    const commented = await eventually(async () => (await inbox(t.editor)).find((n) => n.type === 'commented'), 'commented');
    expect(commented).toMatchObject({ actorId: extra.userId, taskId: task.id });
    for (const watcher of [t.editor, extra]) {
      const change = await eventually(async () => (await inbox(watcher)).find((n) => n.type === 'status_changed'), 'status change');
      expect(change.data).toMatchObject({ from: 'To Do', to: 'Done', taskKey: task.key });
    }
    expect((await inbox(t.viewer)).filter((n) => n.taskId === task.id)).toEqual([]);
    await t.viewer.tracking.tasks.watch(task.id);
    await t.owner.tracking.tasks.update(task.id, { status: t.statuses[1]!.id });
    await eventually(async () => (await inbox(t.viewer)).find((n) => n.type === 'status_changed'), 'viewer watching');
  });

  it('tells a member they were added to a workspace and to a project', async () => {
    const t = await team(server);
    await t.owner.tracking.projects.setMember(t.project.id, t.viewer.userId, { role: 'editor' });
    const types = await eventually(async () => {
      const n = (await inbox(t.viewer)).map((x) => x.type);
      return n.includes('added_to_project') && n;
    }, 'added_to_project');
    expect(types).toEqual(expect.arrayContaining(['added_to_workspace', 'added_to_project']));
  });

  it('counts unread, marks one read, marks all read, and keeps inboxes private', async () => {
    const t = await team(server);
    await t.editor.tracking.notifications.readAll(); // the welcome to the workspace
    for (const title of ['one', 'two', 'three']) await t.owner.tracking.tasks.create(t.project.id, { title, assigneeId: t.editor.userId });
    const all = await eventually(async () => {
      const page = await t.editor.tracking.notifications.list({ unread: true });
      return page.unreadCount === 3 && page;
    }, 'three unread');
    expect((await t.editor.tracking.notifications.unreadCount()).count).toBe(3);
    expect((await failure(t.owner.tracking.notifications.read(all.items[0]!.id))).status).toBe(404);
    const read = await t.editor.tracking.notifications.read(all.items[0]!.id);
    expect(read.read).toBe(true);
    expect((await t.editor.tracking.notifications.list({ unread: true })).items).toHaveLength(2);
    expect(await t.editor.tracking.notifications.readAll()).toEqual({ updated: 2, unreadCount: 0 });
    const after = await t.editor.tracking.notifications.list();
    expect(after.unreadCount).toBe(0);
    expect(after.items.every((n) => n.read)).toBe(true);
    const paged = await t.editor.tracking.notifications.list({ limit: 2 });
    expect(paged.nextCursor).not.toBeNull();
  });

  it('hides what a removed member can no longer see, and shows it again when they return', async () => {
    const t = await team(server);
    const task = await t.owner.tracking.tasks.create(t.project.id, { title: 'Confidential roadmap', assigneeId: t.editor.userId });
    const assigned = await eventually(
      async () => (await inbox(t.editor)).find((n) => n.type === 'assigned' && n.taskId === task.id),
      'the assignment',
    );
    await t.owner.workspaces.removeMember(t.workspaceId, t.editor.userId);
    const page = await t.editor.tracking.notifications.list();
    expect(page.items.filter((n) => n.workspaceId === t.workspaceId)).toEqual([]);
    expect(JSON.stringify(page)).not.toContain('Confidential roadmap');
    expect(page.unreadCount).toBe((await t.editor.tracking.notifications.unreadCount()).count);
    expect((await failure(t.editor.tracking.notifications.read(assigned.id))).status).toBe(404);
    await addMember(t.owner, t.workspaceId, t.editor, 'editor');
    expect((await inbox(t.editor)).some((n) => n.id === assigned.id)).toBe(true);
  });
});

describe('checklists', () => {
  it('adds, renames, toggles, reorders and deletes items; the task shows done/total', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Checklist' });
    const a = await t.editor.tracking.checklist.add(task.id, { text: 'a' });
    const b = await t.editor.tracking.checklist.add(task.id, { text: 'b' });
    const c = await t.editor.tracking.checklist.add(task.id, { text: 'c' });
    await t.editor.tracking.checklist.update(b.id, { done: true, text: 'b!' });
    await t.editor.tracking.checklist.move(c.id, { beforeId: a.id });
    const list = await t.viewer.tracking.checklist.list(task.id);
    expect(list.items.map((i) => [i.text, i.done])).toEqual([
      ['c', false],
      ['a', false],
      ['b!', true],
    ]);
    expect((await t.viewer.tracking.tasks.get(task.id)).checklist).toEqual({ done: 1, total: 3 });
    await t.editor.tracking.checklist.remove(a.id);
    expect((await t.viewer.tracking.tasks.get(task.id)).checklist).toEqual({ done: 1, total: 2 });
    expect((await failure(t.viewer.tracking.checklist.add(task.id, { text: 'no' }))).status).toBe(403);
    expect((await failure(t.viewer.tracking.checklist.update(b.id, { done: false }))).status).toBe(403);
    expect((await failure(t.outsider.tracking.checklist.update(b.id, { done: false }))).status).toBe(404);
    const other = await t.editor.tracking.tasks.create(t.project.id, { title: 'Other' });
    const foreign = await t.editor.tracking.checklist.add(other.id, { text: 'x' });
    expect((await failure(t.editor.tracking.checklist.move(b.id, { afterId: foreign.id }))).status).toBe(400);
  });
});
