// Collaborative document storage (issue 5): durable update throughput and nothing lost on kill -9
// (S8), compaction of a long log (S8), cold loads of large documents (S4), and memory after
// opening and closing 10k documents (S3).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { withPg } from '../lib/db.mjs';
import { buildState, insertDocuments, putSnapshot } from '../lib/documents.mjs';
import { runGenerator } from '../lib/generator.mjs';
import { scrape } from '../lib/metrics.mjs';
import { collectGarbage, rssBytes } from '../lib/proc.mjs';
import { CONTENTION_LIMIT, flags, fmt, table, waits } from '../lib/report.mjs';
import { SERVER_CORE, startTandem } from '../lib/servers.mjs';
import { createDocument, registerUser } from '../lib/tandem-world.mjs';

async function tandemWithOwner(opts = {}) {
  const server = await startTandem(opts);
  const owner = await registerUser(server.url, 'owner');
  const ws = await owner.client.workspaces.create({ name: 'Storage bench' });
  return { server, owner, workspaceId: ws.id };
}

const collabPath = (docId, token) => `/collab/${docId}?token=${encodeURIComponent(token)}`;

async function waitForMetric(url, name, predicate, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const v = (await scrape(url)).get(name);
    if (predicate(v) || Date.now() > until) return v;
    await sleep(250);
  }
}

