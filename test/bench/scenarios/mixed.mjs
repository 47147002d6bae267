// Mixed load (S11, issue 18): simulated people using Tandem as its clients do (gen/mixed.mjs) on one
// node, then on two nodes behind Redis; the knee is the first size at which a p99 crosses 100 ms.
// And the soak: 500 mixed people for a long while, sampling memory, handles and connections.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { insertTasks, withPg } from '../lib/db.mjs';
import { mergeEncoded } from '../lib/hist.mjs';
import { scrape } from '../lib/metrics.mjs';
import { cpuSeconds, cpuWindow, rssBytes } from '../lib/proc.mjs';
import { CONTENTION_LIMIT, fmt, GENERATOR_LIMIT, table } from '../lib/report.mjs';
import { BENCH, GENERATOR_CORE, ROOT, spawnPinned, startTandem } from '../lib/servers.mjs';
import { createDocument, registerUser } from '../lib/tandem-world.mjs';

const LIMIT_MS = 100;
const PROJECTS = 30;
const TASKS_PER_PROJECT = 40;
const ACCOUNTS = 250;
const DOCUMENTS = 15;
// BENCH_MIXED_PEOPLE=500 (or 500,1000): only these sizes on one node, to look at one size closely.
const ONLY_SIZES = (process.env.BENCH_MIXED_PEOPLE ?? '').split(',').filter(Boolean).map(Number);

async function inBatches(n, size, fn) {
  const out = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))));
  return out;
}

/** Setup as a client does it: a 503 (the node shedding load while it warms up) is retried after a pause. */
async function patiently(fn) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 10 || !(err?.status === 503 || err?.code === 'unavailable')) throw err;
      await sleep(1000 * attempt);
    }
  }
}

/**
 * One workspace as a team would have it: `accounts` members (simulated people share them when there
 * are more people than accounts: the server's work per request and per socket is the same), 30
 * projects of 40 tasks with checklists, 15 documents.
 */
async function buildWorld(node, accounts) {
  const owner = await patiently(() => registerUser(node.url, 'owner'));
  const ws = await patiently(() => owner.client.workspaces.create({ name: 'Mixed load' }));
  const members = await inBatches(accounts - 1, 20, async (i) => {
    const u = await patiently(() => registerUser(node.url, `person${i}`));
    const inv = await patiently(() => owner.client.workspaces.addMember(ws.id, { email: u.email, role: 'editor' }));
    await patiently(() => u.client.invitations.accept(inv.token));
    return u;
  });
  const projects = await inBatches(PROJECTS, 5, async (i) => {
    const p = await patiently(() => owner.client.tracking.projects.create(ws.id, { name: `Project ${i}`, key: `P${i}` }));
    return { id: p.id };
  });
  await withPg(node.database.url, async (c) => {
    for (const p of projects) {
      await insertTasks(c, { projectId: p.id, reporterId: owner.userId, count: TASKS_PER_PROJECT });
      p.taskIds = (await c.query('SELECT id FROM "Task" WHERE "projectId" = $1', [p.id])).rows.map((r) => r.id);
      p.statusIds = (await c.query('SELECT id FROM "Status" WHERE "projectId" = $1', [p.id])).rows.map((r) => r.id);
    }
  });
  for (const p of projects) {
    p.checklistItemIds = [];
    for (const taskId of p.taskIds.slice(0, 3)) {
      const item = await patiently(() => owner.client.tracking.checklist.add(taskId, { text: 'Check this' }));
      p.checklistItemIds.push(item.id);
    }
  }
  const documents = [];
  for (let i = 0; i < DOCUMENTS; i++) documents.push(await patiently(() => createDocument(owner, ws.id, `Notes ${i}`)));
  return {
    workspaceId: ws.id,
    accounts: [owner, ...members].map((u) => ({ token: u.token, userId: u.userId })),
    projects,
    documents,
  };
}

