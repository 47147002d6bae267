// Desktop and client start-up (issue 13): the host-mode server from launch to ready after its
// first run (the desktop app's own launcher starting the real server build on embedded defaults).
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../lib/report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const launcherFile = join(root, 'apps', 'desktop', 'dist', 'host-server.cjs');
const serverEntry = join(root, 'apps', 'server', 'dist', 'main.js');

export const desktopScenarios = {
  'host-start': {
    title: 'Desktop host mode: server start to ready after the first run (issue 13)',
    goal: '< 5 s from launch to /health/ready once the data folder exists.',
    async run({ log, quick }) {
      if (!existsSync(launcherFile)) throw new Error(`build the desktop app first (${launcherFile})`);
      const { startHostServer } = createRequire(import.meta.url)(launcherFile);
      const appData = mkdtempSync(join(tmpdir(), 'tandem-host-bench-'));
      chmodSync(appData, 0o755);
      const dataDir = join(appData, 'server');
      const rows = [];
      try {
        const runs = quick ? 3 : 5;
        for (let i = 0; i <= runs; i++) {
          const t0 = Date.now();
          const server = await startHostServer({ serverEntry, dataDir, port: 0, host: '127.0.0.1', env: { LOG_LEVEL: 'warn' } });
          const ready = Date.now() - t0;
          const s0 = Date.now();
          await server.stop();
          const stop = Date.now() - s0;
          log(`${i === 0 ? 'first run' : `run ${i}`}: ready in ${ready} ms, stopped in ${stop} ms`);
          rows.push([i === 0 ? 'first run (creates the database)' : `restart ${i}`, `${ready} ms`, `${stop} ms`]);
        }
      } finally {
        rmSync(appData, { recursive: true, force: true });
      }
      const restarts = rows
        .slice(1)
        .map((r) => Number.parseInt(r[1], 10))
        .sort((a, b) => a - b);
      const median = restarts[Math.floor(restarts.length / 2)];
      return `${table(['start', 'launch → /health/ready', 'clean stop'], rows)}\n\nMedian restart to ready: **${median} ms** (goal < 5000 ms). The server is not pinned here: it runs as the desktop app runs it, one child process with its embedded PostgreSQL.`;
    },
  },
};
