// Benchmark of the work-tracking REST API (not a test): authenticated GET /projects/:id/tasks
// (50 of 10k tasks) and POST /projects/:id/tasks against one server process.
//
//   npx -y pnpm@10.34.9 exec turbo run build && node test/bench/tracking-rest.mjs
//   (BENCH_SECONDS=10, BENCH_LIST_RATE / BENCH_CREATE_RATE to offer fixed open-loop rates,
//    BENCH_PROFILE=<dir> to write a CPU profile of the server, BENCH_PG_URL for another PostgreSQL)
//
// The server runs pinned to core 0 (`taskset -c 0`), this generator pins itself to core 1. Each
// phase first finds the closed-loop maximum, then offers a fixed open-loop rate and measures
// latency from each request's scheduled send time (so a stalled server cannot hide its queue).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PG = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// Open-loop rates: given, or 70% of the closed-loop maximum measured just before (an offered rate
// the server cannot sustain only measures the queue it builds).
const LIST_RATE = Number(process.env.BENCH_LIST_RATE ?? 0);
const CREATE_RATE = Number(process.env.BENCH_CREATE_RATE ?? 0);
const TASKS = 10_000;

try {
  execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
} catch {
  console.warn('taskset not available: generator and server share cores');
}

const dbName = `tandem_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: PG });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const dbUrl = PG.replace(/\/[^/]*$/, `/${dbName}`);

const nodeArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
const server = spawn('taskset', ['-c', '0', process.execPath, ...nodeArgs, join(root, 'apps/server/dist/main.js')], {
  env: {
    PATH: process.env.PATH,
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: dbUrl,
    LOG_LEVEL: 'warn',
    BCRYPT_ROUNDS: '4',
    RATE_LIMIT_PER_MINUTE: '1000000',
    TANDEM_WEB_DIR: '/nonexistent',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
server.stdout.on('data', (d) => (out += d));
server.stderr.on('data', (d) => (out += d));
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
  server.stdout.on('data', () => {
    const m = /Tandem is running at (http:\/\/\S+)/.exec(out);
    if (m) {
      clearTimeout(timer);
      resolve(m[1].replace('localhost', '127.0.0.1'));
    }
  });
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function request(method, path, { token, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
          else resolve(text ? JSON.parse(text) : undefined);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

// ---- seed: one user, one workspace, one project with 10k tasks (labels and checklists on some)
const auth = await request('POST', '/api/v1/auth/register', {
  body: { email: `bench-${dbName}@example.test`, password: 'correct horse battery', displayName: 'Bench' },
});
const token = auth.accessToken;
const ws = await request('POST', '/api/v1/workspaces', { token, body: { name: 'Bench' } });
const project = await request('POST', `/api/v1/workspaces/${ws.id}/projects`, { token, body: { name: 'Bench', key: 'BENCH' } });
const statuses = (await request('GET', `/api/v1/projects/${project.id}/statuses`, { token })).items;
const db = new pg.Client({ connectionString: dbUrl });
await db.connect();
await db.query(
  `INSERT INTO "Task" (id, "projectId", number, title, description, "statusId", "reporterId", rank, "updatedAt")
   SELECT gen_random_uuid(), $1, i, 'Task number ' || i, 'Some **markdown** describing task ' || i,
     ($3::uuid[])[1 + i % 3], $2, lpad(i::text, 6, '0') || 'i', now()
   FROM generate_series(1, ${TASKS}) i`,
  [project.id, auth.user.id, statuses.map((s) => s.id)],
);
await db.query(`UPDATE "Project" SET "taskCounter" = ${TASKS} WHERE id = $1`, [project.id]);
await db.query(`INSERT INTO "Label" (id, "workspaceId", name) VALUES (gen_random_uuid(), $1, 'bug'), (gen_random_uuid(), $1, 'ui')`, [
  ws.id,
]);
await db.query(`INSERT INTO "TaskLabel" ("taskId", "labelId") SELECT t.id, l.id FROM "Task" t CROSS JOIN "Label" l WHERE t.number % 4 = 0`);
await db.query(
  `INSERT INTO "ChecklistItem" (id, "taskId", text, done, rank, "updatedAt")
   SELECT gen_random_uuid(), t.id, 'step ' || k, k % 2 = 0, k::text || 'i', now() FROM "Task" t, generate_series(1, 3) k WHERE t.number % 5 = 0`,
);
await db.query('ANALYZE');
if (process.env.BENCH_EXPLAIN) {
  const plan = await db.query(
    `EXPLAIN ANALYZE SELECT t.id FROM "Task" t JOIN "Project" p ON p.id = t."projectId" WHERE t."projectId" = $1 AND t."archivedAt" IS NULL ORDER BY t.number DESC LIMIT 51`,
    [project.id],
  );
  console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
}
await db.end();

// ---- load
const listPath = `/api/v1/projects/${project.id}/tasks?limit=50`;
const list = () => request('GET', listPath, { token });
let created = 0;
const create = () => request('POST', `/api/v1/projects/${project.id}/tasks`, { token, body: { title: `Bench task ${++created}` } });

function cpuOf(pid) {
  const f = execFileSync('cat', [`/proc/${pid}/stat`])
    .toString()
    .split(') ')[1]
    .split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime in clock ticks (100/s)
}

async function closedLoop(fn, concurrency, seconds) {
  const end = performance.now() + seconds * 1000;
  const cpu0 = cpuOf(server.pid);
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fn();
        done++;
      }
    }),
  );
  const cpuMs = ((cpuOf(server.pid) - cpu0) * 1000) / done;
  return { perSecond: Math.round(done / seconds), serverCpuPerRequest: `${cpuMs.toFixed(2)} ms` };
}

async function openLoop(fn, rate, seconds) {
  const latencies = [];
  let errors = 0;
  const start = performance.now();
  const total = rate * seconds;
  const genCpu0 = process.cpuUsage();
  const srvCpu0 = cpuOf(server.pid);
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      fn().then(
        () => latencies.push(performance.now() - due),
        () => errors++,
      ),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  const gen = process.cpuUsage(genCpu0);
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(2);
  return {
    offered: rate,
    achieved: Math.round(latencies.length / elapsed),
    errors,
    p50: pct(50),
    p99: pct(99),
    max: latencies.at(-1)?.toFixed(2),
    serverCpu: `${Math.round(((cpuOf(server.pid) - srvCpu0) / elapsed) * 100)}%`,
    generatorCpu: `${Math.round(((gen.user + gen.system) / 1e6 / elapsed) * 100)}%`,
  };
}

try {
  const first = JSON.parse(JSON.stringify(await list()));
  console.log(`seeded ${TASKS} tasks; a page has ${first.items.length} items, ${JSON.stringify(first).length} bytes`);
  const sequential = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await list();
    sequential.push(performance.now() - t0);
  }
  sequential.sort((a, b) => a - b);
  console.log(`GET list one at a time: p50 ${sequential[25].toFixed(2)} ms, max ${sequential[49].toFixed(2)} ms`);
  for (const [name, fn] of [
    ['health', () => request('GET', '/health/live')],
    ['me', () => request('GET', '/api/v1/me', { token })],
    ['project', () => request('GET', `/api/v1/projects/${project.id}`, { token })],
  ]) {
    const times = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`${name} one at a time: p50 ${times[15].toFixed(2)} ms`);
  }
  await closedLoop(list, 16, 3); // warm-up
  // Anchors on the same server and machine: the framework floor and an authenticated one-query route.
  console.log('GET /health/live closed-loop (32 in flight):', await closedLoop(() => request('GET', '/health/live'), 32, SECONDS));
  console.log('GET /api/v1/me closed-loop (32 in flight):', await closedLoop(() => request('GET', '/api/v1/me', { token }), 32, SECONDS));
  const listMax = await closedLoop(list, 32, SECONDS);
  console.log('GET list closed-loop (32 in flight):', listMax);
  console.log('GET list open-loop:', await openLoop(list, LIST_RATE || Math.max(1, Math.round(listMax.perSecond * 0.7)), SECONDS));
  if (process.env.BENCH_ONLY === 'list') throw new Error('BENCH_ONLY=list: stopping before POST');
  const createMax = await closedLoop(create, 16, SECONDS);
  console.log('POST task closed-loop (16 in flight):', createMax);
  console.log('POST task open-loop:', await openLoop(create, CREATE_RATE || Math.max(1, Math.round(createMax.perSecond * 0.7)), SECONDS));
} catch (err) {
  console.log(err.message);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  agent.destroy();
}
