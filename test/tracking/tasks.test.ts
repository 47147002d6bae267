import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../apps/server/src/base/events/domain-events.js';
import { DomainEvents } from '../../apps/server/src/base/events/domain-events.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually, failure, nextKey, team } from './fixtures.js';

let server: TestServer;
const events: DomainEvent[] = [];
beforeAll(async () => {
  server = await startTestServer();
  await server.app.get(DomainEvents).subscribe((e) => events.push(e));
});
afterAll(() => server?.close());

describe('tasks', () => {
  it('creates a task with a human key, the first status, a rank and version 1', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Fix login', description: '**bold**', priority: 'high' });
    expect(task).toMatchObject({
      key: `${t.project.key}-1`,
      number: 1,
      title: 'Fix login',
      description: '**bold**',
      status: t.statuses[0]!.id,
      priority: 'high',
      type: 'task',
      reporterId: t.editor.userId,
      assigneeId: null,
      version: 1,
      labels: [],
      checklist: { done: 0, total: 0 },
      archived: false,
    });
    expect(task.rank).toMatch(/^[0-9a-z]+$/);
    expect(await t.viewer.tracking.tasks.get(task.id)).toEqual(task);
  });

  it('hands out unique keys to 40 tasks created concurrently', async () => {
    const t = await team(server);
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) => t.editor.tracking.tasks.create(t.project.id, { title: `Task ${i}` })),
    );
    const numbers = created.map((c) => c.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(created.map((c) => c.rank)).size).toBe(40);
  });

  it('commits, then emits exactly one task.created event carrying the task view', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Evented' });
    const seen = await eventually(async () => events.filter((e) => e.type === 'task.created' && e.taskId === task.id), 'event');
    // Events arrive in order: once a later task's event is in, a duplicate of the first would be too.
    const later = await t.editor.tracking.tasks.create(t.project.id, { title: 'Later' });
    await eventually(async () => events.some((e) => e.taskId === later.id), 'later event');
    expect(events.filter((e) => e.type === 'task.created' && e.taskId === task.id)).toHaveLength(1);
    expect(seen[0]).toMatchObject({ workspaceId: t.workspaceId, projectId: t.project.id, actorId: t.editor.userId, data: task });
  });

  it('updates fields, bumps the version and answers 409 to a stale version without changing anything', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Old' });
    const updated = await t.editor.tracking.tasks.update(task.id, {
      title: 'New',
      version: 1,
      dueDate: '2026-12-24',
      estimate: 3,
      type: 'bug',
    });
    expect(updated).toMatchObject({ title: 'New', version: 2, dueDate: '2026-12-24', estimate: 3, type: 'bug' });
    const err = await failure(t.owner.tracking.tasks.update(task.id, { title: 'Lost update', version: 1 }));
    expect([err.status, err.code]).toEqual([409, 'conflict']);
    expect(err.details).toMatchObject({ currentVersion: 2 });
    expect((await t.owner.tracking.tasks.get(task.id)).title).toBe('New');
  });

  it('lets exactly one of two concurrent edits with the same version win', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Race' });
    const results = await Promise.allSettled([
      t.editor.tracking.tasks.update(task.id, { title: 'A', version: 1 }),
      t.owner.tracking.tasks.update(task.id, { title: 'B', version: 1 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await t.owner.tracking.tasks.get(task.id)).version).toBe(2);
  });

  it('applies every one of many concurrent edits and moves sent without a version (nobody asked for a check)', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Busy' });
    const results = await Promise.allSettled([
      ...Array.from({ length: 4 }, (_, i) => t.editor.tracking.tasks.update(task.id, { title: `Edit ${i}` })),
      ...Array.from({ length: 4 }, (_, i) => t.owner.tracking.tasks.move(task.id, { status: t.statuses[i % t.statuses.length]!.id })),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await t.owner.tracking.tasks.get(task.id)).version).toBe(9);
  });

  it('assigns a member who may edit, and sets labels from the workspace', async () => {
    const t = await team(server);
    const label = await t.editor.tracking.labels.create(t.workspaceId, { name: 'frontend', color: '#ff0000' });
    const task = await t.owner.tracking.tasks.create(t.project.id, { title: 'Assign', assigneeId: t.editor.userId, labelIds: [label.id] });
    expect(task.assigneeId).toBe(t.editor.userId);
    expect(task.labels).toEqual([{ id: label.id, name: 'frontend', color: '#ff0000' }]);
  });

  it('archives and restores a task; archived tasks leave the default list', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Archive me' });
    await t.editor.tracking.tasks.update(task.id, { archived: true });
    expect((await t.editor.tracking.tasks.list(t.project.id)).items.map((x) => x.id)).not.toContain(task.id);
    expect((await t.editor.tracking.tasks.list(t.project.id, { archived: true })).items.map((x) => x.id)).toEqual([task.id]);
    expect((await t.editor.tracking.tasks.update(task.id, { archived: false })).archived).toBe(false);
  });

  it('deletes a task (404 afterwards) and keeps subtasks as top-level tasks', async () => {
    const t = await team(server);
    const parent = await t.editor.tracking.tasks.create(t.project.id, { title: 'Parent' });
    const child = await t.editor.tracking.tasks.create(t.project.id, { title: 'Child', parentId: parent.id });
    expect(child).toMatchObject({ parentId: parent.id, type: 'subtask' });
    await t.editor.tracking.tasks.remove(parent.id);
    expect((await failure(t.editor.tracking.tasks.get(parent.id))).status).toBe(404);
    expect((await t.editor.tracking.tasks.get(child.id)).parentId).toBeNull();
  });

  it('records who changed what, old and new values, in the task and project activity', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Logged', priority: 'low' });
    await t.editor.tracking.tasks.update(task.id, { priority: 'urgent', assigneeId: t.owner.userId });
    const activity = (await t.viewer.tracking.tasks.activity(task.id)).items;
    expect(activity.map((a) => a.action)).toEqual(['task.updated', 'task.created']);
    expect(activity[0]).toMatchObject({
      actorId: t.editor.userId,
      changes: { priority: { from: 'low', to: 'urgent' }, assigneeId: { from: null, to: t.owner.userId } },
    });
    const projectActivity = (await t.viewer.tracking.projects.activity(t.project.id)).items.map((a) => a.action);
    expect(projectActivity).toEqual(expect.arrayContaining(['task.updated', 'task.created', 'project.created']));
  });
});

