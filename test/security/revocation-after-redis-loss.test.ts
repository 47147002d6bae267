// Revocations made on node A while Redis is down reach node B's sockets of both kinds once Redis
// returns: a removed member's /collab and /ws sockets close, a logged-out session's close, and
// their later edits are never stored. A deleted workspace closes /collab sockets on every node.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { openProbe } from '../realtime/socket-probe.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { portOpen } from '../support/services.js';
import { closeCode, rawCollab, syncUpdate } from './hostile-sockets.js';

let port: number;
let redis: ChildProcess | null = null;
let nodeA: TestServer;
let nodeB: TestServer;
let pool: pg.Pool;
const sockets: WebSocket[] = [];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return p;
}

async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-revocation-'));
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

async function eventually(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ready = async (node: TestServer) => (await fetch(`${node.url}/health/ready`)).status;

async function outage(during: () => Promise<void>) {
  await stopRedis();
  await eventually('both nodes to notice', async () => (await ready(nodeA)) === 503 && (await ready(nodeB)) === 503);
  await during();
  await startRedis();
  await eventually('both nodes to be ready again', async () => (await ready(nodeA)) === 200 && (await ready(nodeB)) === 200);
}

async function collabOn(node: TestServer, token: string, documentId: string) {
  const ws = await rawCollab(node.url, token, documentId);
  sockets.push(ws);
  return ws;
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  const env = { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_CHANNEL_PREFIX: `t${randomBytes(4).toString('hex')}:` };
  nodeA = await startTestServer(env);
  nodeB = await startTestServer(env, nodeA.databaseUrl);
  pool = new pg.Pool({ connectionString: nodeA.databaseUrl, max: 2 });
});
afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});
afterAll(async () => {
  await pool?.end();
  await nodeB?.close();
  await nodeA?.close();
  await stopRedis();
});

async function sharedDocument() {
  const owner = await nodeA.user('owner');
  const member = await nodeA.user('member');
  const ws = await owner.workspaces.create({ name: 'Revocations' });
  await addMember(owner, ws.id, member, 'editor');
  const doc = await owner.documents.create(ws.id, { title: 'Plan' });
  return { owner, member, workspaceId: ws.id, documentId: doc.id };
}

describe('revocations lost in a Redis outage', () => {
  it("closes a removed member's /collab (4404) and /ws sockets on the other node once Redis returns", async () => {
    const { owner, member, workspaceId, documentId } = await sharedDocument();
    const collab = await collabOn(nodeB, member.accessToken!, documentId);
    const collabClosed = closeCode(collab);
    const probe = await openProbe(nodeB.url, member.accessToken!);
    await probe.sub(`workspace:${workspaceId}`);
    await outage(() => owner.workspaces.removeMember(workspaceId, member.userId));
    expect(await collabClosed).toBe(4404);
    await probe.next('error', (f) => f.code === 'not_found' && f.ref === `workspace:${workspaceId}`);
    probe.close();
  });

  it("closes a logged-out session's /collab socket (4401) on the other node once Redis returns, storing nothing after", async () => {
    const { member, documentId } = await sharedDocument();
    const collab = await collabOn(nodeB, member.accessToken!, documentId);
    const closed = closeCode(collab);
    await outage(() => member.auth.logout());
    expect(await closed).toBe(4401);
    expect(collab.readyState).not.toBe(collab.OPEN);
    collab.send(syncUpdate(new Uint8Array([0, 0])), () => undefined);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM "DocumentUpdate" WHERE "userId" = $1', [member.userId]);
    expect(rows[0].n).toBe(0);
  });
});

describe('deleted workspaces', () => {
  it('closes /collab sockets on the other node with 4404', async () => {
    const { owner, member, workspaceId, documentId } = await sharedDocument();
    const onB = await collabOn(nodeB, member.accessToken!, documentId);
    const closed = closeCode(onB);
    await owner.workspaces.remove(workspaceId);
    expect(await closed).toBe(4404);
  });
});
