#!/usr/bin/env node
// `npm test`: the whole suite, as CI runs it. Installs and builds, makes sure the services the tests
// use exist (PostgreSQL, Redis, Chromium: started or installed from Debian when missing and we are
// root), checks lint/format, then runs every test with vitest.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installAndBuild, PNPM, pnpm, run } from './bootstrap.mjs';

const isRoot = process.getuid?.() === 0;

function portOpen(port) {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

let aptUpdated = false;
function aptInstall(pkgs) {
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return false;
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  return run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env }) === 0;
}

async function ensureServices() {
  // PostgreSQL: the local server when it can run; otherwise the tests use an embedded one.
  if (!(await portOpen(5432)) && existsSync('/usr/bin/pg_ctlcluster')) {
    try {
      const versions = execFileSync('ls', ['/etc/postgresql'], { encoding: 'utf8' }).trim().split('\n');
      for (const v of versions) run('pg_ctlcluster', ['--skip-systemctl-redirect', v, 'main', 'start']);
    } catch {
      /* no cluster: embedded fallback */
    }
  }
  // Redis: the test setup starts redis-server itself when nothing listens; make sure it exists.
  if (!(await portOpen(6379)) && !existsSync('/usr/bin/redis-server')) aptInstall(['redis-server']);
  // Chromium for the browser tests (never a downloaded browser).
  if (!existsSync('/usr/bin/chromium')) aptInstall(['chromium']);
}

installAndBuild();
await ensureServices();
console.log('› lint and format');
pnpm(['exec', 'biome', 'ci', '.']);
console.log('› tests');
const report = join(mkdtempSync(join(tmpdir(), 'tandem-test-')), 'vitest.json');
const status = run('npx', [
  '--yes',
  PNPM,
  'exec',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
// One plain closing line for CI, whatever the runner prints above it.
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`\nTests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  // The runner's exit code alone is not trusted: a dependency's exit hook (embedded PostgreSQL,
  // loaded by the global setup) can end it with 0 after failures.
  if (r.numFailedTests > 0 || !r.success) process.exit(status || 1);
}
process.exit(status);