describe('task list', () => {
  it('filters by status, assignee, label, sprint and text, and pages with a cursor', async () => {
    const t = await team(server);
    const [todo, doing] = t.statuses;
    const label = await t.editor.tracking.labels.create(t.workspaceId, { name: `bug-${nextKey()}` });
    const sprint = await t.editor.tracking.sprints.create(t.project.id, { name: 'S1' });
    const a = await t.editor.tracking.tasks.create(t.project.id, { title: 'Alpha search-me', assigneeId: t.editor.userId });
    const b = await t.editor.tracking.tasks.create(t.project.id, { title: 'Beta', status: doing!.id, labelIds: [label.id] });
    const c = await t.editor.tracking.tasks.create(t.project.id, {
      title: 'Gamma',
      description: 'has SEARCH-ME inside',
      sprintId: sprint.id,
    });
    const ids = async (f: Parameters<typeof t.viewer.tracking.tasks.list>[1]) =>
      (await t.viewer.tracking.tasks.list(t.project.id, f)).items.map((x) => x.id);
    expect(await ids({})).toEqual([c.id, b.id, a.id]);
    expect(await ids({ status: todo!.id })).toEqual([a.id, c.id]);
    expect(await ids({ assigneeId: t.editor.userId })).toEqual([a.id]);
    expect(await ids({ assigneeId: 'none' })).toEqual([c.id, b.id]);
    expect(await ids({ label: label.id })).toEqual([b.id]);
    expect(await ids({ label: label.name })).toEqual([b.id]);
    expect(await ids({ sprint: sprint.id })).toEqual([c.id]);
    expect(await ids({ sprint: 'backlog' })).toEqual([b.id, a.id]);
    expect(await ids({ q: 'search-me' })).toEqual([c.id, a.id]);
    expect(await ids({ q: '%' })).toEqual([]);

    const first = await t.viewer.tracking.tasks.list(t.project.id, { limit: 2 });
    expect(first.items.map((x) => x.id)).toEqual([c.id, b.id]);
    const second = await t.viewer.tracking.tasks.list(t.project.id, { limit: 2, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: a.id })], nextCursor: null });
  });

  it('answers a forged cursor and bad filters with 400', async () => {
    const t = await team(server);
    const forged = await failure(t.viewer.tracking.tasks.list(t.project.id, { cursor: 'not-a-cursor' }));
    expect([forged.status, forged.code]).toEqual([400, 'validation_failed']);
    expect((await failure(t.viewer.tracking.tasks.list(t.project.id, { limit: 0 }))).status).toBe(400);
    expect((await failure(t.viewer.tracking.tasks.list(t.project.id, { status: 'x' }))).status).toBe(400);
  });
});