/** The PostgreSQL backends serving `database` and the Redis server: their pids, to read CPU and RSS. */
async function servicePids(node) {
  const pg = await withPg(node.database.url, async (c) =>
    (await c.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map(
      (r) => r.pid,
    ),
  );
  const redis = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'redis-server';
      } catch {
        return false;
      }
    })
    .map(Number);
  return { pg, redis };
}

const sumRss = (pids) =>
  pids.reduce((n, pid) => {
    try {
      return n + rssBytes(pid);
    } catch {
      return n;
    }
  }, 0);

/** Runs `people` mixed people against `nodes` in `processes` generator processes; measures everything. */
let runsOnThisRunner = 0;

async function runMixed({ nodes, world, people, warmupMs, measureMs, processes = 1, log, sample }) {
  runsOnThisRunner++;
  const dir = mkdtempSync(join(tmpdir(), 'tandem-mixed-'));
  const goFile = join(dir, 'go');
  const gens = [];
  const per = Math.ceil(people / processes);
  for (let k = 0; k < processes; k++) {
    const file = join(dir, `gen-${k}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        ...world,
        nodes: nodes.map((n) => ({ port: n.port })),
        from: k * per,
        to: Math.min(people, (k + 1) * per),
        gen: k,
        // Yjs client ids new to the node on every run: a later size on the same node reusing an earlier
        // size's ids would send updates the documents already hold (ignored, never seen by an observer).
        clientIdBase: 1_000_000 * runsOnThisRunner + 100_000 * k,
        localAddress: `127.0.0.${2 + k}`,
        goFile,
        warmupMs,
        measureMs,
      }),
    );
    gens.push(
      spawnPinned(GENERATOR_CORE, join(BENCH, 'gen', 'mixed.mjs'), {
        scriptArgs: [file],
        ready: /connected (\{.*\})\n/,
        timeoutMs: 300_000,
        nodeArgs: ['--max-old-space-size=2048'],
      }),
    );
  }
  try {
    const connected = (await Promise.all(gens.map((g) => g.started))).map((s) => JSON.parse(s));
    log(
      `  ${people} people connected (${connected.map((c) => `${c.sockets}/${c.people} sockets in ${c.connectSeconds.toFixed(1)} s`).join(', ')})`,
    );
    const pids = nodes.map((n) => n.pid);
    const services = await servicePids(nodes[0]);
    // Written whole, then renamed: a generator polling for the file never reads it half-written.
    writeFileSync(`${goFile}.tmp`, String(Date.now()));
    renameSync(`${goFile}.tmp`, goFile);
    const samples = [];
    const sampler = sample ? setInterval(() => void sample(samples), 10_000) : null;
    await sleep(warmupMs);
    for (const n of nodes) await scrape(n.url);
    const stops = {
      node: cpuWindow(pids),
      pg: cpuWindow(services.pg),
      redis: cpuWindow(services.redis),
      gens: cpuWindow(gens.map((g) => g.child.pid)),
    };
    await sleep(measureMs / 2);
    const rss = { node: nodes.map((n) => rssBytes(n.pid)), pg: sumRss(services.pg), redis: sumRss(services.redis) };
    await sleep(measureMs / 2);
    const cpu = Object.fromEntries(Object.entries(stops).map(([k, stop]) => [k, stop()]));
    const eld = await Promise.all(nodes.map(async (n) => (await scrape(n.url)).eventLoopP99Ms));
    if (sampler) clearInterval(sampler);
    const results = [];
    for (const g of gens) {
      const until = Date.now() + 60_000;
      let m = null;
      while (!(m = /result (\{.*\})\n/.exec(g.output())) && Date.now() < until) await sleep(200);
      if (!m) throw new Error(`a generator gave no result:\n${g.output().slice(-2000)}`);
      results.push(JSON.parse(m[1]));
    }
    const classes = [...new Set(results.flatMap((r) => Object.keys(r.rest)))];
    const rest = Object.fromEntries(
      classes.map((c) => {
        const statuses = {};
        for (const r of results) for (const [s, n] of Object.entries(r.rest[c]?.statuses ?? {})) statuses[s] = (statuses[s] ?? 0) + n;
        return [c, { ...mergeEncoded(results.map((r) => r.rest[c]?.encoded)), statuses }];
      }),
    );
    const sum = (f) => results.reduce((n, r) => n + f(r), 0);
    return {
      people,
      nodes: nodes.length,
      processes,
      rest,
      live: mergeEncoded(results.map((r) => r.live)),
      collab: mergeEncoded(results.map((r) => r.collab)),
      errors: {
        refused: sum((r) => r.errors.socketRefused),
        closed: sum((r) => r.errors.socketClosed),
        lastError: results.map((r) => r.errors.lastError).find(Boolean) ?? '',
        http: Object.values(rest).reduce(
          (n, c) => n + Object.entries(c.statuses).reduce((m, [s, k]) => m + (s.startsWith('2') ? 0 : k), 0),
          0,
        ),
        byStatus: failedByStatus(rest),
      },
      generatorSelfCpuPct: sum((r) => r.generatorCpuPct),
      cpu,
      rss,
      eld,
      samples,
    };
  } finally {
    for (const g of gens) await g.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Failed answers by status over every route class ("no answer": a network error or a timeout). */
function failedByStatus(rest) {
  const all = {};
  for (const c of Object.values(rest)) {
    for (const [s, k] of Object.entries(c.statuses)) {
      if (s.startsWith('2')) continue;
      const key = s === '0' ? 'no answer' : s;
      all[key] = (all[key] ?? 0) + k;
    }
  }
  return all;
}

const failed = (r) =>
  r.errors.http
    ? ` (${Object.entries(r.errors.byStatus ?? {})
        .map(([s, k]) => `${s}: ${k}`)
        .join(', ')})`
    : '';

const worstP99 = (r) => Math.max(...Object.values(r.rest).map((c) => c.p99), r.live.p99, r.collab.p99);

function saturation(r) {
  const wait = Math.max(r.cpu.node.serverWaitPct, r.cpu.gens.serverWaitPct);
  if (wait > CONTENTION_LIMIT) {
    return `the machine: Tandem waited for a free core ${fmt.pct(r.cpu.node.serverWaitPct)} of the time (the generator ${fmt.pct(r.cpu.gens.serverWaitPct)}) while using ${fmt.pct(r.cpu.node.serverCpuPct)} of one; other processes held the cores`;
  }
  const shares = [
    ['the node’s core (Tandem CPU)', r.cpu.node.serverCpuPct / (100 * r.nodes)],
    ['the generator’s core', r.cpu.gens.serverCpuPct / 100],
    ['PostgreSQL', r.cpu.pg.serverCpuPct / 100],
    ['Redis', r.cpu.redis.serverCpuPct / 100],
  ].sort((a, b) => b[1] - a[1]);
  return `${shares[0][0]} (${fmt.pct(100 * shares[0][1])} of a core)`;
}

function rows(results) {
  return results.map((r) => {
    const cls = (name) => {
      const c = r.rest[name];
      return c ? `${fmt.ms(c.p50)} / ${fmt.ms(c.p99)}` : '–';
    };
    return [
      `${r.people}${r.nodes > 1 ? ` (${r.nodes} nodes)` : ''}`,
      cls('board read'),
      cls('task read'),
      cls('board refetch (live)'),
      cls('task write'),
      cls('comment write'),
      cls('checklist write'),
      `${fmt.ms(r.live.p50)} / ${fmt.ms(r.live.p99)} (${r.live.count})`,
      `${fmt.ms(r.collab.p50)} / ${fmt.ms(r.collab.p99)} (${r.collab.count})`,
      `${r.errors.http} HTTP${failed(r)}, ${r.errors.refused} refused, ${r.errors.closed} closed${r.errors.lastError ? ` (${r.errors.lastError.slice(0, 60)})` : ''}`,
      `${fmt.pct(r.cpu.node.serverCpuPct)} / ${r.rss.node.map(fmt.mb).join(' + ')} / ${r.eld.map(fmt.ms).join(', ')} ms`,
      `${fmt.pct(r.cpu.pg.serverCpuPct)} / ${fmt.mb(r.rss.pg)}`,
      `${fmt.pct(r.cpu.redis.serverCpuPct)} / ${fmt.mb(r.rss.redis)}`,
      `${fmt.pct(r.cpu.gens.serverCpuPct)}${r.cpu.gens.serverCpuPct > GENERATOR_LIMIT ? ' **discard**' : ''}`,
      `${fmt.pct(r.cpu.node.serverWaitPct)}${r.cpu.node.serverWaitPct > CONTENTION_LIMIT ? ' **contended**' : ''}`,
      worstP99(r) > LIMIT_MS ? `**${fmt.ms(worstP99(r))}**` : fmt.ms(worstP99(r)),
    ];
  });
}

const HEADER = [
  'people',
  'board read p50 / p99 ms',
  'task read',
  'board refetch on event',
  'task write (update, move)',
  'comment',
  'checklist tick',
  'live event p50 / p99 ms (n)',
  'collab edit→remote p50 / p99 ms (n)',
  'errors',
  'Tandem CPU / RSS / event-loop p99',
  'PostgreSQL CPU / RSS',
  'Redis CPU / RSS',
  'generator CPU',
  'Tandem waited for CPU',
  'worst p99 ms',
];

async function deployment(nodeCount, log, accounts = ACCOUNTS) {
  const shared = { secret: randomBytes(32).toString('hex'), channelPrefix: `bench-${randomBytes(4).toString('hex')}:` };
  const env = { WS_MAX_SOCKETS_PER_USER: '64' };
  const first = await startTandem({ ...shared, env });
  const nodes = [first];
  const stop = async () => {
    for (const n of nodes.slice(1)) await n.stop({ keepDatabase: true });
    await first.stop();
  };
  try {
    for (let i = 1; i < nodeCount; i++) nodes.push(await startTandem({ ...shared, env, database: first.database }));
    log(
      `${nodeCount} node(s) up; building the workspace (${accounts} members, ${PROJECTS} projects × ${TASKS_PER_PROJECT} tasks, ${DOCUMENTS} documents)`,
    );
    return { nodes, world: await buildWorld(first, accounts), stop };
  } catch (err) {
    // A failed setup leaves no node running (the runner would wait for it) and no database behind.
    await stop();
    throw err;
  }
}

const versions = async (node) => {
  const v = await withPg(node.database.url, async (c) => (await c.query('SHOW server_version')).rows[0].server_version);
  let redis = 'unknown';
  try {
    const { execFileSync } = await import('node:child_process');
    redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).split(' ')[2]?.replace('v=', '') ?? redis;
  } catch {
    /* not on PATH */
  }
  return `PostgreSQL ${v}, Redis ${redis}`;
};

export const mixedScenarios = {
  mixed: {
    title: 'Mixed load (S11) — people using boards, tasks and documents at once; the knee per node (issue 18)',
    goal: 'One node, 5,000 mixed people: REST p99 < 100 ms, live-event p99 < 100 ms, collab edit→remote p99 < 100 ms, no errors; the same over two nodes.',
    async run({ log, quick }) {
      const sizes = ONLY_SIZES.length ? ONLY_SIZES : quick ? [100, 200] : [1000, 2500, 3500, 5000];
      const twoNodeSizes = ONLY_SIZES.length ? [] : quick ? [200] : [5000];
      const warmupMs = quick ? 5000 : 10_000;
      const measureMs = quick ? 15_000 : 60_000;
      const single = [];
      let stack = 'unknown';
      let d = await deployment(1, log, quick ? 40 : ACCOUNTS);
      const d0 = d;
      try {
        stack = await versions(d.nodes[0]);
        for (const people of sizes) {
          log(`one node, ${people} people`);
          single.push(await runMixed({ nodes: d.nodes, world: d.world, people, warmupMs, measureMs, log }));
          await sleep(3000);
        }
      } finally {
        await d.stop();
      }
      const double = [];
      if (twoNodeSizes.length) {
        d = await deployment(2, log, quick ? 40 : ACCOUNTS);
        try {
          for (const people of twoNodeSizes) {
            log(`two nodes, ${people} people`);
            double.push(await runMixed({ nodes: d.nodes, world: d.world, people, warmupMs, measureMs, log }));
          }
        } finally {
          await d.stop();
        }
      }
      const within = single.filter((r) => worstP99(r) <= LIMIT_MS && r.errors.http === 0 && r.errors.refused === 0);
      const knee = single.find((r) => worstP99(r) > LIMIT_MS || r.errors.http > 0 || r.errors.refused > 0);
      const held = within.length ? within[within.length - 1].people : 0;
      return `Goal: ${this.goal}

Each simulated person uses the SDK's protocols as the web client does (\`test/bench/gen/mixed.mjs\`): **60% idle** with presence on (a \`/ws\`
socket in their user room, their workspace room joined shallow and their project room, answering pings, looking at another
project every 30–90 s, which reads that board), **30% browsing** (the same socket; a board or task read every 5–15 s;
task events of their project carrying the whole task applied as they are, a board refetch only for one that does not,
at most one in flight and one per 2 s), **10% editing** (the same
socket; a task update, move, comment or checklist tick every 5–15 s; one keystroke per second into one of
${DOCUMENTS} documents through \`/collab\`, real Yjs updates). Ten people in a row (1 editing, 3 browsing, 6 idle) share a project. One workspace: ${d0.world.accounts.length} member accounts shared by the people
(the server's work per socket and per request is the same), ${PROJECTS} projects of ${TASKS_PER_PROJECT} tasks. ${warmupMs / 1000} s warm-up, then
${measureMs / 1000} s measured per size, the node kept between sizes. Live event = a task update's PATCH being sent → a
browsing person's socket receiving \`task.updated\`; collab = a keystroke sent → a full Y.Doc observer (another
user, another node when there are two) receiving it. ${stack}.

**How the 2 cores were shared:** Tandem pinned to core 0 (both nodes on core 0 in the two-node rows); the
generator (one process) and the runner pinned to core 1; PostgreSQL and Redis unpinned, on whichever core was
free (their CPU is counted for this database's backends and the Redis server). "Generator CPU" is the generator's
share of core 1: above ${GENERATOR_LIMIT}% its latency figures are its own, not the server's. Load shedding on at its default (500 ms).

**One node**

${table(HEADER, rows(single))}

**Two nodes behind Redis** (both on core 0: this measures what crossing Redis costs, not a second machine's gain)

${table(HEADER, rows(double))}

**Knee:** ${knee ? `at ${knee.people} people a p99 reached ${fmt.ms(worstP99(knee))} ms${knee.errors.http ? ` with ${knee.errors.http} failed requests` : ''}; ` : 'no size crossed 100 ms; '}the most people one node held within the limits here: **${held || 'none of the sizes'}**.
What saturates first: at ${single.at(-1).people} people ${saturation(single.at(-1))}${knee ? `; at the knee ${saturation(knee)}` : ''}.`;
    },
  },
  soak: {
    title: 'Soak — 500 mixed people on one node, memory and handles over time (issue 18)',
    goal: 'Flat RSS, heap, event-loop delay, open handles and PostgreSQL connections over the run.',
    async run({ log, quick, minutes }) {
      const total = minutes ?? (quick ? 2 : 30);
      const people = 500;
      const d = await deployment(1, log);
      const node = d.nodes[0];
      const start = Date.now();
      try {
        const sample = async (samples) => {
          const m = await scrape(node.url);
          const pg = await withPg(node.database.url, async (c) =>
            Number((await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()')).rows[0].n - 1),
          );
          samples.push({
            t: (Date.now() - start) / 1000,
            rss: rssBytes(node.pid),
            heap: m.heapUsed,
            eld: m.eventLoopP99Ms,
            handles: m.get('tandem_nodejs_active_handles_total'),
            pg,
            cpu: cpuSeconds(node.pid),
          });
        };
        log(`soak: ${people} people for ${total} min, sampled every 10 s`);
        const r = await runMixed({ nodes: d.nodes, world: d.world, people, warmupMs: 5000, measureMs: total * 60_000, log, sample });
        const svg = chart(r.samples, total);
        writeFileSync(join(ROOT, 'docs', 'benchmarks-soak.svg'), svg);
        const s = r.samples;
        const first = s[Math.min(2, s.length - 1)];
        const last = s.at(-1);
        const line = (label, f, unit = (v) => v) =>
          `| ${label} | ${unit(Math.min(...s.map(f)))} | ${unit(Math.max(...s.map(f)))} | ${unit(f(first))} → ${unit(f(last))} |`;
        return `Goal: ${this.goal} **This run: ${total} minutes${total < 30 ? ' (a short run, not the 30-minute soak)' : ''}.** The same people as S11 (60% idle, 30% browsing, 10% editing),
${people} of them, on one node pinned to core 0, the generator on core 1. Sampled every 10 s (${s.length} samples);
chart: [benchmarks-soak.svg](benchmarks-soak.svg). \`pnpm bench soak --minutes N\` sets the length.

| measure | min | max | at ${first.t.toFixed(0)} s → at the end |
|---|---|---|---|
${line('RSS', (x) => x.rss, fmt.mb)}
${line('heap used', (x) => x.heap, fmt.mb)}
${line('event-loop delay p99 (ms, per 10 s)', (x) => x.eld, fmt.ms)}
${line('open handles', (x) => x.handles)}
${line('PostgreSQL connections of this database', (x) => x.pg)}

Over the whole run: live event p50 / p99 ${fmt.ms(r.live.p50)} / ${fmt.ms(r.live.p99)} ms (${r.live.count}), collab edit→remote ${fmt.ms(r.collab.p50)} / ${fmt.ms(r.collab.p99)} ms,
errors ${r.errors.http} HTTP${failed(r)} / ${r.errors.refused} refused / ${r.errors.closed} closed; Tandem CPU ${fmt.pct(r.cpu.node.serverCpuPct)}, generator ${fmt.pct(r.cpu.gens.serverCpuPct)}.
REST p99 by class: ${Object.entries(r.rest)
          .map(([k, c]) => `${k} ${fmt.ms(c.p99)} ms`)
          .join(', ')}.`;
      } finally {
        await d.stop();
      }
    },
  },
};

/** A small line chart per measure, stacked, as SVG text (no dependencies). */
function chart(samples, minutes) {
  const series = [
    ['RSS (MB)', (x) => x.rss / 2 ** 20],
    ['heap used (MB)', (x) => x.heap / 2 ** 20],
    ['event-loop p99 (ms)', (x) => x.eld],
    ['open handles', (x) => x.handles],
    ['PostgreSQL connections', (x) => x.pg],
  ];
  const W = 640;
  const H = 110;
  const pad = 40;
  const tMax = Math.max(minutes * 60, ...samples.map((s) => s.t));
  const panels = series.map(([label, f], k) => {
    const vals = samples.map(f).filter(Number.isFinite);
    const max = Math.max(1, ...vals) * 1.1;
    const y0 = k * (H + 20) + 20;
    const pts = samples
      .filter((s) => Number.isFinite(f(s)))
      .map((s) => `${(pad + (s.t / tMax) * (W - 2 * pad)).toFixed(1)},${(y0 + H - (f(s) / max) * H).toFixed(1)}`)
      .join(' ');
    return `<g><text x="${pad}" y="${y0 - 4}" font-size="12">${label}: top of the box ${max.toFixed(0)}</text>
<rect x="${pad}" y="${y0}" width="${W - 2 * pad}" height="${H}" fill="none" stroke="#ccc"/>
<polyline fill="none" stroke="#2563eb" stroke-width="1.5" points="${pts}"/></g>`;
  });
  const height = series.length * (H + 20) + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif">
<title>Tandem soak: ${samples.length} samples over ${(tMax / 60).toFixed(1)} minutes</title>
<rect width="100%" height="100%" fill="white"/>
${panels.join('\n')}
<text x="${pad}" y="${height - 6}" font-size="11">time: 0 – ${(tMax / 60).toFixed(1)} min, sampled every 10 s</text>
</svg>
`;
}
