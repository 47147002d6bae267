// An administrator stops a person from a separate process (`tandem delete-user`, `disable-user`,
// `reset-password`): at that moment every access token, refresh token, API token and open /ws and
// /collab socket of theirs stops on every node. The two nodes here share a database and nothing
// else (no Redis), so the only way the command can reach them is the database itself.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { openProbe, type Probe } from '../realtime/socket-probe.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { closeCode, rawCollab } from './hostile-sockets.js';

const CLI = join(import.meta.dirname, '..', '..', 'apps', 'server', 'dist', 'cli', 'tandem.js');

let nodeA: TestServer;
let nodeB: TestServer;
let pool: pg.Pool;
const sockets: WebSocket[] = [];
const probes: Probe[] = [];

function tandem(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', DATABASE_URL: nodeA.databaseUrl, BCRYPT_ROUNDS: '4', TANDEM_DATA_DIR: '/tmp' } },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

async function statusOf(node: TestServer, token: string, path = '/api/v1/me') {
  return (await fetch(`${node.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
}

async function refreshStatus(node: TestServer, refreshToken: string) {
  const res = await fetch(`${node.url}/api/v1/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  return res.status;
}

async function eventually(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  nodeA = await startTestServer();
  nodeB = await startTestServer({}, nodeA.databaseUrl);
  pool = new pg.Pool({ connectionString: nodeA.databaseUrl, max: 2 });
});
afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const p of probes.splice(0)) p.ws.terminate();
});
afterAll(async () => {
  await pool?.end();
  await nodeB?.close();
  await nodeA?.close();
});

/**
 * A member with everything a person can hold open: an API token and an access token that both
 * nodes have just accepted (so both nodes hold them in their caches), a /ws socket on node A and a
 * /collab socket on node B, and a task they reported.
 */
async function signedInEverywhere() {
  const owner = await nodeA.user('owner');
  const member = await nodeA.user('member');
  const ws = await owner.workspaces.create({ name: 'Leavers' });
  await addMember(owner, ws.id, member, 'editor');
  const doc = await owner.documents.create(ws.id, { title: 'Plan' });
  const project = await owner.tracking.projects.create(ws.id, { name: 'Work', key: 'WRK' });
  const task = await member.tracking.tasks.create(project.id, { title: 'Written by the member' });
  const apiToken = (await member.identity.tokens.create({ name: 'script', scope: 'write' })).token;
  const access = member.accessToken!;
  const refresh = member.refreshToken!;
  for (const node of [nodeA, nodeB]) {
    expect(await statusOf(node, access)).toBe(200);
    expect(await statusOf(node, apiToken, `/api/v1/workspaces/${ws.id}`)).toBe(200);
  }
  const probe = await openProbe(nodeA.url, access);
  probes.push(probe);
  expect((await probe.sub(`workspace:${ws.id}`)).t).toBe('subbed');
  const collab = await rawCollab(nodeB.url, access, doc.id);
  sockets.push(collab);
  return { owner, member, workspaceId: ws.id, task, apiToken, access, refresh, probe, collab, collabClosed: closeCode(collab) };
}

async function expectStoppedEverywhere(s: Awaited<ReturnType<typeof signedInEverywhere>>, { apiToken }: { apiToken: boolean }) {
  for (const node of [nodeA, nodeB]) {
    expect(await statusOf(node, s.access)).toBe(401);
    expect(await statusOf(node, s.apiToken, `/api/v1/workspaces/${s.workspaceId}`)).toBe(apiToken ? 401 : 200);
  }
  expect(await refreshStatus(nodeB, s.refresh)).toBe(401);
  expect((await s.probe.waitClosed()).code).toBe(4401);
  expect(await s.collabClosed).toBe(4401);
}

