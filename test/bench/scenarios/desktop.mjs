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

/** Playwright and Chromium as the browser tests use them (playwright-core is a test dependency). */
function chromium() {
  return createRequire(join(root, 'test', 'package.json'))('playwright-core').chromium;
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

desktopScenarios['client-load'] = {
  title: 'Web client: JS per route (gzip) and cold start to an interactive 1,000-task board from a warm cache (issue 13)',
  goal: 'initial JS < 300 KB gzip; board of 1,000 tasks interactive from a warm cache < 500 ms.',
  async run({ log, quick }) {
    const { gzipSync } = await import('node:zlib');
    const { readFileSync } = await import('node:fs');
    const { startTandem } = await import('../lib/servers.mjs');
    const { registerUser } = await import('../lib/tandem-world.mjs');
    const webDist = join(root, 'apps', 'web', 'dist');
    if (!existsSync(join(webDist, 'sw.js'))) throw new Error('build the web client first');
    const server = await startTandem({ env: { TANDEM_WEB_DIR: webDist } });
    const browser = await chromium().launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const owner = await registerUser(server.url, 'owner');
      const ws = await owner.client.workspaces.create({ name: 'Client bench' });
      const project = await owner.client.tracking.projects.create(ws.id, { name: 'Big board', key: 'BIG' });
      const doc = await owner.client.documents.create(ws.id, { title: 'Notes' });
      const total = 1000;
      log(`creating ${total} tasks`);
      for (let i = 0; i < total; i += 25) {
        await Promise.all(
          Array.from({ length: Math.min(25, total - i) }, (_, j) =>
            owner.client.tracking.tasks.create(project.id, { title: `Task ${i + j + 1}` }),
          ),
        );
      }
      const boardUrl = `${server.url}/w/${ws.id}/p/${project.id}`;
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();

      // JS per route: every script the page loads, gzip-compressed here (level 6, what a reverse proxy sends).
      const loaded = new Map();
      page.on('response', async (res) => {
        const url = new URL(res.url());
        if (url.origin === server.url && /\.(js|css)$/.test(url.pathname) && !loaded.has(url.pathname)) {
          const body = readFileSync(join(webDist, url.pathname));
          loaded.set(url.pathname, { raw: body.length, gzip: gzipSync(body).length });
        }
      });
      const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
      const sum = (files, key) => files.reduce((a, f) => a + loaded.get(f)[key], 0);
      await page.goto(server.url);
      await page.getByLabel('Email').waitFor();
      const initial = [...loaded.keys()];
      await page.getByLabel('Email').fill(owner.email);
      await page.getByLabel('Password').fill('bench password 123');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.goto(boardUrl);
      await page.waitForFunction((n) => document.querySelectorAll('[data-task-id]').length >= n, total, { timeout: 120_000 });
      const board = [...loaded.keys()];
      await page.goto(`${server.url}/w/${ws.id}/d/${doc.id}`);
      await page.getByRole('textbox', { name: 'Document content' }).waitFor();
      const docRoute = [...loaded.keys()];
      const routeRows = [
        ['sign-in screen (initial)', initial],
        ['board', board],
        ['document (editor loaded on demand)', docRoute],
      ].map(([name, files]) => [
        name,
        String(files.filter((f) => f.endsWith('.js')).length),
        kb(
          sum(
            files.filter((f) => f.endsWith('.js')),
            'raw',
          ),
        ),
        `**${kb(
          sum(
            files.filter((f) => f.endsWith('.js')),
            'gzip',
          ),
        )}**`,
        kb(
          sum(
            files.filter((f) => f.endsWith('.css')),
            'gzip',
          ),
        ),
      ]);
      const chunkRows = [...loaded.entries()].map(([f, s]) => [f.replace('/assets/', ''), kb(s.raw), kb(s.gzip)]);

      // Cold start from a warm cache: the same profile (IndexedDB query cache, service worker, HTTP
      // cache), a new page; time from navigation start to 1,000 cards on screen and the first card
      // answering a click.
      await page.goto(boardUrl);
      await page.waitForFunction((n) => document.querySelectorAll('[data-task-id]').length >= n, total, { timeout: 120_000 });
      await page.waitForTimeout(2500); // the persister writes the cache at most once a second
      await page.close();
      const runs = quick ? 3 : 7;
      const times = [];
      for (let i = 0; i < runs; i++) {
        const p = await context.newPage();
        await p.goto(boardUrl, { waitUntil: 'commit' });
        const ms = await p.evaluate(
          (n) =>
            new Promise((resolve) => {
              const check = () => {
                if (document.querySelectorAll('[data-task-id]').length >= n) resolve(performance.now());
                else requestAnimationFrame(check);
              };
              check();
            }),
          total,
        );
        times.push(Math.round(ms));
        log(`cold start ${i + 1}: ${Math.round(ms)} ms`);
        await p.close();
      }
      times.sort((a, b) => a - b);
      await context.close();
      return [
        table(['route', 'JS files', 'JS raw', 'JS gzip', 'CSS gzip'], routeRows),
        '',
        table(['chunk', 'raw', 'gzip'], chunkRows),
        '',
        `Cold start to a board of ${total} tasks from a warm cache (same profile, new page; navigation start → ${total} cards rendered), ${runs} runs: median **${times[Math.floor(times.length / 2)]} ms**, min ${times[0]} ms, max ${times.at(-1)} ms (goal < 500 ms). Chromium ${browser.version()} headless, server on one core, the browser unpinned.`,
      ].join('\n');
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};
