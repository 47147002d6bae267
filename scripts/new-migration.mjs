#!/usr/bin/env node
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that takes the schema as of the
// last commit (which the migrations already produce, as CI proves) to the working prisma/schema.prisma.
// Prisma's wasm schema engine reaches a database through the pg adapter even for a pure diff, so
// DATABASE_URL (default: the local PostgreSQL) must point at any reachable server.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_').toLowerCase();
if (!name) {
  console.error('usage: pnpm db:new-migration <name>');
  process.exit(2);
}
const hasMigrations = readdirSync(join(root, 'prisma', 'migrations'), { withFileTypes: true }).some((d) => d.isDirectory());
let from = ['--from-empty'];
if (hasMigrations) {
  const previous = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: root, encoding: 'utf8' });
  const file = join(mkdtempSync(join(tmpdir(), 'tandem-schema-')), 'schema.prisma');
  writeFileSync(file, previous);
  from = ['--from-schema-datamodel', file];
}
const result = spawnSync(
  process.execPath,
  [join(root, 'scripts', 'prisma.mjs'), 'migrate', 'diff', ...from, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
if (result.status !== 0) process.exit(result.status ?? 1);
const sql = result.stdout.replace(/^Loaded Prisma config.*\n/m, '').trim();
if (!sql || /^-- This is an empty migration\.?$/.test(sql)) {
  console.log('schema.prisma matches the last commit: no migration written');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
const dir = join(root, 'prisma', 'migrations', `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'migration.sql'), `${sql}\n`);
console.log(`wrote ${dir}/migration.sql`);
