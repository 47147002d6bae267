// Opens documents over /collab as a client would on first view (connect, sync step 1) and times
// the server's sync step 2 reply: for a document not in memory that is its cold load. Each socket
// closes right after, so the server may unload the document. Input: JSON config path
// ({ targets: [{ port, path }], concurrency, budgetMs? }). Output: one JSON line.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { latencyHistogram } from '../lib/hist.mjs';
import { cpuWindow } from '../lib/proc.mjs';
import { clientFrame, openRawSocket } from '../lib/ws-wire.mjs';
import { dialect } from '../lib/yjs-wire.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const step1 = clientFrame(dialect('y-websocket', '').syncStep1());
const hist = latencyHistogram();
const each = [];
let failed = 0;
let lastError = '';

async function open(target) {
  const t0 = performance.now();
  let done;
  const replied = new Promise((resolve) => (done = resolve));
  const timer = setTimeout(() => done(null), cfg.timeoutMs ?? 30_000);
  let bytes = 0;
  const socket = await openRawSocket({
    port: target.port,
    path: target.path,
    onMessage: (payload) => {
      // A large document may come as update messages ending with the sync step 2: count them all.
      if (payload[0] === 0) bytes += payload.length;
      if (payload[0] === 0 && payload[1] === 1) done(performance.now());
    },
    onClose: () => done(null),
  });
  socket.send(step1);
  const at = await replied;
  clearTimeout(timer);
  socket.close();
  if (at === null) throw new Error('no sync step 2 before the socket closed or timed out');
  hist.record(at - t0);
  if (each.length < 10) each.push({ ms: at - t0, bytes });
}

let next = 0;
const started = performance.now();
const window = cpuWindow(cfg.serverPids ?? []);
await Promise.all(
  Array.from({ length: cfg.concurrency ?? 1 }, async () => {
    // A time budget keeps the run bounded on a slow machine; the report says how many were opened.
    while (next < cfg.targets.length && performance.now() - started < (cfg.budgetMs ?? Number.POSITIVE_INFINITY)) {
      const t = cfg.targets[next++];
      try {
        await open(t);
      } catch (err) {
        failed++;
        lastError = String(err.message ?? err).slice(0, 200);
      }
    }
  }),
);
const cpu = window();
process.stdout.write(
  `${JSON.stringify({ ...cpu, opened: next - failed, attempted: next, failed, lastError, seconds: (performance.now() - started) / 1000, latency: hist.summary(), first: each })}\n`,
);
process.exit(0);
