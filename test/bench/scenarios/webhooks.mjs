// Webhooks (issue 14): delivery lag from a real receiver in this process, and the producing REST
// requests' latency with and without a webhook listening.
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { withPg } from '../lib/db.mjs';
import { runGenerator } from '../lib/generator.mjs';
import { cpuSeconds } from '../lib/proc.mjs';
import { flags, fmt, table, waits } from '../lib/report.mjs';
import { startTandem } from '../lib/servers.mjs';
import { registerUser } from '../lib/tandem-world.mjs';

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/** A receiver that records, per delivery, now − the event's createdAt (one clock: same machine). */
async function startReceiver() {
  const lags = [];
  const ids = new Set();
  let duplicates = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (ids.has(body.id)) duplicates++;
      ids.add(body.id);
      lags.push(Date.now() - Date.parse(body.createdAt));
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    lags,
    get count() {
      return ids.size;
    },
    get duplicates() {
      return duplicates;
    },
    reset() {
      lags.length = 0;
      ids.clear();
      duplicates = 0;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

function restRow(p, label) {
  return [
    label,
    `${p.targetRate}/s`,
    Math.round(p.achievedRate).toString(),
    `${fmt.ms(p.latency.p50)} / ${fmt.ms(p.latency.p99)} / ${fmt.ms(p.latency.max)}`,
    Object.entries(p.statuses)
      .map(([s, c]) => `${s === '0' ? 'network error' : s}: ${c}`)
      .join(', '),
    fmt.pct(p.serverCpuPct),
    `${fmt.pct(p.generatorCpuPct)}${flags(p)}`,
    waits(p),
  ];
}

export const webhookScenarios = {
  webhooks: {
    title: 'Webhooks — delivery lag at 1,000 events/s, and the producing REST requests with and without a webhook (issue 14)',
    goal: '1,000 events/s delivered with lag p99 < 2 s; the producing requests’ p99 within ±10% of a run without webhooks.',
    async run({ log, quick }) {
      const durationMs = quick ? 5000 : 10_000;
      const receiver = await startReceiver();
      const server = await startTandem({ env: { TANDEM_WEBHOOK_ALLOW_PRIVATE: 'true' } });
      try {
        const owner = await registerUser(server.url, 'owner');
        const ws = await owner.client.workspaces.create({ name: 'Webhook bench' });
        const project = await owner.client.http.request('POST', `/api/v1/workspaces/${ws.id}/projects`, {
          body: { name: 'Bench', key: 'BEN' },
        });
        const common = { port: server.port, token: owner.token, serverPids: [server.pid], connections: 32 };
        const create = {
          name: 'POST /projects/:id/tasks',
          method: 'POST',
          path: `/api/v1/projects/${project.id}/tasks`,
          body: { title: 'Task {{n}}' },
        };
        const REST_RATE = 40;

        log(`REST create at ${REST_RATE}/s without a webhook`);
        const without = (await runGenerator('http', { ...common, phases: [{ ...create, rate: REST_RATE, warmupMs: 2000, durationMs }] }))
          .phases[0];

        await owner.client.identity.webhooks.create(ws.id, { url: receiver.url, events: ['*'] });
        receiver.reset();
        log(`REST create at ${REST_RATE}/s with a webhook on every event`);
        const withHook = (await runGenerator('http', { ...common, phases: [{ ...create, rate: REST_RATE, warmupMs: 2000, durationMs }] }))
          .phases[0];
        await sleep(3000);
        const restLags = [...receiver.lags].sort((a, b) => a - b);
        const restDelivered = receiver.count;

        // 1,000 events/s: activity entries written straight into PostgreSQL in batches of 100 every
        // 100 ms (the REST path of this machine creates ~100 tasks/s on one core, see the REST section),
        // each queuing its delivery through the same trigger as an API change.
        receiver.reset();
        const seconds = durationMs / 1000;
        const total = 1000 * seconds;
        log(`outbox: ${total} events at 1,000/s`);
        const cpuBefore = cpuSeconds(server.pid) * 1000;
        const t0 = Date.now();
        await withPg(server.database.url, async (c) => {
          for (let i = 0; i < seconds * 10; i++) {
            const due = t0 + i * 100;
            const wait = due - Date.now();
            if (wait > 0) await sleep(wait);
            await c.query(
              `INSERT INTO "ActivityEvent" (id, "workspaceId", "projectId", "actorId", action, changes)
               SELECT gen_random_uuid(), $1::uuid, $2::uuid, $3::uuid, 'task.updated', '{"title":{"from":"a","to":"b"}}'::jsonb
               FROM generate_series(1, 100)`,
              [ws.id, project.id, owner.userId],
            );
          }
        });
        const produceMs = Date.now() - t0;
        const deadline = Date.now() + 60_000;
        while (receiver.count < total && Date.now() < deadline) await sleep(50);
        const drainMs = Date.now() - t0;
        const cpuAfter = cpuSeconds(server.pid) * 1000;
        const lags = [...receiver.lags].sort((a, b) => a - b);
        const serverCpuPct = ((cpuAfter - cpuBefore) / drainMs) * 100;

        const ratio = withHook.latency.p99 / without.latency.p99;
        return `Goal: ${this.goal} One Tandem process on core 0 (PostgreSQL and Redis shared), the generator and a
node:http receiver (answers 200 at once) on core 1. Lag = arrival at the receiver − the event's \`createdAt\`
(the activity entry's commit-time timestamp; same machine clock).

**Producing requests** (open loop, ${durationMs / 1000} s after a 2 s warm-up; ${REST_RATE}/s is what task creation
sustains on this machine with room to spare, see the REST section):

${table(['run', 'offered', 'achieved req/s', 'p50 / p99 / max ms', 'statuses', 'server CPU', 'generator CPU', 'waited for CPU'], [restRow(without, 'no webhook'), restRow(withHook, 'webhook on `*`')])}

p99 with the webhook ÷ without: **${ratio.toFixed(2)}**. Deliveries of those task.created events: ${restDelivered};
lag p50 / p99 / max ${fmt.ms(pct(restLags, 50))} / ${fmt.ms(pct(restLags, 99))} / ${fmt.ms(restLags.at(-1))} ms.

**Outbox at 1,000 events/s** for ${seconds} s (${total} events; produced in ${(produceMs / 1000).toFixed(1)} s):
delivered ${receiver.count} (${receiver.duplicates} duplicates) in ${(drainMs / 1000).toFixed(1)} s;
lag p50 / p90 / p99 / max **${fmt.ms(pct(lags, 50))} / ${fmt.ms(pct(lags, 90))} / ${fmt.ms(pct(lags, 99))} / ${fmt.ms(lags.at(-1))} ms**;
server CPU ${serverCpuPct.toFixed(0)}% of a core over the run.`;
      } finally {
        await server.stop();
        await receiver.close();
      }
    },
  },
};
