import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { failure, team } from './fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('sprints', () => {
  it('plans, starts and completes a sprint, moving unfinished tasks to the next planned sprint', async () => {
    const t = await team(server);
    const [todo, , done] = t.statuses;
    const s1 = await t.editor.tracking.sprints.create(t.project.id, {
      name: 'Sprint 1',
      goal: 'Ship',
      startDate: '2026-12-01',
      endDate: '2026-12-14',
    });
    const s2 = await t.editor.tracking.sprints.create(t.project.id, { name: 'Sprint 2' });
    expect(s1).toMatchObject({ state: 'planned', startDate: '2026-12-01', endDate: '2026-12-14', goal: 'Ship' });
    const open = await t.editor.tracking.tasks.create(t.project.id, { title: 'open', sprintId: s1.id, status: todo!.id });
    const finished = await t.editor.tracking.tasks.create(t.project.id, { title: 'finished', sprintId: s1.id, status: done!.id });
    expect((await t.editor.tracking.sprints.start(s1.id)).state).toBe('active');
    expect((await failure(t.editor.tracking.sprints.start(s2.id))).status).toBe(409);
    const completed = await t.editor.tracking.sprints.complete(s1.id);
    expect(completed).toMatchObject({ state: 'completed', movedTaskIds: [open.id] });
    expect((await t.viewer.tracking.tasks.get(open.id)).sprintId).toBe(s2.id);
    expect((await t.viewer.tracking.tasks.get(finished.id)).sprintId).toBe(s1.id);
    expect((await failure(t.editor.tracking.tasks.update(open.id, { sprintId: s1.id }))).status).toBe(400);
    expect((await failure(t.editor.tracking.sprints.complete(s1.id))).status).toBe(400);
  });

  it('sends unfinished tasks to the backlog when there is no planned sprint or when asked', async () => {
    const t = await team(server);
    const sprint = await t.editor.tracking.sprints.create(t.project.id, { name: 'Only' });
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'left over', sprintId: sprint.id });
    await t.editor.tracking.sprints.start(sprint.id);
    await t.editor.tracking.sprints.complete(sprint.id, { moveTo: 'backlog' });
    expect((await t.viewer.tracking.tasks.get(task.id)).sprintId).toBeNull();
    expect((await t.viewer.tracking.tasks.list(t.project.id, { sprint: 'backlog' })).items.map((x) => x.id)).toContain(task.id);
  });

  it('refuses a target sprint that is not planned in this project, and an end before the start', async () => {
    const t = await team(server);
    const sprint = await t.editor.tracking.sprints.create(t.project.id, { name: 'A' });
    await t.editor.tracking.sprints.start(sprint.id);
    expect((await failure(t.editor.tracking.sprints.complete(sprint.id, { moveTo: sprint.id }))).status).toBe(400);
    const bad = await failure(
      t.editor.tracking.sprints.create(t.project.id, { name: 'B', startDate: '2026-12-10', endDate: '2026-12-01' }),
    );
    expect([bad.status, bad.details]).toEqual([400, [{ field: 'endDate', message: expect.any(String) }]]);
    expect((await failure(t.viewer.tracking.sprints.create(t.project.id, { name: 'viewer' }))).status).toBe(403);
    expect((await failure(t.outsider.tracking.sprints.get(sprint.id))).status).toBe(404);
  });

  it('deleting a sprint returns its tasks to the backlog', async () => {
    const t = await team(server);
    const sprint = await t.editor.tracking.sprints.create(t.project.id, { name: 'Temp' });
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'x', sprintId: sprint.id });
    await t.editor.tracking.sprints.remove(sprint.id);
    expect((await t.viewer.tracking.tasks.get(task.id)).sprintId).toBeNull();
    expect((await t.viewer.tracking.sprints.list(t.project.id)).items).toEqual([]);
  });
});
