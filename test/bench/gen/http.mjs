// Open-loop HTTP load (run pinned to the generator core): each phase sends one request shape at a
// fixed rate over a pool of keep-alive connections. Latency is taken from the moment a request was
// due, so time spent waiting for a free connection (the server being slow) counts against it.
// Input: path of a JSON config file. Output: one JSON line on stdout.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { latencyHistogram } from '../lib/hist.mjs';
import { cpuWindow } from '../lib/proc.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let agent = new Agent({ keepAlive: true, maxSockets: cfg.connections ?? 64 });

function send(phase, n, signal) {
  const body = phase.body ? JSON.stringify(phase.body).replaceAll('{{n}}', String(n)) : undefined;
  const headers = { authorization: `Bearer ${cfg.token}`, accept: 'application/json' };
  if (body) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(body);
  }
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: cfg.port, method: phase.method, path: phase.path, agent, headers, signal }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function runPhase(phase) {
  const latency = latencyHistogram();
  const statuses = {};
  const rate = phase.rate;
  const start = performance.now();
  const windowStart = start + phase.warmupMs;
  const end = windowStart + phase.durationMs;
  let due = 0;
  let sent = 0;
  let inFlight = 0;
  let measuring = false;
  let stop = null;
  let completedInWindow = 0;
  let countedDone = 0;
  let countedSent = 0;
  let draining = true;
  const abandon = new AbortController();
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!measuring && now >= windowStart) {
        measuring = true;
        stop = cpuWindow(cfg.serverPids);
      }
      due = Math.floor(((Math.min(now, end) - start) * rate) / 1000);
      while (sent < due) {
        const scheduled = start + (sent * 1000) / rate;
        const counted = scheduled >= windowStart;
        if (counted) countedSent++;
        const n = sent++;
        inFlight++;
        void send(phase, n, abandon.signal).then((status) => {
          inFlight--;
          const at = performance.now();
          if (measuring && at <= end) completedInWindow++;
          if (!counted || draining === false) return;
          latency.record(at - scheduled);
          statuses[status] = (statuses[status] ?? 0) + 1;
          countedDone++;
        });
      }
      if (now >= end) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  const cpu = stop();
  const drainUntil = performance.now() + 10_000;
  while (inFlight > 0 && performance.now() < drainUntil) await sleep(10);
  // Whatever is still queued is abandoned: the next phase starts on fresh connections.
  draining = false;
  abandon.abort();
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: cfg.connections ?? 64 });
  const ok = Object.entries(statuses)
    .filter(([s]) => s.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0);
  return {
    name: phase.name,
    targetRate: rate,
    /** Responses completed within the measured window, whenever they were sent. */
    achievedRate: completedInWindow / (phase.durationMs / 1000),
    okShare: countedDone ? ok / countedDone : 0,
    statuses,
    /** Requests due within the window with no answer 10 s after it: their latency is > 10 s and not in the histogram. */
    unfinished: countedSent - countedDone,
    latency: latency.summary(),
    ...cpu,
  };
}

/** Closed loop: `count` requests, `concurrency` at a time, as fast as the server answers (seeding). */
async function runBatch(phase) {
  const latency = latencyHistogram();
  const statuses = {};
  let next = 0;
  const stop = cpuWindow(cfg.serverPids);
  const worker = async () => {
    while (next < phase.count) {
      const n = next++;
      const t0 = performance.now();
      const status = await send(phase, n);
      latency.record(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: phase.concurrency }, worker));
  const cpu = stop();
  return { name: phase.name, count: phase.count, achievedRate: phase.count / cpu.seconds, statuses, latency: latency.summary(), ...cpu };
}

const phases = [];
for (const phase of cfg.phases) phases.push(await (phase.count ? runBatch(phase) : runPhase(phase)));
process.stdout.write(`${JSON.stringify({ phases })}\n`);
process.exit(0);