describe('tandem delete-user', () => {
  it("ends the person's tokens and sockets on every node at once, and keeps what they made", async () => {
    const s = await signedInEverywhere();
    const run = await tandem(['delete-user', '--email', s.member.email]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`deleted ${s.member.email}`);
    await expectStoppedEverywhere(s, { apiToken: true });

    // Their task stays, reported by the deleted (anonymised) account.
    const task = await s.owner.tracking.tasks.get(s.task.id);
    expect(task.reporterId).toBe(s.member.userId);
    const { rows } = await pool.query('SELECT email, "displayName", "deletedAt" FROM "User" WHERE id = $1', [s.member.userId]);
    expect(rows[0]).toMatchObject({ email: `deleted-${s.member.userId}@deleted.invalid`, displayName: 'Deleted user' });
    expect(rows[0].deletedAt).not.toBeNull();
    const members = await s.owner.workspaces.members(s.workspaceId);
    expect(members.items.map((m) => m.userId)).not.toContain(s.member.userId);

    // The address is free, and the old password opens nothing.
    const login = await nodeA
      .client()
      .auth.login({ email: s.member.email, password: 'correct horse battery' })
      .catch((e) => e);
    expect(login.status).toBe(401);
    expect((await tandem(['delete-user', '--email', s.member.email])).err).toContain(`no user with the email ${s.member.email}`);
  });

  it('refuses to delete the last owner of a workspace, and says what to do instead', async () => {
    const owner = await nodeA.user('sole');
    await owner.workspaces.create({ name: 'Only mine' });
    const run = await tandem(['delete-user', '--email', owner.email]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('is the last owner of "Only mine"');
    expect(run.err).toContain('disable-user');
    expect(await statusOf(nodeA, owner.accessToken!)).toBe(200);
  });
});

describe('tandem disable-user and enable-user', () => {
  it('stops a person everywhere until they are enabled again', async () => {
    const s = await signedInEverywhere();
    const run = await tandem(['disable-user', '--email', s.member.email]);
    expect(run.code).toBe(0);
    await expectStoppedEverywhere(s, { apiToken: true });
    const refused = await nodeB
      .client()
      .auth.login({ email: s.member.email, password: 'correct horse battery' })
      .catch((e) => e);
    expect([refused.status, refused.message]).toEqual([401, 'This account is disabled. Ask the administrator of this Tandem server.']);
    // A reset link cannot bring them back either.
    const reset = await nodeB.client().auth.requestPasswordReset(s.member.email);
    expect(reset).toEqual({ accepted: true });

    expect((await tandem(['enable-user', '--email', s.member.email])).code).toBe(0);
    const again = nodeB.client();
    await again.auth.login({ email: s.member.email, password: 'correct horse battery' });
    expect((await again.me()).email).toBe(s.member.email);
    // What was revoked stays revoked.
    expect(await statusOf(nodeA, s.apiToken, `/api/v1/workspaces/${s.workspaceId}`)).toBe(401);
  });
});

describe('tandem reset-password', () => {
  it('signs the person out on every node at once (their API tokens keep working)', async () => {
    const s = await signedInEverywhere();
    const run = await tandem(['reset-password', '--email', s.member.email, '--password', 'a brand new secret']);
    expect(run.code).toBe(0);
    await expectStoppedEverywhere(s, { apiToken: false });
  });
});

describe('the revocation channel', () => {
  it('re-checks every socket after its database connection comes back, closing those revoked meanwhile', async () => {
    const s = await signedInEverywhere();
    // A revocation nobody announced: what a node would miss while its listening connection is down.
    await pool.query(`UPDATE "Session" SET "revokedAt" = now() WHERE "userId" = $1`, [s.member.userId]);
    const listeners = () =>
      pool.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'tandem-notifications' AND datname = current_database()`);
    expect((await listeners()).rowCount).toBe(2);
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tandem-notifications' AND datname = current_database()`,
    );
    expect((await s.probe.waitClosed()).code).toBe(4401);
    expect(await s.collabClosed).toBe(4401);
    await eventually('both nodes to listen again', async () => (await listeners()).rowCount === 2);

    // And announcements reach them again.
    const next = await signedInEverywhere();
    expect((await tandem(['disable-user', '--email', next.member.email])).code).toBe(0);
    await expectStoppedEverywhere(next, { apiToken: true });
  });
});
