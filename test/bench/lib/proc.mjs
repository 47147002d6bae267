// What the kernel says about a process: CPU time (utime+stime) and resident memory, read from /proc
// so the generator measures the server without asking it.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds used so far by `pid` (all threads). */
export function cpuSeconds(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN; // the process is gone: the figure is unknown, never zero
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Resident set size of `pid` in bytes. */
export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Seconds the process's main thread spent runnable but waiting for a CPU (other processes on its
 * core). On a shared machine this tells a slow server from a starved one.
 */
export function runQueueSeconds(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return Number.NaN;
  }
}

/** Measures CPU share of the server (by pid) and of this process over a window. */
export function cpuWindow(serverPids) {
  const pids = [serverPids].flat().filter(Boolean);
  const t0 = performance.now();
  const s0 = pids.map(cpuSeconds);
  const w0 = pids.map(runQueueSeconds);
  const gw0 = runQueueSeconds(process.pid);
  const g0 = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const g = process.cpuUsage(g0);
    const serverCpu = pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - s0[i], 0);
    const serverWait = pids.reduce((sum, pid, i) => sum + runQueueSeconds(pid) - w0[i], 0);
    return {
      seconds,
      serverCpuSeconds: serverCpu,
      serverCpuPct: (100 * serverCpu) / seconds,
      generatorCpuPct: (100 * (g.user + g.system)) / 1e6 / seconds,
      serverWaitPct: (100 * serverWait) / seconds,
      generatorWaitPct: (100 * (runQueueSeconds(process.pid) - gw0)) / seconds,
      load1: loadavg()[0],
    };
  };
}

/**
 * A full, memory-reducing garbage collection in a node process started with `--inspect=127.0.0.1:0`
 * (`output`: its stdout+stderr, where node says where the inspector listens), through the
 * inspector's HeapProfiler.collectGarbage, so memory is compared without garbage V8 simply had no
 * reason to collect yet. The inspector stays idle otherwise.
 */
export async function collectGarbage(output) {
  const m = /Debugger listening on (ws:\/\/\S+)/.exec(output());
  if (!m) throw new Error('the process was not started with --inspect');
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(m[1]);
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    await new Promise((resolve, reject) => {
      ws.on('message', (data) => {
        const reply = JSON.parse(String(data));
        if (reply.id !== 1) return;
        if (reply.error) reject(new Error(reply.error.message));
        else resolve();
      });
      ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    ws.close();
  }
}
