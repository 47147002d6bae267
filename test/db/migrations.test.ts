import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../apps/server/src/base/database/migrator.js';
import { createTestDatabase } from '../support/server.js';
import { describeSchema } from './catalog.js';

const root = join(import.meta.dirname, '..', '..');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function emptyDatabase() {
  // The template is already migrated; start from a truly empty database instead.
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  await c.end();
  return db.url;
}

describe('migrations', () => {
  it('produce exactly the schema in prisma/schema.prisma plus prisma/manual.sql', async () => {
    const migrated = await emptyDatabase();
    await migrate(migrated);

    const reference = await emptyDatabase();
    const diff = spawnSync(
      process.execPath,
      [join(root, 'scripts', 'prisma.mjs'), 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: reference } },
    );
    expect(diff.status, diff.stderr).toBe(0);
    const c = new pg.Client({ connectionString: reference });
    await c.connect();
    await c.query(diff.stdout);
    await c.query(readFileSync(join(root, 'prisma', 'manual.sql'), 'utf8'));
    await c.end();

    expect(await describeSchema(migrated)).toEqual(await describeSchema(reference));
    // The schema engine's diff is a cold WebAssembly start: 15 s alone, more beside the whole suite.
  }, 120_000);

  it('apply once when several servers migrate the same database at the same time', async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const applied = results.map((r) => r.applied.length);
    expect(applied.filter((n) => n > 0)).toHaveLength(1);
    expect(applied.reduce((a, b) => a + b, 0)).toBe(results[0]!.total);
  });

  it('refuse to run when an applied migration file was changed afterwards', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`UPDATE _tandem_migrations SET checksum = 'edited' WHERE name = (SELECT min(name) FROM _tandem_migrations)`);
    await c.end();
    await expect(migrate(url)).rejects.toThrow(/was changed after it was applied/);
  });
});
