// The `tandem` admin commands as an operator runs them: a separate process with the server's
// environment, one clear line on failure, exit codes a script can use.
import { createServer } from 'node:http';
import { TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTandem } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startUpgradeDroppingProxy } from '../support/upgrade-dropping-proxy.js';

let server: TestServer;

function tandem(args: string[], env: Record<string, string> = {}) {
  return runTandem(args, { DATABASE_URL: server.databaseUrl, BCRYPT_ROUNDS: '4', TANDEM_DATA_DIR: '/tmp', ...env });
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('tandem admin commands', () => {
  it('lists the commands, and describes each with --help', async () => {
    const all = await tandem(['--help']);
    expect(all.code).toBe(0);
    for (const name of [
      'create-user',
      'reset-password',
      'disable-user',
      'enable-user',
      'delete-user',
      'backup',
      'restore',
      'reindex',
      'doctor',
      'migrate',
      'version',
    ]) {
      expect(all.out).toContain(name);
    }
    const one = await tandem(['backup', '--help']);
    expect(one.code).toBe(0);
    expect(one.out).toContain('usage: tandem backup --out FILE');
  });

  it('refuses unknown commands and options with exit code 2 and says why', async () => {
    const unknown = await tandem(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
    const badOption = await tandem(['create-user', '--mail', 'x@example.test']);
    expect(badOption.code).toBe(2);
    expect(badOption.err).toMatch(/Unknown option '--mail'/);
  });

  it('creates a user who can sign in, and refuses a duplicate or a weak password with one line', async () => {
    const email = `admin.${Date.now()}@example.test`;
    const made = await tandem(['create-user', '--email', email.toUpperCase(), '--name', 'Admin', '--password', 'long enough password']);
    expect(made.code).toBe(0);
    expect(made.out).toContain(`created user ${email}`);
    const c = new TandemClient(server.url);
    const signedIn = await c.auth.login({ email, password: 'long enough password' });
    expect(signedIn.user).toMatchObject({ email, displayName: 'Admin', emailVerified: true });

    const dup = await tandem(['create-user', '--email', email, '--name', 'Again', '--password', 'long enough password']);
    expect(dup.code).toBe(1);
    expect(dup.err.trim()).toBe(`tandem create-user: a user with the email ${email} already exists`);
    const weak = await tandem(['create-user', '--email', `x${email}`, '--name', 'Weak', '--password', 'short']);
    expect(weak.code).toBe(1);
    expect(weak.err).toContain('--password must be at least 8 characters');
  });

  it('resets a password: the new one signs in, the old one does not, and existing sessions end', async () => {
    const user = await server.user('forgetful');
    const reset = await tandem(['reset-password', '--email', user.email, '--password', 'a brand new secret']);
    expect(reset.code).toBe(0);
    await expect(server.client().auth.login({ email: user.email, password: 'correct horse battery' })).rejects.toMatchObject({
      status: 401,
    });
    await expect(server.client().auth.login({ email: user.email, password: 'a brand new secret' })).resolves.toBeTruthy();
    const sessions = await server.db.pool.query(`SELECT count(*)::int AS n FROM "Session" WHERE "userId" = $1 AND "revokedAt" IS NULL`, [
      user.userId,
    ]);
    expect(sessions.rows[0].n).toBe(1); // only the sign-in made after the reset
    const missing = await tandem(['reset-password', '--email', 'nobody@example.test', '--password', 'whatever long']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no user with the email nobody@example.test');
  });

  it('prints the version and lists pending migrations without applying them', async () => {
    const v = await tandem(['version']);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^tandem \d+\.\d+\.\d+ \(schema \d+_\w+, \d+ migrations; node /);
    const dry = await tandem(['migrate', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out.trim()).toBe('no migrations to apply');
  });

  it('refuses to migrate or start on a database migrated by a newer version', async () => {
    await server.db.pool.query(`INSERT INTO _tandem_migrations (name, checksum) VALUES ('29991231000000_from_the_future', 'x')`);
    try {
      const dry = await tandem(['migrate', '--dry-run']);
      expect(dry.code).toBe(1);
      expect(dry.err).toContain('migrated by a newer version of Tandem (unknown migrations: 29991231000000_from_the_future)');
      await expect(startTestServer({ TANDEM_MIGRATE_ON_START: 'true' }, server.databaseUrl)).rejects.toThrow(/newer version of Tandem/);
    } finally {
      await server.db.pool.query(`DELETE FROM _tandem_migrations WHERE name = '29991231000000_from_the_future'`);
    }
  });
});

describe('tandem doctor', () => {
  it('passes against a healthy node reached directly', async () => {
    const r = await tandem(['doctor', '--url', server.url]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^OK\s+database\s+PostgreSQL/m);
    expect(r.out).toMatch(/^OK\s+\/ws upgrade\s+WebSocket upgrades reach Tandem/m);
    expect(r.out).toMatch(/^OK\s+\/collab upgrade\s+WebSocket upgrades reach Tandem/m);
    expect(r.code).toBe(0);
  });

  it('names the proxy mistake, with the lines that fix it, when a proxy drops WebSocket upgrades', async () => {
    const proxy = await startUpgradeDroppingProxy(server.url);
    try {
      const r = await tandem(['doctor', '--url', proxy.url]);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^OK\s+public URL/m);
      expect(r.out).toMatch(/^FAIL\s+\/ws upgrade\s+the upgrade was answered \d+ without reaching Tandem/m);
      expect(r.out).toContain('proxy_set_header Upgrade $http_upgrade');
      expect(r.out).toContain('reverse_proxy');
    } finally {
      await proxy.close();
    }
  });

  it('says what to fix when the public address cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const r = await tandem(['doctor', '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`FAIL  public URL  cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED`);
  });
});
