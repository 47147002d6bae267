import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startNodeProcess } from '../support/node-process.js';
import { createTestDatabase, startTestServer } from '../support/server.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const MAIN = join(import.meta.dirname, '..', '..', 'apps', 'server', 'dist', 'main.js');
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('server lifecycle', () => {
  it('runs on an embedded PostgreSQL when DATABASE_URL is unset, keeps data across restarts (even after kill -9) and stops it on exit', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tandem-embedded-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { TANDEM_DATA_DIR: dataDir };

    const first = await startNodeProcess(env, 120_000);
    cleanups.push(() => first.kill());
    const ann = first.client();
    await ann.auth.register({ email: 'ann@example.test', password: 'correct horse battery', displayName: 'Ann' });
    const ws = await ann.workspaces.create({ name: 'Kept' });
    expect(await first.stop()).toBe(0);
    // A clean exit stops the embedded PostgreSQL too.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = await startNodeProcess(env, 120_000);
    cleanups.push(() => second.kill());
    const again = second.client();
    await again.auth.login({ email: 'ann@example.test', password: 'correct horse battery' });
    expect((await again.workspaces.get(ws.id)).name).toBe('Kept');
    await second.kill(); // kill -9: its PostgreSQL is left running

    const third = await startNodeProcess(env, 120_000);
    cleanups.push(() => third.kill());
    const more = third.client();
    await more.auth.login({ email: 'ann@example.test', password: 'correct horse battery' });
    expect((await more.workspaces.list()).items.map((w) => w.name)).toEqual(['Kept']);
    expect(await third.stop()).toBe(0);
  }, 300_000); // three starts of an embedded PostgreSQL (initdb on the first): slow on a loaded machine

  it('refuses to start on a bad configuration value, naming the variable', () => {
    const res = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, PORT: 'eighty', REDIS_URL: 'http://nope' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toMatch(/PORT/);
    expect(res.stderr).toMatch(/REDIS_URL: must be a redis:\/\/ URL/);
  });

  it('reports not-ready (503) while the database is unreachable and ready again when it returns', async () => {
    const db = await createTestDatabase();
    // Through a proxy in front of whichever PostgreSQL the tests use (local or embedded).
    const target = new URL(db.url);
    const proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    const server = await startTestServer(
      { DATABASE_POOL_SIZE: '2' },
      Object.assign(new URL(db.url), { host: `127.0.0.1:${proxy.port}` }).toString(),
    );
    cleanups.push(async () => {
      await server.close();
      await proxy.close();
      await db.drop();
    });
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    await proxy.cut();
    const down = await fetch(`${server.url}/health/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', checks: { database: false } });
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    await proxy.restore();
    await until(async () => (await fetch(`${server.url}/health/ready`)).status === 200);
  });

  it('writes structured JSON logs carrying the request id and the user id', async () => {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const node = await startNodeProcess({ DATABASE_URL: db.url, LOG_LEVEL: 'info' });
    cleanups.push(() => node.kill());
    const ann = node.client();
    const { user } = await ann.auth.register({ email: 'log@example.test', password: 'correct horse battery', displayName: 'Log' });
    await fetch(`${node.url}/api/v1/me`, { headers: { authorization: `Bearer ${ann.accessToken}`, 'x-request-id': 'req-under-test' } });
    const line = await until(async () =>
      node
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.reqId === 'req-under-test' && l.msg === 'request'),
    );
    expect(line).toMatchObject({ userId: user.id, status: 200, route: '/api/v1/me', method: 'GET' });
  });

  it('generates the signing secret once per database, so a token from one node is valid on another', async () => {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const a = await startTestServer({}, db.url);
    const b = await startTestServer({}, db.url);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const ann = await a.user('ann');
    const res = await fetch(`${b.url}/api/v1/me`, { headers: { authorization: `Bearer ${ann.accessToken}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).id).toBe(ann.userId);
  });

  it('serves Prometheus metrics and the OpenAPI document', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    await fetch(`${server.url}/api/v1/me`);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tandem_http_requests_total\{method="GET",route="\/api\/v1\/me",status="401"\} \d+/);
    expect(metrics).toMatch(/tandem_http_request_duration_seconds_bucket/);
    // The database pool: connections by state, and queries waiting for one (none on an idle node).
    expect(metrics).toMatch(/tandem_db_pool_connections\{state="idle"\} [1-9]\d*/);
    expect(metrics).toMatch(/tandem_db_pool_connections\{state="in_use"\} \d+/);
    expect(metrics).toMatch(/tandem_db_pool_waiting 0/);
    const doc = await (await fetch(`${server.url}/api/docs-json`)).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/v1/workspaces');
    expect((await fetch(`${server.url}/api/docs`)).status).toBe(200);
  });
});
