// Load generator for one collaborative room (run pinned to its own core by the runner):
// N raw editors type pre-encoded keystrokes open-loop at a fixed rate, a few full Y.Doc observers
// measure edit→remote latency, and the server's CPU is read from /proc over the measured window.
// Input: path of a JSON config file. Output: one JSON line on stdout.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { latencyHistogram } from '../lib/hist.mjs';
import { openObserver } from '../lib/observer.mjs';
import { cpuWindow } from '../lib/proc.mjs';
import { clientFrame, openRawSocket } from '../lib/ws-wire.mjs';
import { dialect, prepareTyping } from '../lib/yjs-wire.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { editors: editorTargets, observers: observerTargets, ratePerEditor, warmupMs, measureMs, drainMs = 5000 } = cfg;
const wire = dialect(cfg.wire, cfg.docName);
const N = editorTargets.length;
const strokesPerEditor = Math.ceil((ratePerEditor * (warmupMs + measureMs)) / 1000) + 2;

// Everything on the wire is built before the clock starts.
const typing = editorTargets.map((_, i) => prepareTyping(cfg.clientIdBase + i, strokesPerEditor));
const ledger = new Map(
  typing.map((t) => [t.clientId, { toClock: t.strokes.map((s) => s.toClock), sentAt: new Float64Array(t.strokes.length) }]),
);
const frames = typing.map((t) => ({
  greeting: [...wire.hello(), wire.syncStep1(), wire.update(t.opening)].map((m) => clientFrame(m)),
  strokes: t.strokes.map((s) => clientFrame(wire.update(s.update))),
}));

const latency = latencyHistogram();
const lag = latencyHistogram();
let measuring = false;

async function inBatches(items, size, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

async function waitFor(cond, ms) {
  const until = performance.now() + ms;
  while (!cond() && performance.now() < until) await sleep(20);
  return cond();
}

// Only keystrokes sent inside the window carry a positive send time, and they count even when they
// arrive after it (a backlog must show in the latency, not vanish from it).
const observers = observerTargets.map((t) => openObserver({ url: t.url, wire, ledger, record: (ms) => latency.record(ms) }));
await Promise.all(observers.map((o) => o.opened));
if (!(await waitFor(() => observers.every((o) => o.stats.synced), 10_000))) throw new Error('observers did not sync');

const sockets = await inBatches(editorTargets, 25, (t) => openRawSocket({ port: t.port, path: t.path, localAddress: t.localAddress }));
sockets.forEach((s, i) => {
  for (const f of frames[i].greeting) s.send(f);
});
// Every observer holds every editor's paragraph before typing starts.
await waitFor(() => observers.every((o) => o.doc.getXmlFragment('default').length >= N), 15_000);

const sentPerEditor = new Int32Array(N);
const totalRate = N * ratePerEditor;
let sent = 0;
let sentInWindow = 0;
const start = performance.now();
const windowStart = start + warmupMs;
const end = windowStart + measureMs;
let stopWindow = null;
let framesAtStart = 0;
const framesNow = () => sockets.reduce((n, s) => n + s.stats.frames, 0) + observers.reduce((n, o) => n + o.stats.frames, 0);

await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now();
    if (!measuring && now >= windowStart && now < end) {
      measuring = true;
      framesAtStart = framesNow();
      stopWindow = cpuWindow(cfg.serverPids);
    }
    const due = Math.min(Math.floor(((Math.min(now, end) - start) * totalRate) / 1000), N * (strokesPerEditor - 1));
    while (sent < due) {
      const i = sent % N;
      const k = sentPerEditor[i]++;
      const scheduled = start + (sent * 1000) / totalRate;
      const at = performance.now();
      const inWindow = scheduled >= windowStart;
      ledger.get(typing[i].clientId).sentAt[k] = inWindow ? at : -at;
      sockets[i].send(frames[i].strokes[k]);
      if (inWindow) {
        lag.record(at - scheduled);
        sentInWindow++;
      }
      sent++;
    }
    if (now >= end) return resolve();
    setTimeout(tick, 1);
  };
  tick();
});
const cpu = stopWindow();
const framesInWindow = framesNow() - framesAtStart;
await waitFor(() => observers.every((o) => o.stats.keystrokes >= sent), drainMs);

const receivers = N + observers.length - 1;
const result = {
  editors: N,
  observers: observers.length,
  ratePerEditor,
  sent,
  sentInWindow,
  latency: latency.summary(),
  generatorLagMs: lag.summary(),
  ...cpu,
  framesDeliveredPerSec: framesInWindow / cpu.seconds,
  // Each keystroke is owed to every other client in the room, whatever framing the server chose.
  updateDeliveriesPerSec: (sentInWindow * receivers) / cpu.seconds,
  serverCpuMicrosPerDelivery: (1e6 * cpu.serverCpuSeconds) / (sentInWindow * receivers),
  lostAtObservers: Math.max(...observers.map((o) => sent - o.stats.keystrokes)),
  observerTextLengths: observers.map((o) => o.textLength()),
  expectedTextLength: sent,
  editorSocketsClosed: sockets.filter((s) => s.stats.closed).length,
  observerErrors: observers.reduce((n, o) => n + o.stats.errors, 0),
};
for (const o of observers) o.close();
for (const s of sockets) s.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
