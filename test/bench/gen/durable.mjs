// Durable-write load (run pinned to the generator core): one raw editor per document types open-
// loop at a fixed total rate and, every `ackEveryMs`, sends a sync step 1. Tandem answers a step 1
// only once everything that socket sent before it is committed to the update log, so each reply
// acknowledges a known number of keystrokes as durable. With `killAtMs` the generator SIGKILLs the
// server mid-stream and reports what had been acknowledged, for a later check that none of it is lost.
// Input: path of a JSON config file. Output: one JSON line on stdout.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { latencyHistogram } from '../lib/hist.mjs';
import { cpuWindow } from '../lib/proc.mjs';
import { clientFrame, openRawSocket } from '../lib/ws-wire.mjs';
import { dialect, prepareTyping } from '../lib/yjs-wire.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const wire = dialect(cfg.wire, '');
const N = cfg.editors.length;
const strokes = Math.ceil((cfg.rate / N) * (cfg.durationMs / 1000)) + 2;
const step1 = clientFrame(wire.syncStep1());
const ackLatency = latencyHistogram();

const editors = await Promise.all(
  cfg.editors.map(async (target, i) => {
    const typing = prepareTyping(cfg.clientIdBase + i, strokes);
    const e = {
      clientId: typing.clientId,
      docId: target.docId,
      frames: typing.strokes.map((s) => clientFrame(wire.update(s.update))),
      sent: 0,
      acked: -1,
      markers: [],
      socket: null,
    };
    e.socket = await openRawSocket({
      port: target.port,
      path: target.path,
      onMessage: (payload) => {
        // y-websocket sync step 2 = [0, 1, …]: the reply to our step 1.
        if (payload[0] !== 0 || payload[1] !== 1) return;
        const m = e.markers.shift();
        if (!m) return;
        e.acked = m.sent;
        ackLatency.record(performance.now() - m.at);
      },
    });
    for (const f of wire.hello()) e.socket.send(clientFrame(f));
    e.socket.send(clientFrame(wire.update(typing.opening)));
    e.markers.push({ sent: 0, at: performance.now() });
    e.socket.send(step1);
    return e;
  }),
);

async function waitFor(cond, ms) {
  const until = performance.now() + ms;
  while (!cond() && performance.now() < until) await sleep(10);
  return cond();
}
if (!(await waitFor(() => editors.every((e) => e.acked === 0), 20_000))) throw new Error('documents did not open');

const alive = (e) => !e.socket.stats.closed;
const mark = (e) => {
  if (!alive(e) || e.markers.at(-1)?.sent === e.sent) return;
  e.markers.push({ sent: e.sent, at: performance.now() });
  e.socket.send(step1);
};

const stop = cpuWindow(cfg.serverPids);
const start = performance.now();
const end = start + cfg.durationMs;
let sent = 0;
let killedAt = null;
let lastMark = start;
await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now();
    if (cfg.killAtMs !== undefined && killedAt === null && now - start >= cfg.killAtMs) {
      for (const pid of cfg.serverPids) process.kill(pid, 'SIGKILL');
      killedAt = now;
    }
    const due = Math.floor(((Math.min(now, end) - start) * cfg.rate) / 1000);
    while (sent < due) {
      const e = editors[sent % N];
      if (alive(e) && e.sent < e.frames.length) e.socket.send(e.frames[e.sent++]);
      sent++;
    }
    if (now - lastMark >= cfg.ackEveryMs) {
      lastMark = now;
      for (const e of editors) mark(e);
    }
    if (now >= end || (killedAt !== null && now - killedAt > 500)) return resolve();
    setTimeout(tick, 1);
  };
  tick();
});
const sendSeconds = (performance.now() - start) / 1000;
for (const e of editors) mark(e);
const allAcked = () => editors.every((e) => !alive(e) || e.acked === e.sent);
await waitFor(allAcked, killedAt === null ? 30_000 : 2000);
const durableSeconds = (performance.now() - start) / 1000;
const cpu = killedAt === null ? stop() : null;
const totalSent = editors.reduce((n, e) => n + e.sent, 0);
const totalAcked = editors.reduce((n, e) => n + Math.max(0, e.acked), 0);
process.stdout.write(
  `${JSON.stringify({
    documents: N,
    offeredRate: cfg.rate,
    sent: totalSent,
    acked: totalAcked,
    sendSeconds,
    durableSeconds,
    durableRate: totalAcked / durableSeconds,
    allAcked: allAcked(),
    ackLatency: ackLatency.summary(),
    killed: killedAt !== null,
    socketsClosed: editors.filter((e) => !alive(e)).length,
    ackedByClient: Object.fromEntries(editors.map((e) => [e.clientId, { docId: e.docId, acked: Math.max(0, e.acked), sent: e.sent }])),
    ...(cpu ?? {}),
  })}\n`,
);
for (const e of editors) e.socket.close();
process.exit(0);
