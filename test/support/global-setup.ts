// Runs once per test run: finds PostgreSQL (TEST_DATABASE_URL, the local server, or an embedded
// one), builds a migrated template database every test database is cloned from, and makes sure
// Redis runs. Values reach the tests through `inject()`.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedDatabase } from '../../apps/server/src/base/database/embedded-postgres.js';
import { migrate, migrationsDir } from '../../apps/server/src/base/database/migrator.js';
import { configureLogger } from '../../apps/server/src/base/logger/logger.js';
import { adminQuery, canConnect, dbUrl, ensureRedis } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgBaseUrl: string;
    templateDb: string;
    redisUrl: string;
    pgKind: 'local' | 'embedded';
  }
}

function migrationsHash() {
  const dir = migrationsDir();
  const h = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    try {
      h.update(name).update(readFileSync(join(dir, name, 'migration.sql')));
    } catch {
      /* not a migration folder */
    }
  }
  return h.digest('hex').slice(0, 12);
}

export default async function setup(project: TestProject) {
  configureLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  let base = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  let embedded: EmbeddedDatabase | null = null;
  let embeddedDir: string | null = null;
  let kind: 'local' | 'embedded' = 'local';
  if (!(await canConnect(base))) {
    embeddedDir = mkdtempSync(join(tmpdir(), 'tandem-test-pg-'));
    embedded = new EmbeddedDatabase(embeddedDir);
    base = dbUrl(await embedded.start(), 'postgres');
    kind = 'embedded';
  }
  const template = `tandem_tpl_${migrationsHash()}`;
  const exists = await adminQuery(base, `SELECT 1 FROM pg_database WHERE datname = '${template}'`);
  if (exists.rowCount === 0) {
    const building = `${template}_${process.pid}`;
    await adminQuery(base, `DROP DATABASE IF EXISTS ${building}`);
    await adminQuery(base, `CREATE DATABASE ${building}`);
    await migrate(dbUrl(base, building));
    // Another run may have finished the same template meanwhile.
    await adminQuery(base, `ALTER DATABASE ${building} RENAME TO ${template}`).catch(() => adminQuery(base, `DROP DATABASE ${building}`));
  }
  const stopRedis = await ensureRedis(6379);
  project.provide('pgBaseUrl', base);
  project.provide('templateDb', template);
  project.provide('redisUrl', process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  project.provide('pgKind', kind);
  return async () => {
    stopRedis();
    await embedded?.stop();
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  };
}
