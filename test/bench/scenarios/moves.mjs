// Board moves (issue 18): what one card move costs the node when boards are quiet, and how a hot
// spot behaves, where every mover computes the same rank (the ends of one board's three columns).
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds } from '../lib/proc.mjs';
import { fmt, table } from '../lib/report.mjs';
import { startTandem } from '../lib/servers.mjs';
import { registerUser } from '../lib/tandem-world.mjs';

const WARMUP_MS = 3000;

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/** A project with `tasks` cards in its first column, and its column ids. */
async function board(owner, workspaceId, n, tasks) {
  const project = await owner.client.tracking.projects.create(workspaceId, { name: `Board ${n}`, key: `MV${n}` });
  const columns = (await owner.client.tracking.statuses.list(project.id)).items.map((s) => s.id);
  const ids = [];
  for (let i = 0; i < tasks; i++) ids.push((await owner.client.tracking.tasks.create(project.id, { title: `Card ${i}` })).id);
  return { columns, ids };
}

/**
 * `movers` closed loops, mover i on boards[i % boards.length]: each moves a random card of its board
 * to the end of a random column, as soon as its last move was answered.
 */
async function measure(server, token, boards, movers, durationMs) {
  const latencies = [];
  const statuses = {};
  let measuring = false;
  let stop = false;
  const loop = async (i) => {
    const { columns, ids } = boards[i % boards.length];
    while (!stop) {
      const started = performance.now();
      const res = await fetch(`${server.url}/api/v1/tasks/${ids[Math.floor(Math.random() * ids.length)]}/move`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: columns[Math.floor(Math.random() * columns.length)] }),
      });
      await res.arrayBuffer();
      if (measuring) {
        latencies.push(performance.now() - started);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }
  };
  const loops = Array.from({ length: movers }, (_, i) => loop(i));
  await sleep(WARMUP_MS);
  measuring = true;
  const cpu0 = cpuSeconds(server.pid);
  const t0 = Date.now();
  await sleep(durationMs);
  measuring = false;
  const ms = Date.now() - t0;
  const cpu = ((cpuSeconds(server.pid) - cpu0) * 1000) / ms;
  stop = true;
  await Promise.all(loops);
  latencies.sort((a, b) => a - b);
  return { rate: (latencies.length / ms) * 1000, p50: pct(latencies, 50), p99: pct(latencies, 99), statuses, cpu };
}

export const movesScenarios = {
  moves: {
    title: 'Board moves — a move’s cost on quiet boards, and a hot spot (issue 18)',
    goal: 'A move costs the node as little as one read and one write; a hot spot queues instead of failing.',
    async run({ log, quick }) {
      const durationMs = quick ? 5000 : 15_000;
      const server = await startTandem();
      try {
        const owner = await registerUser(server.url, 'owner');
        const ws = await owner.client.workspaces.create({ name: 'Moves bench' });
        log('seeding 4 boards of 20 cards and one of 60');
        const quiet = [];
        for (let n = 0; n < 4; n++) quiet.push(await board(owner, ws.id, n, 20));
        const hot = await board(owner, ws.id, 9, 60);
        log('4 movers, one board each');
        const spread = await measure(server, owner.token, quiet, 4, durationMs);
        log('32 movers on one board, to the ends of its 3 columns');
        const crowded = await measure(server, owner.token, [hot], 32, durationMs);
        const row = (label, r) => [
          label,
          Math.round(r.rate).toString(),
          `${fmt.ms(r.p50)} / ${fmt.ms(r.p99)}`,
          Object.entries(r.statuses)
            .map(([s, c]) => `${s}: ${c}`)
            .join(', '),
          fmt.pct(r.cpu * 100),
          r.rate > 0 ? `${((r.cpu * 1000) / r.rate).toFixed(2)} ms` : '–',
        ];
        return `Goal: ${this.goal} One Tandem process on core 0 (PostgreSQL and Redis shared); the movers
(closed loops: the next move as soon as the last was answered, \`POST /tasks/:id/move\` of a random card
to the end of a random column) in the runner on core 1. ${WARMUP_MS / 1000} s warm-up, ${durationMs / 1000} s measured.

${table(['movers', 'moves/s', 'p50 / p99 ms', 'statuses', 'Tandem CPU', 'Tandem CPU per move'], [row('4, one quiet board each', spread), row('32 on one board (3 columns)', crowded)])}

On a quiet board a move is one read (the task, its access, the target column and the neighbours'
ranks) and one write, with no transaction. Where moves clash (the same rank taken first), the move is
placed again under the column's lock, and the column's next moves on that node take the lock at once.`;
      } finally {
        await server.stop();
      }
    },
  },
};
