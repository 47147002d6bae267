// REST (issue 3): an authenticated task list (first 50 of 10k tasks) and task creation on one
// server process, open-loop at fixed rates.
import { insertTasks, withPg } from '../lib/db.mjs';
import { runGenerator } from '../lib/generator.mjs';
import { flags, fmt, table, waits } from '../lib/report.mjs';
import { startAnchor, startTandem } from '../lib/servers.mjs';
import { registerUser } from '../lib/tandem-world.mjs';

const TASKS = 10_000;
const VIA_API = 200;

function phaseRows(phases) {
  return phases.map((p) => [
    p.name,
    p.count ? `closed loop, ${p.count} requests` : `${p.targetRate}/s`,
    Math.round(p.achievedRate).toString(),
    `${fmt.ms(p.latency.p50)} / ${fmt.ms(p.latency.p90)} / ${fmt.ms(p.latency.p99)} / ${fmt.ms(p.latency.max)}`,
    [
      ...Object.entries(p.statuses).map(([s, c]) => `${s === '0' ? 'network error' : s}: ${c}`),
      ...(p.unfinished ? [`**no answer within 10 s: ${p.unfinished}**`] : []),
    ].join(', '),
    fmt.pct(p.serverCpuPct),
    `${fmt.pct(p.generatorCpuPct)}${flags(p)}`,
    waits(p),
  ]);
}

export const restScenarios = {
  rest: {
    title: 'REST — task list (50 of 10k tasks) and task creation, one process (issue 3)',
    goal: '≥ 2,000 authenticated list req/s on one core with p99 < 20 ms.',
    async run({ log, quick }) {
      const durationMs = quick ? 5000 : 10_000;
      const floor = await this.bare({ log, durationMs });
      const cached = await this.measure({ log, quick, durationMs, readCache: true });
      const uncached = await this.measure({ log, quick, durationMs, readCache: false });
      return `Goal: ${this.goal} One Tandem process on core 0 (PostgreSQL and Redis are shared by both cores), the HTTP
generator on core 1 with 64 keep-alive connections and the owner's access token on every request.
Open-loop: latency counts from the moment a request was due, so waiting for a connection counts.
Each rate runs ${durationMs / 1000} s after a 2 s warm-up. Of the ${TASKS} tasks, ${VIA_API} were created through the API
(the closed-loop seeding row) and the rest inserted in one SQL statement shaped like the API's rows.

**Floor of this machine**: a bare Node HTTP server (no framework, auth or database; \`anchors/bare-http.mjs\`)
on the same core with the same generator. At low rates the idle virtual CPU takes milliseconds to wake
for each request, so the 100/s rows measure the machine more than the server.

${table(['request', 'offered', 'achieved req/s', 'p50 / p90 / p99 / max ms', 'statuses', 'server CPU', 'generator CPU', 'waited for CPU'], phaseRows(floor))}

**As deployed** (READ_CACHE on, the default): the node keeps the page and the caller's grant until a
change in the workspace is heard of, so after the first request every list request authenticates
(token + session), checks the grant and answers from memory. Nothing changes during the run.

${table(['request', 'offered', 'achieved req/s', 'p50 / p90 / p99 / max ms', 'statuses', 'server CPU', 'generator CPU', 'waited for CPU'], phaseRows(cached))}

**Every request reads PostgreSQL** (READ_CACHE=false: the cost of a page right after a change, and
of every create): the grant query and the page query, per request.

${table(['request', 'offered', 'achieved req/s', 'p50 / p90 / p99 / max ms', 'statuses', 'server CPU', 'generator CPU', 'waited for CPU'], phaseRows(uncached))}`;
    },
    async bare({ log, durationMs }) {
      log('bare HTTP anchor');
      const anchor = await startAnchor('bare-http');
      try {
        const phase = (rate) => ({ name: 'GET / (bare node:http)', method: 'GET', path: '/', rate, warmupMs: 1000, durationMs });
        const r = await runGenerator('http', {
          port: anchor.port,
          token: 'none',
          serverPids: [anchor.pid],
          connections: 64,
          phases: [phase(100), phase(2000)],
        });
        return r.phases;
      } finally {
        await anchor.stop();
      }
    },
    async measure({ log, quick, durationMs, readCache }) {
      log(`READ_CACHE=${readCache}`);
      const server = await startTandem({ env: { READ_CACHE: String(readCache) } });
      try {
        const owner = await registerUser(server.url, 'owner');
        const ws = await owner.client.workspaces.create({ name: 'REST bench' });
        const project = await owner.client.http.request('POST', `/api/v1/workspaces/${ws.id}/projects`, {
          body: { name: 'Bench', key: 'BEN' },
        });
        const common = { port: server.port, token: owner.token, serverPids: [server.pid], connections: 64 };
        const create = { method: 'POST', path: `/api/v1/projects/${project.id}/tasks`, body: { title: 'Bench task {{n}}' } };
        log(`seeding: ${VIA_API} tasks through POST, ${TASKS - VIA_API} more in one SQL statement`);
        const seeded = await runGenerator('http', {
          ...common,
          phases: [{ name: 'POST /projects/:id/tasks (seeding)', ...create, count: VIA_API, concurrency: 8 }],
        });
        await withPg(server.database.url, (c) =>
          insertTasks(c, { projectId: project.id, reporterId: owner.userId, count: TASKS - VIA_API }),
        );
        const list = { method: 'GET', path: `/api/v1/projects/${project.id}/tasks?limit=50` };
        // A low rate first: on a busy machine it still gives an unqueued latency figure.
        const listRates = readCache ? (quick ? [100, 2000] : [100, 1000, 2000, 3000]) : quick ? [100, 1000] : [100, 500, 1000];
        const postRates = readCache ? [] : quick ? [50, 500] : [50, 250, 500, 1000];
        log(`list at ${listRates.join(', ')} req/s; create at ${postRates.join(', ')} req/s`);
        const measured = await runGenerator(
          'http',
          {
            ...common,
            phases: [
              ...listRates.map((rate) => ({ name: 'GET /projects/:id/tasks?limit=50', ...list, rate, warmupMs: 2000, durationMs })),
              ...postRates.map((rate) => ({ name: 'POST /projects/:id/tasks', ...create, rate, warmupMs: 2000, durationMs })),
            ],
          },
          { timeoutMs: 300_000 },
        );
        return [...seeded.phases, ...measured.phases];
      } finally {
        await server.stop();
      }
    },
  },
};
