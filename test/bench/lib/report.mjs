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

Measured by \`pnpm bench <scenario|all>\` (\`node test/bench/run.mjs\`), following
\`shared/BENCHMARKS.md\`: the server pinned to core 0 and the load generator to core 1 (\`taskset\`),
open-loop load at fixed rates, HDR histograms, latency measured inside the generator with one clock.
Anchors run in the same run, on the same machine, with the same generator. Each section below is
rewritten when its scenario runs and says when, where and how it was measured. Runs where the
generator used more than 75% of its core are marked **discard**: their latency is the generator's.
"Waited for CPU" is the share of the window the server's / generator's main thread sat runnable
without a core (\`/proc/<pid>/schedstat\`): other processes on the machine took it. Runs above 10% are
marked **contended**; their latency and throughput say more about the machine than about the server.
`;

export function writeSection(id, title, body) {
  let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : PREAMBLE;
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const block = `${start}\n## ${title}\n\n${body.trim()}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  doc = from >= 0 && to > from ? doc.slice(0, from) + block + doc.slice(to + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  mkdirSync(dirname(DOC), { recursive: true });
  writeFileSync(DOC, doc);
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
