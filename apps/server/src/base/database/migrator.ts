// Applies prisma/migrations/*/migration.sql in order, once each, under a PostgreSQL advisory lock so
// that several servers starting at once migrate exactly once. An applied migration whose file has
// changed stops the server: history must not be rewritten.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { logger } from '../logger/logger.js';

const log = logger('migrator');
const LOCK_KEY = 7_263_001; // any constant shared by every Tandem node

/** prisma/migrations of this checkout or image (apps/server/{src,dist}/base/database → repo root). */
export function migrationsDir(configured?: string): string {
  if (configured) return configured;
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = join(here, '..', '..', '..', '..', '..', 'prisma', 'migrations');
  if (!existsSync(dir)) throw new Error(`TANDEM_MIGRATIONS_DIR: migrations not found at ${dir}`);
  return dir;
}

export interface MigrationResult {
  applied: string[];
  total: number;
}

/** The migrations this build knows, in the order they apply. */
export function knownMigrations(dir = migrationsDir()): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
}

/** Names of the migrations already applied to the database (empty for a new database). */
export async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const table = await client.query(`SELECT to_regclass('_tandem_migrations') AS t`);
  if (!table.rows[0]?.t) return [];
  return (await client.query<{ name: string }>('SELECT name FROM _tandem_migrations ORDER BY name')).rows.map((r) => r.name);
}

/** A database migrated by a newer Tandem than this one: starting on it could corrupt data. */
export function assertNotNewer(applied: string[], known: string[]): void {
  const knownSet = new Set(known);
  const unknown = applied.filter((n) => !knownSet.has(n));
  if (unknown.length > 0) {
    throw new Error(
      `the database was migrated by a newer version of Tandem (unknown migrations: ${unknown.join(', ')}); run that version, or restore a backup taken by this one`,
    );
  }
}

/** What `migrate` would apply now, without applying anything. */
export async function pendingMigrations(databaseUrl: string, dir = migrationsDir()): Promise<string[]> {
  const known = knownMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const applied = await appliedMigrations(client);
    assertNotNewer(applied, known);
    const done = new Set(applied);
    return known.filter((n) => !done.has(n));
  } finally {
    await client.end();
  }
}

export async function migrate(databaseUrl: string, dir = migrationsDir(), only?: ReadonlySet<string>): Promise<MigrationResult> {
  const files = knownMigrations(dir).filter((n) => !only || only.has(n));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS _tandem_migrations (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Map(
      (await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM _tandem_migrations')).rows.map((r) => [
        r.name,
        r.checksum,
      ]),
    );
    if (!only) assertNotNewer([...done.keys()], files);
    for (const name of files) {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = done.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`migration ${name} was changed after it was applied`);
        continue;
      }
      log.info({ migration: name }, 'applying migration');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO _tandem_migrations (name, checksum) VALUES ($1, $2)', [name, checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${name} failed: ${(err as Error).message}`);
      }
      applied.push(name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
  return { applied, total: files.length };
}
