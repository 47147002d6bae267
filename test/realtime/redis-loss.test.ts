// Redis goes away and comes back: nodes keep serving their own rooms, report not-ready meanwhile,
// then resubscribe and resync presence. Uses a private redis-server so killing it disturbs nobody.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { portOpen } from '../support/services.js';
import { openProbe } from './socket-probe.js';

let port: number;
let redis: ChildProcess | null = null;
let nodeA: TestServer;
let nodeB: TestServer;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return p;
}

async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-redis-loss-'));
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 200 && !(await portOpen(port)); i++) await new Promise((r) => setTimeout(r, 25));
}

async function stopRedis() {
  const child = redis;
  redis = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

async function ready(node: TestServer): Promise<number> {
  return (await fetch(`${node.url}/health/ready`)).status;
}

async function eventually(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  const env = {
    REDIS_URL: `redis://127.0.0.1:${port}`,
    REDIS_CHANNEL_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    PRESENCE_TTL_MS: '1500',
  };
  nodeA = await startTestServer(env);
  nodeB = await startTestServer(env, nodeA.databaseUrl);
});

afterAll(async () => {
  await nodeB?.close();
  await nodeA?.close();
  await stopRedis();
});

describe('losing Redis', () => {
  it('keeps local rooms working, reports not-ready, and resyncs presence when Redis returns', async () => {
    const a = await nodeA.user('alice');
    const b = await nodeB.user('bob');
    const ws = await a.workspaces.create({ name: 'Outage' });
    await addMember(a, ws.id, b, 'owner');
    const room = `workspace:${ws.id}`;
    const onA = await openProbe(nodeA.url, a.accessToken!);
    await onA.sub(room);
    const onB = await openProbe(nodeB.url, b.accessToken!);
    await onB.sub(room);
    onB.send({ t: 'presence', room, state: { viewing: 'before' } });
    await onA.next('presence', (f) => f.users.some((u) => u.state.viewing === 'before'));

    await stopRedis();
    await eventually('both nodes to report not-ready', async () => (await ready(nodeA)) === 503 && (await ready(nodeB)) === 503);

    // Node A still serves its own room: a change made through node A reaches node A's socket.
    await a.workspaces.update(ws.id, { name: 'Renamed during the outage' });
    expect(await onA.next('event', (e) => e.type === 'workspace.updated')).toMatchObject({ data: { name: 'Renamed during the outage' } });
    // Bob changes what he shows while the nodes cannot talk.
    onB.send({ t: 'presence', room, state: { viewing: 'during' } });

    await startRedis();
    await eventually('both nodes to be ready again', async () => (await ready(nodeA)) === 200 && (await ready(nodeB)) === 200);
    await onA.next('presence', (f) => f.users.some((u) => u.userId === b.userId && u.state.viewing === 'during'));

    await b.workspaces.update(ws.id, { name: 'Renamed on B after the outage' });
    expect(
      await onA.next('event', (e) => e.type === 'workspace.updated' && (e.data as { name: string }).name.endsWith('after the outage')),
    ).toBeTruthy();
    onA.close();
    onB.close();
  });

  it('trusts no cached task page or grant while the nodes cannot hear each other', async () => {
    const a = await nodeA.user('alice');
    const b = await nodeB.user('bob');
    const ws = await a.workspaces.create({ name: 'Blind' });
    await addMember(a, ws.id, b, 'editor');
    const project = await a.tracking.projects.create(ws.id, { name: 'Blind', key: 'BLD' });
    // Node B caches the page and Bob's grant while it can still hear node A.
    expect((await b.tracking.tasks.list(project.id)).items).toEqual([]);

    await stopRedis();
    await eventually('node B to report not-ready', async () => (await ready(nodeB)) === 503);
    await a.tracking.tasks.create(project.id, { title: 'Made on A during the outage' });
    expect((await b.tracking.tasks.list(project.id)).items.map((t) => t.title)).toEqual(['Made on A during the outage']);
    await a.workspaces.removeMember(ws.id, b.userId);
    await expect(b.tracking.tasks.list(project.id)).rejects.toMatchObject({ status: 404 });

    await startRedis();
    await eventually('both nodes to be ready again', async () => (await ready(nodeA)) === 200 && (await ready(nodeB)) === 200);
  });
});
