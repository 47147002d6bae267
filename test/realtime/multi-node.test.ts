// Two (and for one test three) real server processes sharing one database and one Redis, as behind
// a load balancer without sticky sessions.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addMember } from '../support/membership.js';
import { type NodeProcess, startNodeProcess } from '../support/node-process.js';
import { createTestDatabase } from '../support/server.js';
import { openProbe } from './socket-probe.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let env: Record<string, string>;
let nodeA: NodeProcess;
let nodeB: NodeProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: inject('redisUrl'),
    REDIS_CHANNEL_PREFIX: `t${randomBytes(6).toString('hex')}:`,
    TANDEM_SECRET: randomBytes(32).toString('hex'),
    TANDEM_DATA_DIR: mkdtempSync(join(tmpdir(), 'tandem-multinode-')),
    TANDEM_WEB_DIR: '/nonexistent',
    TANDEM_MIGRATE_ON_START: 'false',
    PRESENCE_TTL_MS: '1500',
  };
  [nodeA, nodeB] = await Promise.all([startNodeProcess(env), startNodeProcess(env)]);
});

afterAll(async () => {
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  await db?.drop();
});

/** Polls until `check` holds (bounded): a change on one node reaches the other through Redis. */
async function eventually(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let n = 0;
async function user(node: NodeProcess, name: string): Promise<TandemClient & { userId: string; email: string }> {
  const c = node.client();
  const email = `${name}.${++n}.${randomBytes(3).toString('hex')}@example.test`;
  const res = await c.auth.register({ email, password: 'correct horse battery', displayName: name });
  return Object.assign(c, { userId: res.user.id, email });
}

describe('two nodes sharing Redis', () => {
  it('shows a client on node A the events and notifications caused on node B', async () => {
    const owner = await user(nodeB, 'owner');
    const member = await user(nodeA, 'member');
    const ws = await owner.workspaces.create({ name: 'Split' });
    const onA = await openProbe(nodeA.url, member.accessToken!);
    await onA.sub(`user:${member.userId}`);
    await addMember(owner, ws.id, member, 'editor');
    expect((await onA.next('notification')).data).toMatchObject({ type: 'added_to_workspace', workspaceId: ws.id });
    expect(await onA.sub(`workspace:${ws.id}`)).toMatchObject({ t: 'subbed', role: 'editor' });
    await owner.workspaces.update(ws.id, { name: 'Renamed on B' });
    expect(await onA.next('event', (e) => e.type === 'workspace.updated')).toMatchObject({ data: { name: 'Renamed on B' } });
    onA.close();
  });

  it('shows a client on node A the presence of a client on node B, and its leaving', async () => {
    const a = await user(nodeA, 'alice');
    const b = await user(nodeB, 'bob');
    const ws = await a.workspaces.create({ name: 'Presence' });
    await addMember(a, ws.id, b, 'editor');
    const room = `workspace:${ws.id}`;
    const onA = await openProbe(nodeA.url, a.accessToken!);
    await onA.sub(room);
    const onB = await openProbe(nodeB.url, b.accessToken!);
    await onB.sub(room);
    onB.send({ t: 'presence', room, state: { viewing: 'board', typing: true } });
    const list = await onA.next('presence', (f) => f.users.some((u) => u.userId === b.userId));
    expect(list.users).toEqual([expect.objectContaining({ userId: b.userId, state: { viewing: 'board', typing: true } })]);
    onA.send({ t: 'presence', room, state: { viewing: 'backlog' } });
    await onB.next('presence', (f) => f.users.length === 2);
    // A compact cursor move on B reaches A with A's node's numbers for the room and the user.
    const subbedB = await onB.sub(room);
    onB.send({ t: 'c', r: (subbedB as { n: number }).n, a: 40, h: 44 });
    const move = await onA.next('c', (f) => f.a === 40);
    const bOnA = list.users.find((u) => u.userId === b.userId)!;
    expect(move).toMatchObject({ u: bOnA.n, h: 44 });
    onB.close();
    await onA.next('presence', (f) => f.users.length === 1 && f.users[0]!.userId === a.userId);
    onA.close();
  });

  it('refreshes node B’s cached task page and grant when node A changes them', async () => {
    const owner = await user(nodeA, 'owner');
    const member = await user(nodeB, 'member');
    const ws = await owner.workspaces.create({ name: 'Cached' });
    await addMember(owner, ws.id, member, 'editor');
    const project = await owner.tracking.projects.create(ws.id, { name: 'Cached', key: 'CAC' });
    expect((await member.tracking.tasks.list(project.id)).items).toEqual([]);
    await owner.tracking.tasks.create(project.id, { title: 'Made on A' });
    await eventually('node B to list the new task', async () => (await member.tracking.tasks.list(project.id)).items.length === 1);
    await owner.workspaces.removeMember(ws.id, member.userId);
    await eventually('node B to forget the grant', () =>
      member.tracking.tasks.list(project.id).then(
        () => false,
        (err: { status?: number }) => err.status === 404,
      ),
    );
  });

  it('closes a removed member’s socket on node B right after the removal on node A', async () => {
    const owner = await user(nodeA, 'owner');
    const member = await user(nodeB, 'leaver');
    const ws = await owner.workspaces.create({ name: 'Revoke' });
    await addMember(owner, ws.id, member, 'editor');
    const onB = await openProbe(nodeB.url, member.accessToken!);
    await onB.sub(`workspace:${ws.id}`);
    await owner.workspaces.removeMember(ws.id, member.userId);
    expect((await onB.waitClosed()).code).toBe(4403);
  });

  it('closes a logged-out session’s socket on the other node', async () => {
    const u = await user(nodeA, 'roamer');
    const onB = await openProbe(nodeB.url, u.accessToken!);
    await u.auth.logout();
    expect((await onB.waitClosed()).code).toBe(4401);
  });

  it('drops the presence of a node that is killed', async () => {
    const nodeC = await startNodeProcess(env);
    const a = await user(nodeA, 'stayer');
    const c = await user(nodeC, 'crasher');
    const ws = await a.workspaces.create({ name: 'Crash' });
    await addMember(a, ws.id, c, 'viewer');
    const room = `workspace:${ws.id}`;
    const onA = await openProbe(nodeA.url, a.accessToken!);
    await onA.sub(room);
    const onC = await openProbe(nodeC.url, c.accessToken!);
    await onC.sub(room);
    onC.send({ t: 'presence', room, state: { viewing: 'doc' } });
    await onA.next('presence', (f) => f.users.some((u) => u.userId === c.userId));
    await nodeC.kill();
    await onA.next('presence', (f) => !f.users.some((u) => u.userId === c.userId));
    onA.close();
  });
});
