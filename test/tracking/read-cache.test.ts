// Task pages and access answers are cached per node (ChangeClock). Each test first warms the
// cache with a read, changes something through the API, and reads again at once: the change must
// show, never the cached page or a stale grant. Across nodes: test/realtime/multi-node.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { outcome, team } from './fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('cached task pages', () => {
  it('show a created, updated, moved, archived and deleted task on the very next read', async () => {
    const t = await team(server);
    const list = async () => (await t.viewer.tracking.tasks.list(t.project.id)).items;
    expect(await list()).toEqual([]);
    const a = await t.editor.tracking.tasks.create(t.project.id, { title: 'First' });
    expect((await list()).map((x) => x.title)).toEqual(['First']);
    await t.editor.tracking.tasks.update(a.id, { title: 'Renamed' });
    expect((await list())[0]).toMatchObject({ title: 'Renamed', version: 2 });
    await t.editor.tracking.tasks.move(a.id, { status: t.statuses[1]!.id });
    expect((await list())[0]!.status).toBe(t.statuses[1]!.id);
    expect((await t.viewer.tracking.tasks.list(t.project.id, { status: t.statuses[1]!.id })).items).toHaveLength(1);
    await t.editor.tracking.tasks.update(a.id, { archived: true });
    expect(await list()).toEqual([]);
    expect((await t.viewer.tracking.tasks.list(t.project.id, { archived: true })).items.map((x) => x.id)).toEqual([a.id]);
    await t.editor.tracking.tasks.remove(a.id);
    expect((await t.viewer.tracking.tasks.list(t.project.id, { archived: true })).items).toEqual([]);
  });

  it('show label renames, checklist progress and a new project key at once', async () => {
    const t = await team(server);
    const label = await t.editor.tracking.labels.create(t.workspaceId, { name: 'bug', color: '#ff0000' });
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Labelled', labelIds: [label.id] });
    const first = async () => (await t.viewer.tracking.tasks.list(t.project.id)).items[0]!;
    expect((await first()).labels).toEqual([{ id: label.id, name: 'bug', color: '#ff0000' }]);
    await t.editor.tracking.labels.update(label.id, { name: 'defect' });
    expect((await first()).labels).toEqual([{ id: label.id, name: 'defect', color: '#ff0000' }]);
    const item = await t.editor.tracking.checklist.add(task.id, { text: 'Write test' });
    expect((await first()).checklist).toEqual({ done: 0, total: 1 });
    await t.editor.tracking.checklist.update(item.id, { done: true });
    expect((await first()).checklist).toEqual({ done: 1, total: 1 });
    await t.owner.tracking.projects.update(t.project.id, { key: `${t.project.key}X` });
    expect((await first()).key).toBe(`${t.project.key}X-1`);
  });

  it('are shared by readers but never stand in for authorization', async () => {
    const t = await team(server);
    await t.editor.tracking.tasks.create(t.project.id, { title: 'Secret plan' });
    expect((await t.viewer.tracking.tasks.list(t.project.id)).items).toHaveLength(1);
    expect(await outcome(t.outsider.tracking.tasks.list(t.project.id))).toBe(404);
  });
});

describe('cached access', () => {
  it('is forgotten as soon as a member is removed, demoted or overridden', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Work' });
    // Warm the editor's grant, then take it away step by step.
    expect(await outcome(t.editor.tracking.tasks.list(t.project.id))).toBe(200);
    await t.owner.tracking.projects.setMember(t.project.id, t.editor.userId, { role: 'viewer' });
    expect(await outcome(t.editor.tracking.tasks.update(task.id, { title: 'Edited' }))).toBe(403);
    expect(await outcome(t.editor.tracking.tasks.create(t.project.id, { title: 'More' }))).toBe(403);
    await t.owner.tracking.projects.clearMember(t.project.id, t.editor.userId);
    expect(await outcome(t.editor.tracking.tasks.create(t.project.id, { title: 'Again' }))).toBe(200);
    await t.owner.workspaces.updateMember(t.workspaceId, t.editor.userId, { role: 'viewer' });
    expect(await outcome(t.editor.tracking.tasks.create(t.project.id, { title: 'Denied' }))).toBe(403);
    await t.owner.workspaces.removeMember(t.workspaceId, t.editor.userId);
    expect(await outcome(t.editor.tracking.tasks.list(t.project.id))).toBe(404);
    expect(await outcome(t.editor.tracking.projects.get(t.project.id))).toBe(404);
  });

  it('is forgotten when the project or the workspace is deleted', async () => {
    const t = await team(server);
    expect(await outcome(t.viewer.tracking.tasks.list(t.project.id))).toBe(200);
    await t.owner.tracking.projects.remove(t.project.id);
    expect(await outcome(t.viewer.tracking.tasks.list(t.project.id))).toBe(404);
    const other = await t.owner.tracking.projects.create(t.workspaceId, { name: 'Other', key: `${t.project.key}O` });
    expect(await outcome(t.viewer.tracking.tasks.list(other.id))).toBe(200);
    await t.owner.workspaces.remove(t.workspaceId);
    expect(await outcome(t.viewer.tracking.tasks.list(other.id))).toBe(404);
  });
});
