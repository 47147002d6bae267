// Shared by `npm start` and `npm test`: installs dependencies with the pinned pnpm (from the npm
// registry alone) when needed, then builds every package with turbo.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PNPM = `pnpm@${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1]}`;

export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts, env: { ...process.env, ...(opts.env ?? {}) } });
  if (res.error) throw res.error;
  return res.status ?? 1;
}

export function must(cmd, args, opts) {
  const status = run(cmd, args, opts);
  if (status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(' ')} failed (exit ${status})`);
    process.exit(status);
  }
}

export function pnpm(args, opts) {
  // `--yes` because ~/.npmrc may set yes=false; COREPACK is not required.
  return must('npx', ['--yes', PNPM, ...args], opts);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`Tandem needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
    process.exit(1);
  }
}

function needsInstall() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'pnpm-lock.yaml')).mtimeMs > statSync(marker).mtimeMs;
}

export function installAndBuild() {
  checkNode();
  if (needsInstall()) {
    console.log('› installing dependencies');
    pnpm(['install', '--frozen-lockfile', '--config.confirmModulesPurge=false'], { env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
  }
  console.log('› building');
  pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
}
