// Spreads many idle sockets over several generator processes (each has its own open-file limit)
// and source addresses 127.0.0.2… (each address has its own ephemeral port range).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH, GENERATOR_CORE, spawnPinned } from './servers.mjs';

export async function openIdleFleet({ port, paths, firstFrame, perProcess = 5000, openPerSecond = 1000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-idle-'));
  const procs = [];
  for (let i = 0, k = 0; i < paths.length; i += perProcess, k++) {
    const file = join(dir, `fleet-${k}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        port,
        paths: paths.slice(i, i + perProcess),
        localAddress: `127.0.0.${2 + k}`,
        openPerSecond,
        firstFrameBase64: firstFrame ? Buffer.from(firstFrame).toString('base64') : null,
      }),
    );
    procs.push(
      spawnPinned(GENERATOR_CORE, join(BENCH, 'gen', 'idle.mjs'), { scriptArgs: [file], ready: /ready (\{.*\})\n/, timeoutMs: 600_000 }),
    );
  }
  const ready = (await Promise.all(procs.map((p) => p.started))).map((s) => JSON.parse(s));
  const sum = (list, key) => list.reduce((n, r) => n + r[key], 0);
  return {
    processes: procs.length,
    pids: procs.map((p) => p.child.pid),
    ready: {
      open: sum(ready, 'open'),
      answered: sum(ready, 'answered'),
      failed: sum(ready, 'failed'),
      lastError: ready.map((r) => r.lastError).find(Boolean) ?? '',
      openSeconds: Math.max(...ready.map((r) => r.openSeconds)),
    },
    async close() {
      await Promise.all(procs.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
      const finals = procs.map((p) => /final (\{.*\})\n/.exec(p.output())).filter(Boolean);
      const parsed = finals.map((m) => JSON.parse(m[1]));
      return { open: sum(parsed, 'open'), closedByServer: sum(parsed, 'closedByServer') };
    },
  };
}