export const storageScenarios = {
  'durable-log': {
    title: 'S8 — durable updates/s over /collab, and 0 lost on kill -9 (issue 5)',
    goal: '≥ 5k durable updates/s; every acknowledged update survives kill -9.',
    async run({ log, quick }) {
      const shared = { secret: randomBytes(32).toString('hex'), channelPrefix: `bench-${randomBytes(4).toString('hex')}:` };
      const { server, owner, workspaceId } = await tandemWithOwner(shared);
      let restarted = null;
      try {
        const docs = [];
        for (let i = 0; i < 50; i++) docs.push(await createDocument(owner, workspaceId, `Durable ${i}`));
        const editors = (port) => docs.map((docId) => ({ port, path: collabPath(docId, owner.token), docId }));
        const rates = quick ? [5000] : [5000, 10_000];
        const runs = [];
        for (const [i, rate] of rates.entries()) {
          log(`${rate} updates/s over ${docs.length} documents`);
          runs.push(
            await runGenerator('durable', {
              wire: 'y-websocket',
              editors: editors(server.port),
              rate,
              durationMs: 5000,
              ackEveryMs: 100,
              serverPids: [server.pid],
              clientIdBase: 100_000 * (i + 1),
            }),
          );
        }
        log('kill -9 while 2,000 updates/s are in flight');
        const killed = await runGenerator('durable', {
          wire: 'y-websocket',
          editors: editors(server.port),
          rate: 2000,
          durationMs: 8000,
          killAtMs: 3000,
          ackEveryMs: 50,
          serverPids: [server.pid],
          clientIdBase: 900_000,
        });
        restarted = await startTandem({ ...shared, database: server.database });
        const verified = await runGenerator('verify', {
          documents: docs.map((docId) => ({ docId, url: `ws://127.0.0.1:${restarted.port}${collabPath(docId, owner.token)}` })),
          expected: killed.ackedByClient,
        });
        const rows = runs.map((r) => [
          `${fmt.k(r.offeredRate)}/s`,
          `${Math.round(r.durableRate)}/s`,
          r.allAcked ? 'yes' : `**no** (${r.sent - r.acked} unacknowledged)`,
          `${fmt.ms(r.ackLatency.p50)} / ${fmt.ms(r.ackLatency.p99)}`,
          fmt.pct(r.serverCpuPct),
          `${fmt.pct(r.generatorCpuPct)}${flags(r)}`,
          waits(r),
        ]);
        return `Goal: ${this.goal} ${docs.length} documents, one raw editor each, typing open-loop for 5 s at the offered
rate. Every ${100} ms each editor sends a sync step 1; Tandem answers it only after everything that socket sent
before it is committed to the PostgreSQL update log, so "durable/s" counts keystrokes acknowledged as stored,
from the first send to the last acknowledgement. Ack latency: step 1 sent → step 2 received.

${table(['offered', 'durable/s', 'all acknowledged', 'ack p50 / p99 ms', 'server CPU', 'generator CPU', 'waited for CPU'], rows)}

**kill -9:** at 2,000 updates/s the generator SIGKILLed the node 3 s in; ${killed.acked} of ${killed.sent} keystrokes had been
acknowledged. After a restart on the same database a fresh client read all ${verified.documents} documents back:
${verified.present} keystrokes present, **${verified.lost} acknowledged keystrokes lost**.`;
      } finally {
        await restarted?.stop({ keepDatabase: true });
        await server.stop();
      }
    },
  },
  compaction: {
    title: 'S8 — compaction of 20k logged updates (issue 5)',
    goal: 'compacting 20k updates < 200 ms.',
    async run({ log }) {
      const { server, owner, workspaceId } = await tandemWithOwner();
      try {
        const documentId = await createDocument(owner, workspaceId, 'Compaction');
        log('appending 20k keystrokes through the update log, then compacting (pinned to the server core)');
        const r = await runGenerator('storage', { databaseUrl: server.database.url, documentId, updates: 20_000 }, { core: SERVER_CORE });
        return `Goal: ${this.goal} The server's own DocumentUpdateLog and DocumentStore (from the build), pinned to the
server core, against PostgreSQL: 20 authors' keystrokes (${r.updates} updates) appended at once (group commit),
the document loaded cold from its log, the log compacted into one snapshot, the document loaded again.

${table(
  ['step', 'result'],
  [
    ['append (group commit)', `${r.updates} updates in ${fmt.ms(r.appendMs)} ms = ${Math.round(r.appendRate)}/s`],
    ['cold load from the log', `${fmt.ms(r.coldLoadFromLogMs)} ms (${r.charsLoaded} characters)`],
    ['**compaction**', `**${fmt.ms(r.compactMs)} ms** (${r.folded} rows folded, snapshot ${r.snapshotBytes} bytes)`],
    ['cold load from the snapshot', `${fmt.ms(r.coldLoadFromSnapshotMs)} ms`],
    [
      'this process: CPU / waited for CPU',
      `${fmt.pct(r.cpuPct)} / ${fmt.pct(r.waitedForCpuPct)}${r.waitedForCpuPct > CONTENTION_LIMIT ? ' **contended**' : ''}`,
    ],
  ],
)}`;
      } finally {
        await server.stop();
      }
    },
  },
  'cold-load': {
    title: 'S4 — cold load of a 160 KB and a 16 MB document (issue 5)',
    goal: '160 KB < 50 ms, 16 MB < 3 s, no event-loop stall > 100 ms.',
    async run({ log, quick }) {
      const { server, owner, workspaceId } = await tandemWithOwner({ env: { COLLAB_MAX_DOCUMENT_BYTES: String(256 * 1024 * 1024) } });
      try {
        const small = 160 * 1024;
        const sizes = quick ? [small] : [small, 16 * 1024 * 1024];
        const rows = [];
        const coldLoad = async (bytes, label) => {
          const docId = await createDocument(owner, workspaceId, `Cold ${bytes}`);
          const state = buildState(bytes);
          await withPg(server.database.url, (c) => putSnapshot(c, docId, state));
          log(`cold load of ${fmt.mb(state.length)}${label ? ` (${label})` : ''}`);
          await scrape(server.url);
          const r = await runGenerator('open', {
            targets: [{ port: server.port, path: collabPath(docId, owner.token) }],
            concurrency: 1,
            serverPids: [server.pid],
          });
          const after = await scrape(server.url);
          rows.push([
            `${fmt.mb(state.length)}${label ? ` (${label})` : ''}`,
            r.failed ? `failed: ${r.lastError}` : label ? `${fmt.ms(r.latency.max)} ms` : `**${fmt.ms(r.latency.max)} ms**`,
            fmt.mb(r.first[0]?.bytes ?? 0),
            fmt.ms(after.eventLoopMaxMs),
            `${waits(r)}${flags(r)}`,
          ]);
        };
        // The first document a freshly started server decodes runs Yjs before the JIT has compiled
        // it (several times slower); a server in service has long done that. Measured, then shown
        // apart from the goal rows, as are the other warm-up loads (other documents, same size).
        await coldLoad(small, 'first load after start');
        for (let i = 0; i < 4; i++) await coldLoad(small, `warm-up ${i + 1}`);
        for (const bytes of sizes) await coldLoad(bytes);
        return `Goal: ${this.goal} Each document is stored as compaction stores it (one snapshot, in parts of 128 KB
when larger; paragraphs of text in the \`default\` fragment) and is not in memory; a client connects, sends
sync step 1 and the time to the server's sync step 2 (the whole document; a large one comes as update messages
ending with the sync step 2) is measured in the generator. Event-loop max = Tandem's own delay histogram over
the load. The server first loads five other 160 KB documents (the first one right after start, while Yjs is
still being compiled); each measured document is loaded once, from the database.

${table(['document', 'connect → full document', 'bytes up to sync step 2', 'event-loop max ms', 'waited for CPU: server / generator'], rows)}`;
      } finally {
        await server.stop();
      }
    },
  },
  'open-close': {
    title: 'S3 — 10k documents opened then closed: memory back to baseline (issue 5)',
    goal: 'RSS back to baseline ±10% once the documents are closed.',
    async run({ log, quick }) {
      const count = quick ? 2000 : 10_000;
      const { server, owner, workspaceId } = await tandemWithOwner({ nodeArgs: ['--inspect=127.0.0.1:0'] });
      try {
        const state = buildState(2 * 1024);
        const ids = await withPg(server.database.url, (c) => insertDocuments(c, { workspaceId, createdById: owner.userId, count, state }));
        const targets = ids.map((id) => ({ port: server.port, path: collabPath(id, owner.token) }));
        const openMetric = 'tandem_collab_documents_open';
        log('warm-up: 200 documents');
        await runGenerator('open', { targets: targets.slice(0, 200), concurrency: 20 });
        await waitForMetric(server.url, openMetric, (v) => v === 0, 30_000);
        await sleep(2000);
        const measure = async () => {
          const before = { rss: rssBytes(server.pid), heap: (await scrape(server.url)).heapUsed };
          await collectGarbage(server.output);
          return { before, rss: rssBytes(server.pid), heap: (await scrape(server.url)).heapUsed };
        };
        const base = await measure();
        log(`opening and closing ${count} documents, 50 at a time`);
        let peak = base.rss;
        const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.pid))), 200);
        const budgetMs = 240_000;
        const r = await runGenerator('open', { targets, concurrency: 50, serverPids: [server.pid], budgetMs }, { timeoutMs: 600_000 });
        clearInterval(sampler);
        const stillOpen = await waitForMetric(server.url, openMetric, (v) => v === 0, 60_000);
        await sleep(5000);
        const end = await measure();
        const pct = (a, b) => `${a >= b ? '+' : ''}${((100 * (a - b)) / b).toFixed(1)}%`;
        return `Goal: ${this.goal} ${count} documents of ${fmt.mb(state.length)} each (one snapshot row), opened by
raw clients 50 at a time (connect, sync step 1, wait for step 2, close). Baseline after a 200-document warm-up.
Both figures are taken after a full garbage collection forced through the inspector (the server runs with
\`--inspect=127.0.0.1:0\`, otherwise idle): without it V8 keeps the documents' garbage until it needs the
room, and the comparison measures when V8 last collected, not what the server retains. The figures before
that collection are shown too.

${table(
  ['measure', 'value'],
  [
    [
      'opened',
      `${r.opened} (${r.failed} failed${r.lastError ? `: ${r.lastError}` : ''}) in ${r.seconds.toFixed(1)} s, open p50 / p99 ${fmt.ms(r.latency.p50)} / ${fmt.ms(r.latency.p99)} ms`,
    ],
    ['RSS baseline → peak → after close', `${fmt.mb(base.rss)} → ${fmt.mb(peak)} → **${fmt.mb(end.rss)} (${pct(end.rss, base.rss)})**`],
    ['V8 heap used baseline → after close', `${fmt.mb(base.heap)} → ${fmt.mb(end.heap)} (${pct(end.heap, base.heap)})`],
    [
      'before the forced collections: RSS / V8 heap used',
      `${fmt.mb(base.before.rss)} → ${fmt.mb(end.before.rss)} (${pct(end.before.rss, base.before.rss)}) / ${fmt.mb(base.before.heap)} → ${fmt.mb(end.before.heap)} (${pct(end.before.heap, base.before.heap)})`,
    ],
    ['documents still open after close', String(stillOpen)],
    ['waited for CPU while opening: server / generator', `${waits(r)}${flags(r)}`],
  ],
)}`;
      } finally {
        await server.stop();
      }
    },
  },
};
