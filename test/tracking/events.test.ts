import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainEvent, DomainEvents } from '../../apps/server/src/base/events/domain-events.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually, team } from './fixtures.js';

let server: TestServer;
const events: DomainEvent[] = [];
beforeAll(async () => {
  server = await startTestServer();
  await server.app.get(DomainEvents).subscribe((e) => events.push(e));
});
afterAll(() => server?.close());

const nextEvent = (type: string, match: (e: DomainEvent) => boolean) =>
  eventually(async () => events.find((e) => e.type === type && match(e)), type);

describe('domain events after each change', () => {
  it('carry the same view the REST API returned, with the ids of the rooms they belong to', async () => {
    const t = await team(server);
    const ids = { workspaceId: t.workspaceId, projectId: t.project.id };

    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Evented' });
    expect(await nextEvent('task.created', (e) => e.taskId === task.id)).toMatchObject({ ...ids, taskId: task.id, data: task });

    const updated = await t.editor.tracking.tasks.update(task.id, { title: 'Renamed' });
    expect((await nextEvent('task.updated', (e) => e.taskId === task.id)).data).toEqual(updated);

    const moved = await t.editor.tracking.tasks.move(task.id, { status: t.statuses[1]!.id });
    expect((await nextEvent('task.moved', (e) => e.taskId === task.id)).data).toEqual(moved);

    const comment = await t.editor.tracking.comments.create(task.id, { body: 'hello' });
    expect(await nextEvent('comment.created', (e) => e.taskId === task.id)).toMatchObject({ ...ids, data: comment });

    const item = await t.editor.tracking.checklist.add(task.id, { text: 'step' });
    expect(await nextEvent('checklist.updated', (e) => e.taskId === task.id)).toMatchObject({
      ...ids,
      data: { taskId: task.id, item, done: 0, total: 1 },
    });

    const sprint = await t.editor.tracking.sprints.create(t.project.id, { name: 'S' });
    const started = await t.editor.tracking.sprints.start(sprint.id);
    expect((await nextEvent('sprint.updated', (e) => (e.data as { id: string }).id === sprint.id)).data).toEqual(started);

    const status = await t.owner.tracking.statuses.create(t.project.id, { name: 'QA', category: 'in_progress' });
    expect((await nextEvent('status.created', (e) => (e.data as { id: string }).id === status.id)).data).toEqual(status);

    const project = await t.owner.tracking.projects.update(t.project.id, { name: 'Renamed project' });
    expect((await nextEvent('project.updated', (e) => e.projectId === t.project.id)).data).toEqual(project);

    await t.editor.tracking.tasks.remove(task.id);
    expect((await nextEvent('task.deleted', (e) => e.taskId === task.id)).data).toEqual({ id: task.id });
  });

  it('names the concerned user on project role changes', async () => {
    const t = await team(server);
    await t.owner.tracking.projects.setMember(t.project.id, t.editor.userId, { role: 'viewer' });
    const e = await nextEvent('member.changed', (x) => x.projectId === t.project.id);
    expect(e).toMatchObject({ workspaceId: t.workspaceId, userIds: [t.editor.userId] });
  });

  it('emits nothing for a refused change', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Guarded' });
    await t.viewer.tracking.tasks.update(task.id, { title: 'nope' }).catch(() => undefined);
    await t.editor.tracking.tasks.update(task.id, { title: 'yes' });
    await nextEvent('task.updated', (e) => e.taskId === task.id);
    expect(events.filter((e) => e.type === 'task.updated' && e.taskId === task.id)).toHaveLength(1);
  });
});

describe('sprint start under concurrency', () => {
  it('activates only one of two sprints started at once', async () => {
    const t = await team(server);
    const a = await t.editor.tracking.sprints.create(t.project.id, { name: 'A' });
    const b = await t.editor.tracking.sprints.create(t.project.id, { name: 'B' });
    const results = await Promise.allSettled([t.editor.tracking.sprints.start(a.id), t.owner.tracking.sprints.start(b.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const states = (await t.viewer.tracking.sprints.list(t.project.id)).items.map((s) => s.state).sort();
    expect(states).toEqual(['active', 'planned']);
  });
});
