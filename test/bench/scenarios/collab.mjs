// Collaborative rooms (issue 5): edit→remote latency and server CPU for one document under many
// editors, Tandem against both anchors with the same generator.
import { runGenerator } from '../lib/generator.mjs';
import { flags, fmt, table, waits } from '../lib/report.mjs';
import { openTandem, openTarget } from '../lib/targets.mjs';

const OBSERVERS = 5;
const KINDS = ['tandem', 'y-websocket', 'hocuspocus'];

async function measureRoom(target, { editors, rate, warmupMs, measureMs }) {
  const room = await target.room(editors, OBSERVERS);
  return runGenerator('room', {
    ...room,
    ratePerEditor: rate,
    warmupMs,
    measureMs,
    serverPids: target.pids,
    clientIdBase: 10_000 + Math.floor(Math.random() * 1e6),
  });
}

/** Runs `rows` against each server kind (one server process per kind, a fresh document per row). */
async function sweep(kinds, rows, opts, log) {
  const results = {};
  for (const kind of kinds) {
    results[kind] = [];
    let target;
    try {
      target = await openTarget(kind, { maxClients: Math.max(...rows.map((r) => r.editors)) + OBSERVERS });
      for (const row of rows) {
        log(`${kind}: ${row.editors} editors × ${row.rate}/s`);
        try {
          results[kind].push({ row, name: target.name, r: await measureRoom(target, { ...opts, ...row }) });
        } catch (err) {
          results[kind].push({ row, name: target.name, error: String(err.message ?? err).split('\n')[0] });
        }
      }
    } catch (err) {
      for (const row of rows)
        results[kind].push({ row, name: kind, error: `could not start: ${String(err.message ?? err).split('\n')[0]}` });
    } finally {
      await target?.stop();
    }
  }
  return results;
}

const S2_ROUNDS = 7;
const S2_WARMUP_ROOM_MS = 10_000;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Starts every server kind at once, warms each up with an unmeasured room (JIT, first GCs, pools),
 * then measures `rounds` rounds, each server in turn within a round, so a noisy spell of the
 * machine lands on all of them alike. Returns per kind the rounds and their medians.
 */
async function interleavedRounds(kinds, row, { rounds, measureMs }, log) {
  const targets = {};
  const out = {};
  try {
    for (const kind of kinds) {
      try {
        targets[kind] = await openTarget(kind, { maxClients: row.editors + OBSERVERS });
        out[kind] = { name: targets[kind].name, rounds: [] };
      } catch (err) {
        out[kind] = { name: kind, rounds: [], error: `could not start: ${String(err.message ?? err).split('\n')[0]}` };
      }
    }
    for (const kind of kinds) {
      if (!targets[kind]) continue;
      log(`${kind}: warm-up room`);
      await measureRoom(targets[kind], { ...row, warmupMs: S2_WARMUP_ROOM_MS, measureMs: 1000 }).catch(() => undefined);
    }
    for (let i = 0; i < rounds; i++) {
      for (const kind of kinds) {
        if (!targets[kind] || out[kind].error) continue;
        log(`${kind}: round ${i + 1} of ${rounds}, ${row.editors} editors × ${row.rate}/s`);
        try {
          out[kind].rounds.push(await measureRoom(targets[kind], { ...row, warmupMs: 3000, measureMs }));
        } catch (err) {
          out[kind].error = String(err.message ?? err).split('\n')[0];
        }
      }
    }
  } finally {
    for (const t of Object.values(targets)) await t.stop();
  }
  for (const e of Object.values(out)) {
    if (e.error || e.rounds.length === 0) continue;
    e.p50 = median(e.rounds.map((r) => r.latency.p50));
    e.p99 = median(e.rounds.map((r) => r.latency.p99));
    e.serverCpuPct = median(e.rounds.map((r) => r.serverCpuPct));
    e.generatorCpuPct = median(e.rounds.map((r) => r.generatorCpuPct));
  }
  return out;
}

const lossNote = (r) => (r.lostAtObservers > 0 ? `, **${r.lostAtObservers} lost**` : '');

