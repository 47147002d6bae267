// docs/benchmarks.md: one section per scenario between markers, rewritten by each run of that
// scenario, each stamped with when, where and by which command it was measured.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './servers.mjs';

const DOC = join(ROOT, 'docs', 'benchmarks.md');

export function machine() {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  return {
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    kernel: release(),
    commit,
  };
}

export function stamp(command) {
  const m = machine();
  const [l1, l5] = loadavg();
  return `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${m.cpu}, ${m.memory} · Node ${m.node} · Tandem ${m.commit} · load average before the run ${l1.toFixed(2)} / ${l5.toFixed(2)} · \`${command}\`_`;
}

export const fmt = {
  ms: (v) => (v === undefined || v === null || Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1)),
  pct: (v) => (v === undefined || Number.isNaN(v) ? '–' : `${Math.round(v)}%`),
  k: (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v))),
  us: (v) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2)),
  mb: (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`,
};

export function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const PREAMBLE = `# Benchmarks

Every figure below was measured by \`pnpm bench <scenario…|all>\` (\`node test/bench/run.mjs\`), all the same
way: the server pinned to core 0 and the load generator to core 1 (\`taskset\`),
open-loop load at fixed rates, HDR histograms, latency measured inside the generator with one clock
(the sender records the send time, an observer in the same process the arrival). Most simulated
clients are raw sockets writing pre-encoded frames and counting what arrives; a handful of full
clients (a real Y.Doc) measure latency and check that every edit arrived. Anchors
(\`@y/websocket-server\` 0.1.1, \`@hocuspocus/server\` 3.4.4, a bare \`ws\` server, and for room latency a bare
\`ws\` relay that keeps no document: the floor) run in the same run, on the same machine, with the same generator. Each section is rewritten when its scenario runs and
says when, where, at which commit and with which command it was measured.

## Re-running

\`\`\`sh
npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 exec turbo run build   # Tandem runs from apps/server/dist
pnpm bench --list            # scenarios
pnpm bench all               # everything: about 12 minutes on a quiet 2-core machine, more on a busy one
pnpm bench collab-table      # one scenario; add --quick for a short smoke run
\`\`\`

Needs PostgreSQL (\`BENCH_DATABASE_URL\`, default \`postgresql://postgres@127.0.0.1:5432/postgres\`; each Tandem
run gets a fresh database, dropped afterwards), Redis (\`BENCH_REDIS_URL\`, default \`redis://127.0.0.1:6379\`,
a random channel prefix per run), \`taskset\` and two cores (\`BENCH_SERVER_CORE\`, \`BENCH_GENERATOR_CORE\`).
To look inside a run: \`BENCH_TANDEM_NODE_ARGS\` adds Node.js flags to every Tandem node (\`--cpu-prof --cpu-prof-dir=/tmp/prof\`),
\`BENCH_TANDEM_ENV=DATABASE_POOL_SIZE=20\` (comma-separated) sets its configuration,
and \`BENCH_MIXED_PEOPLE=500\` runs S11 at that size only (one node).
Everything targets 127.0.0.1 and stops by itself. Tandem runs as \`node apps/server/dist/main.js\` with auth,
authorization, its durable update log and Redis on; bench-only settings: \`BCRYPT_ROUNDS=4\` (registering
hundreds of users is setup), no REST rate limit, 2 h access tokens, and for S1 a per-user socket cap above
the sockets per user used. Since 2026-11-29 Tandem runs with \`NODE_OPTIONS=--max-semi-space-size=64\`, as
\`npm start\` and the container image run it; sections measured before that date ran without it.

## Reading the numbers

- Runs where the generator used more than 75% of its core are marked **discard**: their latency is the generator's.
- "Waited for CPU" is the share of the window the server's / generator's main thread sat runnable
  without a core (\`/proc/<pid>/schedstat\`): other processes on the machine had it. Runs above 10% are marked
  **contended**: their latency and throughput describe the machine more than the server. Re-run those on a
  quiet machine (the load average before each run is in its stamp).
- Server CPU is the server process's own CPU time (utime + stime from \`/proc\`) over the measured window;
  PostgreSQL and Redis are not pinned and not included.
`;

/** The sections of an existing report, by scenario id. */
function sectionsOf(doc) {
  const sections = new Map();
  for (const m of doc.matchAll(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g)) sections.set(m[1], m[0]);
  return sections;
}

/**
 * Rewrites one scenario's section of docs/benchmarks.md, keeping the others, in `order` (the
 * runner's scenario list) whatever order they were measured in. The text above the sections is
 * regenerated, so the instructions never drift from the runner.
 */
export function writeSection(id, title, body, order = []) {
  const sections = existsSync(DOC) ? sectionsOf(readFileSync(DOC, 'utf8')) : new Map();
  sections.set(id, `<!-- bench:${id} -->\n## ${title}\n\n${body.trim()}\n<!-- /bench:${id} -->`);
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  const ids = [...sections.keys()].sort((a, b) => rank(a) - rank(b));
  mkdirSync(dirname(DOC), { recursive: true });
  writeFileSync(DOC, `${PREAMBLE}\n${ids.map((k) => sections.get(k)).join('\n\n')}\n`);
}

export const GENERATOR_LIMIT = 75;
/** Share of the window a process sat runnable without a CPU above which its figures are not its own. */
export const CONTENTION_LIMIT = 10;

/** Marks a run whose generator was saturated or whose processes were starved by others on the machine. */
export function flags(r) {
  const out = [];
  if (r.generatorCpuPct > GENERATOR_LIMIT) out.push('**discard** (generator saturated)');
  if (r.serverWaitPct > CONTENTION_LIMIT || r.generatorWaitPct > CONTENTION_LIMIT) out.push('**contended**');
  return out.length ? ` ${out.join(' ')}` : '';
}

export const waits = (r) => `${fmt.pct(r.serverWaitPct)} / ${fmt.pct(r.generatorWaitPct)}`;
