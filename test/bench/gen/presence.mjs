// Realtime socket (S5), run pinned to the generator core. (1) Bytes on the wire per cursor
// update: in a document room where 10 users are present, one user moves their caret and another
// counts the bytes that reach it. (2) Reconnect storm: N clients connected and subscribed drop at
// once and all reconnect at once; time until every one is subscribed again.
// Input: JSON config path. Output: one JSON line.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Packr } from 'msgpackr';
import { latencyHistogram } from '../lib/hist.mjs';
import { cpuWindow } from '../lib/proc.mjs';
import { clientFrame, openRawSocket } from '../lib/ws-wire.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const frame = (obj) => clientFrame(packr.pack(obj));

async function waitFor(cond, ms) {
  const until = performance.now() + ms;
  while (!cond() && performance.now() < until) await sleep(5);
  return cond();
}

/** A raw /ws client that decodes what it receives (only used for a few dozen sockets per phase). */
async function client(path, onFrame) {
  const c = { subbed: false, frames: [], socket: null };
  c.socket = await openRawSocket({
    port: cfg.port,
    path,
    onMessage: (payload) => {
      const f = packr.unpack(payload);
      if (f.t === 'subbed') {
        c.subbed = true;
        c.n = f.n;
      }
      onFrame?.(f, payload.length);
    },
  });
  return c;
}

// (1) Cursor bytes.
const sub = frame({ t: 'sub', room: cfg.room });
const present = [];
for (const path of cfg.presencePaths) {
  const c = await client(path);
  c.socket.send(sub);
  present.push(c);
}
await waitFor(() => present.every((c) => c.subbed), 10_000);
for (const [i, c] of present.entries())
  c.socket.send(frame({ t: 'presence', room: cfg.room, state: { viewing: 'doc', cursor: { anchor: i, head: i } } }));
await sleep(1500);
const [mover] = present;
const sentAt = [];
const cursorLatency = latencyHistogram();
let sample = null;
let cursorFrames = 0;
const watcher = await client(cfg.watcherPath, (f, bytes) => {
  if (f.t !== 'presence' && f.t !== 'c') return;
  cursorFrames++;
  sample ??= { frame: f, payloadBytes: bytes };
  const at = sentAt.shift();
  if (at !== undefined) cursorLatency.record(performance.now() - at);
});
watcher.socket.send(sub);
await waitFor(() => watcher.subbed, 5000);
await sleep(1500);
sample = null;
cursorFrames = 0;
sentAt.length = 0;
const bytesBefore = watcher.socket.stats.bytes;
const moves = cfg.cursorMoves;
// The compact cursor frame when the server numbers rooms (`subbed.n`), else a presence frame.
const move = (k) =>
  mover.n !== undefined
    ? frame({ t: 'c', r: mover.n, a: 1000 + k, h: 1000 + k })
    : frame({ t: 'presence', room: cfg.room, state: { viewing: 'doc', cursor: { anchor: 1000 + k, head: 1000 + k } } });
const upstreamBytes = move(0).length;
for (let k = 0; k < moves; k++) {
  sentAt.push(performance.now());
  mover.socket.send(move(k));
  await sleep(1000 / cfg.cursorRate);
}
await sleep(1000);
const cursorBytes = watcher.socket.stats.bytes - bytesBefore;
for (const c of [...present, watcher]) c.socket.close();

// (2) Reconnect storm.
const subscribeAll = async () => {
  const t0 = performance.now();
  const hist = latencyHistogram();
  let failed = 0;
  let lastError = '';
  const clients = await Promise.all(
    cfg.stormPaths.map(async (path) => {
      const start = performance.now();
      try {
        const c = await client(path, (f) => f.t === 'subbed' && hist.record(performance.now() - start));
        c.socket.send(sub);
        return c;
      } catch (err) {
        failed++;
        lastError = String(err.message ?? err).slice(0, 160);
        return null;
      }
    }),
  );
  const live = clients.filter(Boolean);
  await waitFor(() => live.every((c) => c.subbed), 60_000);
  return {
    clients: live,
    failed,
    lastError,
    allSubbedMs: performance.now() - t0,
    subbed: live.filter((c) => c.subbed).length,
    latency: hist.summary(),
  };
};
const first = await subscribeAll();
await sleep(1000);
for (const c of first.clients) c.socket.close();
const stop = cpuWindow(cfg.serverPids);
const storm = await subscribeAll();
const cpu = stop();
for (const c of storm.clients) c.socket.close();

const strip = ({ clients, ...rest }) => rest;
process.stdout.write(
  `${JSON.stringify({
    cursor: {
      moves,
      framesReceived: cursorFrames,
      wireBytes: cursorBytes,
      bytesPerMove: cursorBytes / moves,
      upstreamBytesPerMove: upstreamBytes,
      compact: mover.n !== undefined,
      bytesPerFrame: cursorFrames ? cursorBytes / cursorFrames : Number.NaN,
      sample,
      latency: cursorLatency.summary(),
      presentUsers: present.length + 1,
    },
    firstConnect: strip(first),
    storm: { ...strip(storm), ...cpu },
  })}\n`,
);
process.exit(0);