describe('bad input', () => {
  it('refuses a status of another project with 400', async () => {
    const t = await team(server);
    const other = await t.owner.tracking.projects.create(t.workspaceId, { name: 'Other', key: nextKey('OTH') });
    const foreign = (await t.owner.tracking.statuses.list(other.id)).items[0]!;
    const err = await failure(t.editor.tracking.tasks.create(t.project.id, { title: 'x', status: foreign.id }));
    expect([err.status, err.details]).toEqual([400, [{ field: 'status', message: expect.any(String) }]]);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'x' });
    expect((await failure(t.editor.tracking.tasks.update(task.id, { status: foreign.id }))).status).toBe(400);
    expect((await failure(t.editor.tracking.tasks.move(task.id, { status: foreign.id }))).status).toBe(400);
    expect((await t.editor.tracking.tasks.get(task.id)).status).toBe(t.statuses[0]!.id);
  });

  it('refuses to assign a viewer or a non-member with 400 and leaks nothing', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'x' });
    const asViewer = await failure(t.editor.tracking.tasks.update(task.id, { assigneeId: t.viewer.userId }));
    const asOutsider = await failure(t.editor.tracking.tasks.update(task.id, { assigneeId: t.outsider.userId }));
    const asNobody = await failure(
      t.editor.tracking.tasks.create(t.project.id, { title: 'y', assigneeId: '00000000-0000-7000-8000-000000000000' }),
    );
    expect([asViewer.status, asOutsider.status, asNobody.status]).toEqual([400, 400, 400]);
    expect(asOutsider.message).toBe(asViewer.message);
    expect(asNobody.message).toBe(asViewer.message);
  });

  it('refuses parent cycles, self-parenting and parents from another project with 400', async () => {
    const t = await team(server);
    const a = await t.editor.tracking.tasks.create(t.project.id, { title: 'A' });
    const b = await t.editor.tracking.tasks.create(t.project.id, { title: 'B', parentId: a.id });
    const c = await t.editor.tracking.tasks.create(t.project.id, { title: 'C', parentId: b.id });
    expect((await failure(t.editor.tracking.tasks.update(a.id, { parentId: c.id }))).status).toBe(400);
    expect((await failure(t.editor.tracking.tasks.update(a.id, { parentId: a.id }))).status).toBe(400);
    const other = await t.owner.tracking.projects.create(t.workspaceId, { name: 'Other', key: nextKey('PAR') });
    const foreign = await t.editor.tracking.tasks.create(other.id, { title: 'F' });
    expect((await failure(t.editor.tracking.tasks.update(a.id, { parentId: foreign.id }))).status).toBe(400);
    expect((await t.editor.tracking.tasks.get(a.id)).parentId).toBeNull();
  });

  it('never lets two concurrent re-parentings form a cycle', async () => {
    const t = await team(server);
    const a = await t.editor.tracking.tasks.create(t.project.id, { title: 'A' });
    const b = await t.editor.tracking.tasks.create(t.project.id, { title: 'B' });
    const results = await Promise.allSettled([
      t.editor.tracking.tasks.update(a.id, { parentId: b.id }),
      t.owner.tracking.tasks.update(b.id, { parentId: a.id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const parents = [(await t.editor.tracking.tasks.get(a.id)).parentId, (await t.editor.tracking.tasks.get(b.id)).parentId];
    expect(parents.filter(Boolean)).toHaveLength(1);
  });

  it('refuses labels of another workspace, unknown fields and empty titles with 400', async () => {
    const t = await team(server);
    const elsewhere = await t.outsider.workspaces.create({ name: 'Elsewhere' });
    const foreign = await t.outsider.tracking.labels.create(elsewhere.id, { name: 'x' });
    expect((await failure(t.editor.tracking.tasks.create(t.project.id, { title: 'x', labelIds: [foreign.id] }))).status).toBe(400);
    const raw = await failure(t.editor.http.request('POST', `/api/v1/projects/${t.project.id}/tasks`, { body: { title: ' ', hacker: 1 } }));
    expect(raw.status).toBe(400);
    expect((raw.details as { field: string }[]).map((d) => d.field)).toEqual(expect.arrayContaining(['title', '(body)']));
  });
});
