import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthChange, SessionRegistry } from '../../apps/server/src/core/auth/sessions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually, failure, nextKey, team } from './fixtures.js';

let server: TestServer;
const authChanges: AuthChange[] = [];
beforeAll(async () => {
  server = await startTestServer();
  server.app.get(SessionRegistry).onChange((c) => authChanges.push(c));
});
afterAll(() => server?.close());

describe('projects', () => {
  it('creates a project with an upper-cased key, lists, renames, archives and deletes it', async () => {
    const t = await team(server);
    const key = nextKey('app').toLowerCase();
    const p = await t.owner.tracking.projects.create(t.workspaceId, { name: 'App', key, description: 'The app' });
    expect(p).toMatchObject({ key: key.toUpperCase(), name: 'App', description: 'The app', archived: false, role: 'owner' });
    expect((await t.viewer.tracking.projects.get(p.id)).role).toBe('viewer');
    const listed = (await t.viewer.tracking.projects.list(t.workspaceId)).items.map((x) => x.id);
    expect(listed).toEqual(expect.arrayContaining([p.id, t.project.id]));
    expect((await t.owner.tracking.projects.update(p.id, { name: 'App 2' })).name).toBe('App 2');
    await t.owner.tracking.projects.update(p.id, { archived: true });
    expect((await t.viewer.tracking.projects.list(t.workspaceId)).items.map((x) => x.id)).not.toContain(p.id);
    expect((await t.viewer.tracking.projects.list(t.workspaceId, { archived: true })).items.map((x) => x.id)).toEqual([p.id]);
    expect((await failure(t.editor.tracking.tasks.create(p.id, { title: 'x' }))).status).toBe(400);
    await t.owner.tracking.projects.remove(p.id);
    expect((await failure(t.owner.tracking.projects.get(p.id))).status).toBe(404);
  });

  it('refuses a duplicate key in the workspace with 409 and a malformed key with 400', async () => {
    const t = await team(server);
    const dup = await failure(t.owner.tracking.projects.create(t.workspaceId, { name: 'Dup', key: t.project.key }));
    expect([dup.status, dup.code]).toEqual([409, 'conflict']);
    for (const key of ['1AB', 'A', 'WAY-TOO-LONG-KEY', 'A B']) {
      expect((await failure(t.owner.tracking.projects.create(t.workspaceId, { name: 'Bad', key }))).status).toBe(400);
    }
  });

  it('deletes a project together with its statuses, tasks, comments and sprints', async () => {
    const t = await team(server);
    const p = await t.owner.tracking.projects.create(t.workspaceId, { name: 'Doomed', key: nextKey('DEL') });
    const sprint = await t.editor.tracking.sprints.create(p.id, { name: 'S' });
    const parent = await t.editor.tracking.tasks.create(p.id, { title: 'parent', sprintId: sprint.id });
    const child = await t.editor.tracking.tasks.create(p.id, { title: 'child', parentId: parent.id });
    await t.editor.tracking.comments.create(child.id, { body: 'bye' });
    await t.editor.tracking.checklist.add(child.id, { text: 'x' });
    await t.owner.tracking.projects.remove(p.id);
    expect((await failure(t.owner.tracking.tasks.get(child.id))).status).toBe(404);
    expect((await failure(t.owner.tracking.sprints.get(sprint.id))).status).toBe(404);
  });

  it('keys tasks by the project key', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Keyed' });
    expect(task.key).toBe(`${t.project.key}-1`);
  });
});

describe('project role overrides', () => {
  it('demotes an editor to viewer in one project only, announces the change, and restores on removal', async () => {
    const t = await team(server);
    const other = await t.owner.tracking.projects.create(t.workspaceId, { name: 'Other', key: nextKey('OVR') });
    const set = await t.owner.tracking.projects.setMember(t.project.id, t.editor.userId, { role: 'viewer' });
    expect(set).toMatchObject({ userId: t.editor.userId, role: 'viewer', workspaceRole: 'editor', override: true });
    await eventually(
      async () => authChanges.some((c) => c.kind === 'access.changed' && c.userId === t.editor.userId && c.workspaceId === t.workspaceId),
      'access.changed',
    );
    expect((await failure(t.editor.tracking.tasks.create(t.project.id, { title: 'x' }))).status).toBe(403);
    expect((await t.editor.tracking.tasks.create(other.id, { title: 'fine elsewhere' })).key).toBe(`${other.key}-1`);
    const members = (await t.viewer.tracking.projects.members(t.project.id)).items;
    expect(members.find((m) => m.userId === t.editor.userId)).toMatchObject({ role: 'viewer', override: true });
    const before = authChanges.length;
    await t.owner.tracking.projects.clearMember(t.project.id, t.editor.userId);
    await eventually(async () => authChanges.length > before, 'second access.changed');
    expect((await t.editor.tracking.tasks.create(t.project.id, { title: 'editor again' })).title).toBe('editor again');
  });

  it('promotes a viewer to editor in a project, so they can be assigned there', async () => {
    const t = await team(server);
    await t.owner.tracking.projects.setMember(t.project.id, t.viewer.userId, { role: 'editor' });
    const task = await t.viewer.tracking.tasks.create(t.project.id, { title: 'by viewer', assigneeId: t.viewer.userId });
    expect(task.assigneeId).toBe(t.viewer.userId);
  });

  it('refuses overrides for non-members (400), for oneself (400) and from non-owners (403)', async () => {
    const t = await team(server);
    expect((await failure(t.owner.tracking.projects.setMember(t.project.id, t.outsider.userId, { role: 'editor' }))).status).toBe(400);
    expect((await failure(t.owner.tracking.projects.setMember(t.project.id, t.owner.userId, { role: 'viewer' }))).status).toBe(400);
    expect((await failure(t.editor.tracking.projects.setMember(t.project.id, t.viewer.userId, { role: 'editor' }))).status).toBe(403);
    expect((await failure(t.outsider.tracking.projects.setMember(t.project.id, t.viewer.userId, { role: 'editor' }))).status).toBe(404);
    expect((await failure(t.owner.tracking.projects.clearMember(t.project.id, t.viewer.userId))).status).toBe(404);
  });
});
