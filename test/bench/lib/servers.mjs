// Starts the servers under test as their own OS processes pinned to the server core: Tandem's built
// main.js on a fresh PostgreSQL database (and Redis), or an anchor launcher. Each resolves once the
// process says where it listens; stop() ends it and drops what it created.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const BENCH = join(ROOT, 'test', 'bench');
export const SERVER_CORE = process.env.BENCH_SERVER_CORE ?? '0';
export const GENERATOR_CORE = process.env.BENCH_GENERATOR_CORE ?? '1';
export const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Extra Node.js flags for every Tandem node, to look inside a run (`--cpu-prof --cpu-prof-dir=/tmp/p`, `--trace-gc`).
const TANDEM_NODE_ARGS = (process.env.BENCH_TANDEM_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** Settings for every Tandem node a benchmark starts, to try one (`BENCH_TANDEM_ENV=DATABASE_POOL_SIZE=20,KEY=value`). */
const TANDEM_ENV = Object.fromEntries(
  (process.env.BENCH_TANDEM_ENV ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

/** Runs `node <script>` pinned to `core`; resolves when stdout matches `ready` (group 1 = port or URL). */
export function spawnPinned(core, script, { env = {}, ready, timeoutMs = 90_000, nodeArgs = [], scriptArgs = [] }) {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs, script, ...scriptArgs], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The tail of what it printed: enough for a generator's whole result line (its latency
  // histograms grow with the run; a 30-minute soak's is far over 20 KB).
  let out = '';
  const keep = (d) => {
    out = (out + d).slice(-4_000_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.stdout.on('data', () => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready:\n${out}`));
    });
  });
  return {
    child,
    started,
    exited,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function startAnchor(kind) {
  const script = join(BENCH, 'anchors', `${kind === 'y-websocket' ? 'y-websocket-server' : kind}.mjs`);
  const proc = spawnPinned(SERVER_CORE, script, { ready: /listening (\d+)/ });
  const port = Number(await proc.started);
  return { kind, pid: proc.child.pid, port, stop: () => proc.stop(), output: proc.output };
}

async function admin(sql) {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

export function databaseUrl(name) {
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database for one bench run; dropped with `drop()`. */
export async function freshDatabase() {
  const name = `tandem_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  return { name, url: databaseUrl(name), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const MAIN = join(ROOT, 'apps', 'server', 'dist', 'main.js');

/**
 * One Tandem node from the build, with auth, authorization, the durable log and Redis all on. Nodes
 * given the same `database` and `secret` form one deployment. Bench-only settings: cheap password
 * hashing (registering hundreds of users is setup, not what is measured) and no request rate limit.
 */
export async function startTandem({ database, secret, channelPrefix, env = {}, core = SERVER_CORE, nodeArgs = [] } = {}) {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx -y pnpm@10.34.9 exec turbo run build)`);
  const db = database ?? (await freshDatabase());
  const proc = spawnPinned(core, MAIN, {
    nodeArgs: [...TANDEM_NODE_ARGS, ...nodeArgs],
    ready: /Tandem is running at (http:\/\/\S+)/,
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_CHANNEL_PREFIX: channelPrefix ?? `bench-${randomBytes(4).toString('hex')}:`,
      TANDEM_SECRET: secret ?? randomBytes(32).toString('hex'),
      TANDEM_WEB_DIR: '/nonexistent',
      LOG_LEVEL: 'warn',
      BCRYPT_ROUNDS: '4',
      TANDEM_SIGNUP: 'open',
      RATE_LIMIT_PER_MINUTE: '1000000',
      ACCESS_TOKEN_TTL_SECONDS: '7200',
      // As `npm start` and the container image run it.
      NODE_OPTIONS: '--max-semi-space-size=64',
      ...TANDEM_ENV,
      ...env,
    },
  });
  const url = (await proc.started).replace('localhost', '127.0.0.1');
  return {
    kind: 'tandem',
    pid: proc.child.pid,
    port: Number(new URL(url).port),
    url,
    database: db,
    output: proc.output,
    kill: () => proc.stop('SIGKILL'),
    async stop({ keepDatabase = false } = {}) {
      await proc.stop();
      if (!database && !keepDatabase) await db.drop();
    },
  };
}
