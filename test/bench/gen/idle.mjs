// Holds many idle WebSocket connections (run pinned to the generator core; several processes share
// the work because each process has its own open-file limit). Opens `paths` at a paced rate from
// `localAddress`, sends each socket's first frame if given, prints "ready {json}" once all are open,
// then holds them until SIGTERM and prints "final {json}" (how many the server closed meanwhile).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientFrame, openRawSocket } from '../lib/ws-wire.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const first = cfg.firstFrameBase64 ? clientFrame(Buffer.from(cfg.firstFrameBase64, 'base64')) : null;
const sockets = [];
let failed = 0;
let lastError = '';
const started = performance.now();
const batch = Math.max(1, Math.round(cfg.openPerSecond / 20));
for (let i = 0; i < cfg.paths.length; i += batch) {
  const t0 = performance.now();
  const opened = await Promise.allSettled(
    cfg.paths.slice(i, i + batch).map((path) => openRawSocket({ port: cfg.port, path, localAddress: cfg.localAddress })),
  );
  for (const r of opened) {
    if (r.status === 'fulfilled') {
      sockets.push(r.value);
      if (first) r.value.send(first);
    } else {
      failed++;
      lastError = String(r.reason?.message ?? r.reason).slice(0, 200);
    }
  }
  await sleep(Math.max(0, 50 - (performance.now() - t0)));
}
await sleep(cfg.settleMs ?? 1000);
const counts = () => ({
  open: sockets.filter((s) => !s.stats.closed).length,
  closedByServer: sockets.filter((s) => s.stats.closed).length,
  answered: sockets.filter((s) => s.stats.frames > 0).length,
  failed,
  lastError,
});
process.stdout.write(`ready ${JSON.stringify({ ...counts(), openSeconds: (performance.now() - started) / 1000 })}\n`);
process.on('SIGTERM', () => {
  process.stdout.write(`final ${JSON.stringify(counts())}\n`);
  for (const s of sockets) s.close();
  process.exit(0);
});
setInterval(() => {}, 60_000);
