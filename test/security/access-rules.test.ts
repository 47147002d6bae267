// Authorization rules the outside review found open: live notifications reaching removed members,
// and project overrides that could lock a workspace owner out of a project.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProbe } from '../realtime/socket-probe.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startTestServer();
  pool = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await server?.close();
});

async function count(sql: string, values: unknown[]) {
  return (await pool.query(sql, values)).rows[0].n as number;
}

describe('notifications and removed members', () => {
  it('sends a removed member no notification about a task they watched, and forgets their watch', async () => {
    const owner = await server.user('owner');
    const gone = await server.user('gone');
    const stays = await server.user('stays');
    const ws = await owner.workspaces.create({ name: 'Secrets' });
    for (const m of [gone, stays]) await addMember(owner, ws.id, m, 'editor');
    const project = await owner.tracking.projects.create(ws.id, { name: 'Secret', key: 'SEC' });
    const task = await owner.tracking.tasks.create(project.id, { title: 'Acquisition target' });
    await gone.tracking.tasks.watch(task.id);
    await stays.tracking.tasks.watch(task.id);
    const goneProbe = await openProbe(server.url, gone.accessToken!);
    await goneProbe.sub(`user:${gone.userId}`);
    const staysProbe = await openProbe(server.url, stays.accessToken!);
    await staysProbe.sub(`user:${stays.userId}`);

    await owner.workspaces.removeMember(ws.id, gone.userId);
    expect(await count('SELECT count(*)::int AS n FROM "TaskWatcher" WHERE "userId" = $1', [gone.userId])).toBe(0);
    // Even a watcher row that survives (written straight to the database) notifies nobody without access.
    await pool.query('INSERT INTO "TaskWatcher" ("taskId", "userId") VALUES ($1, $2)', [task.id, gone.userId]);
    await owner.tracking.comments.create(task.id, { body: 'Offer is 40M' });

    // The remaining watcher's notification is the barrier: the removed one would have come first or with it.
    await staysProbe.next('notification');
    expect(goneProbe.frames.filter((f) => f.t === 'notification')).toEqual([]);
    expect(await count('SELECT count(*)::int AS n FROM "Notification" WHERE "userId" = $1 AND "taskId" = $2', [gone.userId, task.id])).toBe(
      0,
    );
    goneProbe.close();
    staysProbe.close();
  });
});

describe('project overrides and workspace owners', () => {
  it('refuses to demote a workspace owner in a project, and an override row changes nothing', async () => {
    const owner = await server.user('owner');
    const editor = await server.user('editor');
    const ws = await owner.workspaces.create({ name: 'Overrides' });
    await addMember(owner, ws.id, editor, 'editor');
    const project = await owner.tracking.projects.create(ws.id, { name: 'Overrides', key: 'OVR' });
    await owner.tracking.projects.setMember(project.id, editor.userId, { role: 'owner' });

    await expect(editor.tracking.projects.setMember(project.id, owner.userId, { role: 'viewer' })).rejects.toMatchObject({ status: 403 });
    // The whole class: however a lower override came to exist, the workspace owner keeps owner rights.
    await pool.query(
      `INSERT INTO "ProjectMember" ("projectId", "userId", role, "updatedAt") VALUES ($1, $2, 'viewer', now())
       ON CONFLICT ("projectId", "userId") DO UPDATE SET role = 'viewer'`,
      [project.id, owner.userId],
    );
    const task = await owner.tracking.tasks.create(project.id, { title: 'Still mine' });
    expect(task.title).toBe('Still mine');
    await owner.tracking.projects.setMember(project.id, editor.userId, { role: 'viewer' });
    const members = await owner.tracking.projects.members(project.id);
    expect(members.items.find((m) => m.userId === owner.userId)).toMatchObject({ role: 'owner', override: false });
  });
});