function cell(entry) {
  if (!entry) return '–';
  if (entry.error) return `failed: ${entry.error}`;
  const r = entry.r;
  return `${fmt.ms(r.latency.p50)} / ${fmt.ms(r.latency.p99)} ms, ${fmt.pct(r.serverCpuPct)} (gen ${fmt.pct(r.generatorCpuPct)})${flags(r)}${lossNote(r)}`;
}

function detailRows(results, order = KINDS) {
  const rows = [];
  for (const kind of order) {
    for (const e of results[kind] ?? []) {
      if (!e.r) continue;
      const r = e.r;
      rows.push([
        e.name,
        `${r.editors} × ${r.ratePerEditor}/s`,
        `${fmt.ms(r.latency.p50)} / ${fmt.ms(r.latency.p90)} / ${fmt.ms(r.latency.p99)} / ${fmt.ms(r.latency.max)}`,
        fmt.k(r.updateDeliveriesPerSec),
        fmt.k(r.framesDeliveredPerSec),
        fmt.pct(r.serverCpuPct),
        fmt.us(r.serverCpuMicrosPerDelivery),
        `${fmt.pct(r.generatorCpuPct)}${flags(r)}`,
        waits(r),
        fmt.ms(r.generatorLagMs.p99),
        String(r.lostAtObservers),
      ]);
    }
  }
  return table(
    [
      'server',
      'editors',
      'p50 / p90 / p99 / max ms',
      'update deliveries/s',
      'frames/s',
      'server CPU',
      'server µs per delivery',
      'generator CPU',
      'waited for CPU: server / generator',
      'send lag p99 ms',
      'lost',
    ],
    rows,
  );
}

const METHOD = `Raw editors send pre-encoded keystroke updates (one character into their own paragraph of the
\`default\` XML fragment) open-loop, round-robin at a fixed per-editor rate, after a y-websocket
sync step 1; ${OBSERVERS} full Y.Doc observers measure edit→remote latency (send time recorded by the
sender, arrival by the observer, same process, one clock; merged updates are matched by client and
clock range). "Update deliveries" counts each keystroke once per other client in the room, however
the server framed it (the observers check that every keystroke reaches them); Tandem merges a busy
room's updates into one frame per flush window and does not echo a lone author's edits, so its
frames/s can be far below its deliveries/s; server µs per delivery = server CPU seconds ÷ update
deliveries. "Lost" = keystrokes an observer had not received 5 s after the last send (dropped, or
later than that). Tandem runs with auth (every client its own user and token), authorization, its
durable log and Redis on; the anchors bare.`;

