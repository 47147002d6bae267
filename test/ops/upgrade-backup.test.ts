// Upgrades are safe: a server that is about to apply migrations to a database holding data first
// writes a full backup to BACKUP_DIR (named after the migration it precedes), then migrates. A
// first start on an empty database, or a start with nothing to apply, writes none.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyBackup } from '../../apps/server/src/base/backup/backup-archive.js';
import { knownMigrations, migrationsDir } from '../../apps/server/src/base/database/migrator.js';
import { createTestDatabase, startTestServer, type TestServer } from '../support/server.js';

const work = mkdtempSync(join(tmpdir(), 'tandem-upgrade-'));
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** This build's migrations plus one newer, as the next release would ship them. */
function nextRelease(): string {
  const dir = join(work, `migrations-${servers.length}`);
  cpSync(migrationsDir(), dir, { recursive: true });
  mkdirSync(join(dir, '99991231000000_next_release'));
  writeFileSync(join(dir, '99991231000000_next_release', 'migration.sql'), 'CREATE TABLE "NextReleaseProbe" (id int);\n');
  return dir;
}

describe('backup before migrating', () => {
  it('backs up a database with data before applying the new migrations, then applies them', async () => {
    const current = await startTestServer();
    servers.push(current);
    const owner = await current.user('upgrader');
    await owner.workspaces.create({ name: 'Before the upgrade' });
    const backups = join(work, 'backups');

    const upgraded = await startTestServer(
      { TANDEM_MIGRATE_ON_START: 'true', TANDEM_MIGRATIONS_DIR: nextRelease(), BACKUP_DIR: backups },
      current.databaseUrl,
    );
    servers.push(upgraded);
    const written = readdirSync(backups);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^tandem-before-migration-.*-99991231000000_next_release\.tar$/);
    const manifest = await verifyBackup(join(backups, written[0]!));
    // The backup holds the database as it was before the upgrade.
    expect(manifest.migrations).toEqual(knownMigrations());
    expect(manifest.tables.Workspace?.rows).toBeGreaterThanOrEqual(1);
    expect(manifest.tables.NextReleaseProbe).toBeUndefined();
    // And the upgrade went on.
    const signedIn = upgraded.client();
    await signedIn.auth.login({ email: owner.email, password: 'correct horse battery' });
    expect((await signedIn.workspaces.list()).items.map((w) => w.name)).toContain('Before the upgrade');
  }, 120_000);

  it('writes no backup on a first start or when nothing is to be applied', async () => {
    const backups = join(work, 'none');
    const empty = await createTestDatabase();
    // A brand-new database: the template already holds the schema, so start from a truly empty one.
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: empty.url });
    await c.connect();
    await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP TABLE IF EXISTS _tandem_migrations');
    await c.end();
    try {
      const first = await startTestServer({ TANDEM_MIGRATE_ON_START: 'true', BACKUP_DIR: backups }, empty.url);
      await first.close();
      const again = await startTestServer({ TANDEM_MIGRATE_ON_START: 'true', BACKUP_DIR: backups }, empty.url);
      await again.close();
      expect(existsSync(backups) ? readdirSync(backups) : []).toEqual([]);
    } finally {
      await empty.drop();
    }
  }, 120_000);
});
