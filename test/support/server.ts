// Starts a real Tandem node in this test process on its own fresh database (cloned from the
// migrated template), on a random port. Each test file gets what it asks for; nothing is shared.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TandemClient } from '@tandem/client';
import { inject } from 'vitest';
import { loadConfig } from '../../apps/server/src/base/config/config.js';
import { startServer, type TandemServer } from '../../apps/server/src/server.js';
import { adminQuery, dbUrl } from './services.js';

export interface TestServer extends TandemServer {
  databaseUrl: string;
  /** A new SDK client against this server. */
  client(): TandemClient;
  /** Registers a fresh user and returns a signed-in client. */
  user(name?: string): Promise<TandemClient & { userId: string; email: string; displayName: string }>;
}

/** A fresh empty (migrated) database; dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = inject('pgBaseUrl');
  const name = `tandem_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`);
  return {
    url: dbUrl(base, name),
    drop: async () => {
      await adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

let counter = 0;

export async function startTestServer(env: Record<string, string> = {}, existingDatabaseUrl?: string): Promise<TestServer> {
  const db = existingDatabaseUrl ? { url: existingDatabaseUrl, drop: async () => {} } : await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BCRYPT_ROUNDS: '4',
    TANDEM_MIGRATE_ON_START: 'false',
    TANDEM_WEB_DIR: '/nonexistent',
    // Most tests make many accounts; the sign-up policy has its own tests.
    TANDEM_SIGNUP: 'open',
    // Several servers and the test code share this process, whose event loop stalls while vitest
    // loads modules: load shedding would refuse the tests' own requests (it has its own tests).
    OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
    // Stored files of this server only (local object storage), never the machine's data dir.
    TANDEM_DATA_DIR: mkdtempSync(join(tmpdir(), 'tandem-test-')),
    ...env,
  });
  const server = await startServer(config);
  const baseUrl = `http://127.0.0.1:${server.port}`;
  return {
    ...server,
    url: baseUrl,
    databaseUrl: db.url,
    client: () => new TandemClient(baseUrl),
    async user(name = 'user') {
      const n = ++counter;
      const email = `${name}.${n}.${randomBytes(3).toString('hex')}@example.test`;
      const displayName = `${name[0]!.toUpperCase()}${name.slice(1)} ${n}`;
      const c = new TandemClient(baseUrl);
      const res = await c.auth.register({ email, password: 'correct horse battery', displayName });
      return Object.assign(c, { userId: res.user.id, email, displayName });
    },
    async close() {
      await server.close();
      await db.drop();
    },
  };
}