export const collabScenarios = {
  'collab-s2': {
    title: 'S2 — one document, 50 editors × 5 keystrokes/s (issue 5)',
    goal: 'Tandem p99 ≤ 15 ms and ≥ 1.5× lower than both anchors.',
    async run({ log, quick }) {
      const rounds = quick ? 2 : S2_ROUNDS;
      const measureMs = quick ? 5000 : 10_000;
      const results = await interleavedRounds(['relay-floor', ...KINDS], { editors: 50, rate: 5 }, { rounds, measureMs }, log);
      const t = results.tandem;
      const summary = table(
        [
          'server',
          'edit→remote p50 / p99 (median of rounds)',
          'p99 of each round',
          'server CPU (generator CPU)',
          'anchor p99 ÷ Tandem p99',
        ],
        Object.entries(results).map(([kind, e]) => [
          e.name,
          e.error ? `failed: ${e.error}` : `${fmt.ms(e.p50)} / ${fmt.ms(e.p99)} ms`,
          e.rounds.map((r) => fmt.ms(r.latency.p99)).join(', '),
          e.error ? '' : `${fmt.pct(e.serverCpuPct)} (gen ${fmt.pct(e.generatorCpuPct)})`,
          KINDS.includes(kind) && kind !== 'tandem' && t?.p99 && e.p99 ? `${(e.p99 / t.p99).toFixed(2)}×` : '',
        ]),
      );
      const anchorsBest = Math.min(...KINDS.filter((k) => k !== 'tandem').map((k) => results[k]?.p99 ?? Number.POSITIVE_INFINITY));
      const floor = results['relay-floor']?.p99;
      const reach =
        Number.isFinite(anchorsBest) && floor
          ? `For the ratio, Tandem's p99 would have to be at most ${fmt.ms(anchorsBest / 1.5)} ms (the better anchor's ${fmt.ms(anchorsBest)} ms ÷ 1.5); the floor, which does no work at all, measured ${fmt.ms(floor)} ms.`
          : '';
      const detail = detailRows(
        Object.fromEntries(Object.entries(results).map(([k, e]) => [k, e.rounds.map((r) => ({ name: e.name, r }))])),
        ['relay-floor', ...KINDS],
      );
      return `Goal: ${this.goal} Each server first serves a ${S2_WARMUP_ROOM_MS / 1000} s warm-up room (not measured); then ${rounds} rounds of ${measureMs / 1000} s (after a 3 s warm-up, each in a fresh document) go to the servers in turn, all servers running side by side (idle while another is measured). The median of the rounds is quoted: single runs of the same server vary by up to 2× at p99 on this machine (see the rounds, and the floor).

The floor is a bare \`ws\` relay that forwards each update's bytes to the room and keeps no document: what the machine and the generator cost with no server work at all.

${summary}

${reach}

${detail}

${METHOD}`;
    },
  },
  'collab-table': {
    title: 'One room, N editors × 1 edit/s, N = 100…400 (BENCHMARKS.md table; S2b = the 400 row)',
    goal: 'Tandem at 400 editors: ≤ 50% of a core, p99 < 30 ms (S2b: p99 < 100 ms), ≤ 3.5 µs server CPU per delivered update.',
    async run({ log, quick }) {
      const measureMs = quick ? 5000 : 10_000;
      const counts = quick ? [100, 400] : [100, 200, 300, 400];
      const results = await sweep(
        KINDS,
        counts.map((editors) => ({ editors, rate: 1 })),
        { warmupMs: 3000, measureMs },
        log,
      );
      const rows = counts.map((n, i) => [
        String(n),
        fmt.k(results.tandem?.[i]?.r?.updateDeliveriesPerSec ?? 0),
        ...KINDS.map((k) => cell(results[k]?.[i])),
        fmt.us(results.tandem?.[i]?.r?.serverCpuMicrosPerDelivery),
      ]);
      const summary = table(
        ['editors', 'deliveries/s', ...KINDS.map((k) => `${results[k]?.[0]?.name ?? k}: p50 / p99, server CPU`), 'Tandem µs/delivery'],
        rows,
      );
      return `Goal: ${this.goal} Measured over ${measureMs / 1000} s per row after a 3 s warm-up.\n\n${summary}\n\n${detailRows(results)}\n\n${METHOD}`;
    },
  },
  'collab-two-nodes': {
    title: 'S6 — one room split over 2 Tandem nodes via Redis (issue 4/5)',
    goal: 'p50 over two nodes ≤ one node + 2 ms.',
    async run({ log, quick }) {
      const measureMs = quick ? 5000 : 10_000;
      const row = { editors: 100, rate: 1 };
      const out = [];
      for (const nodes of [1, 2]) {
        log(`tandem, ${nodes} node(s)`);
        const target = await openTandem(row.editors + OBSERVERS, { nodes });
        try {
          out.push({ nodes, r: await measureRoom(target, { ...row, warmupMs: 3000, measureMs }) });
        } catch (err) {
          out.push({ nodes, error: String(err.message ?? err).split('\n')[0] });
        } finally {
          await target.stop();
        }
      }
      const rows = out.map((e) =>
        e.r
          ? [
              String(e.nodes),
              `${fmt.ms(e.r.latency.p50)} / ${fmt.ms(e.r.latency.p99)}`,
              fmt.pct(e.r.serverCpuPct),
              `${fmt.pct(e.r.generatorCpuPct)}${flags(e.r)}`,
              waits(e.r),
              String(e.r.lostAtObservers),
            ]
          : [String(e.nodes), `failed: ${e.error}`, '', '', '', ''],
      );
      const [one, two] = out;
      const delta = one?.r && two?.r ? `p50 difference: ${(two.r.latency.p50 - one.r.latency.p50).toFixed(2)} ms.` : '';
      return `Goal: ${this.goal} ${row.editors} editors × ${row.rate}/s, editors and observers alternate between the nodes (both nodes pinned to core 0; server CPU is their sum). ${delta}\n\n${table(['nodes', 'p50 / p99 ms', 'server CPU', 'generator CPU', 'waited for CPU', 'lost'], rows)}`;
    },
  },
};
