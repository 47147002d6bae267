// The desktop app's renderer is the bundled web client, loaded from the app (app://tandem), not
// from the server. Electron cannot run here, so this test stands in for it: the built client is
// served from ANOTHER origin than the API (as app://tandem is), the server allows that origin
// (TANDEM_ALLOWED_ORIGINS, as TANDEM_DESKTOP_APP does for app://tandem), and the preload bridge is
// a page script whose live check and QR code are the desktop app's real modules, run in this
// process. Only Electron's IPC and window are simulated.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkServer } from '../../apps/desktop/src/connection-check.js';
import { qrSvg } from '../../apps/desktop/src/invite-code.js';
import { assertWebBuilt, launchBrowser, poll, screenshot, signInUi, WEB_DIST } from '../support/browser.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
};

/** The bundled renderer on its own origin (what the app:// protocol handler does in Electron). */
function rendererOrigin(): Server {
  return createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(WEB_DIST, path);
    const hit = file.startsWith(WEB_DIST) && existsSync(file) && extname(file) ? file : join(WEB_DIST, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(hit)] ?? 'application/octet-stream' }).end(readFileSync(hit));
  });
}

/** What apps/desktop/src/preload.ts exposes, with IPC replaced by functions of this test. */
const BRIDGE = `
  const serverUrl = localStorage.getItem('e2e.serverUrl');
  window.tandemDesktop = {
    platform: 'win32',
    serverUrl,
    mode: localStorage.getItem('e2e.mode') || (serverUrl ? 'connected' : 'unset'),
    onDeepLink: () => () => {},
    checkServer: (url) => window.__checkServer(url),
    chooseServer: async (url) => { localStorage.setItem('e2e.serverUrl', url); location.reload(); return { ok: true }; },
    startHosting: async () => { const info = await window.__startHosting(); localStorage.setItem('e2e.mode', 'host'); return info; },
    hostInfo: () => window.__startHosting(),
    setKeepRunningInTray: async () => {},
    forgetServer: async () => { localStorage.removeItem('e2e.serverUrl'); location.reload(); },
    onUpdate: (listener) => { window.__updateListener = listener; return () => {}; },
    restartToUpdate: async () => { window.__restarted = true; return true; },
    notify: (n) => { (window.__notified ||= []).push(n); },
    setBadge: (n) => { window.__badge = n; },
  };
`;

let renderer: Server;
let rendererUrl: string;
let server: TestServer;
let hostServer: TestServer;
let notTandem: Server;
let notTandemUrl: string;
let browser: Browser;
const LAN = 'http://192.168.1.23:3000';

async function desktopWindow(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  await context.addInitScript(BRIDGE);
  await context.exposeFunction('__checkServer', (url: string) => checkServer(url, { timeoutMs: 5000 }));
  await context.exposeFunction('__startHosting', async () => ({
    localUrl: hostServer.url,
    lanUrl: LAN,
    qrSvg: await qrSvg(LAN),
    portable: false,
    keepRunningInTray: true,
  }));
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(rendererUrl);
  return page;
}

beforeAll(async () => {
  assertWebBuilt();
  renderer = rendererOrigin();
  await new Promise<void>((r) => renderer.listen(0, '127.0.0.1', r));
  rendererUrl = `http://127.0.0.1:${(renderer.address() as AddressInfo).port}`;
  server = await startTestServer({ TANDEM_ALLOWED_ORIGINS: rendererUrl });
  hostServer = await startTestServer({ TANDEM_ALLOWED_ORIGINS: rendererUrl });
  notTandem = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Router admin</h1>'));
  await new Promise<void>((r) => notTandem.listen(0, '127.0.0.1', r));
  notTandemUrl = `http://127.0.0.1:${(notTandem.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  renderer?.close();
  notTandem?.close();
  await server?.close();
  await hostServer?.close();
});

describe('desktop first run', () => {
  it('connects to a server checked live, then works against it from the bundled renderer', async () => {
    const ana = await server.user('ana');
    const page = await desktopWindow();
    await page.getByRole('heading', { name: 'Welcome to Tandem' }).waitFor();
    await page.getByRole('button', { name: /Connect to a server/ }).click();

    // An address that answers but is not Tandem: the failed step and a plain explanation.
    await page.getByLabel('Server address').fill(notTandemUrl);
    await page.getByRole('button', { name: 'Check and connect' }).click();
    await page.locator('li[data-step="tandem"][data-state="failed"]').waitFor();
    expect(await page.locator('li[data-step="reachable"]').getAttribute('data-state')).toBe('ok');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not a Tandem server/);
    await screenshot(page, 'desktop-first-run-not-tandem');

    await page.getByLabel('Server address').fill(server.url);
    await page.getByRole('button', { name: 'Check and connect' }).click();
    for (const step of ['reachable', 'tandem', 'desktop', 'websocket'])
      await page.locator(`li[data-step="${step}"][data-state="ok"]`).waitFor();
    await expect(page.locator('li[data-step="tandem"]').textContent()).resolves.toMatch(/version \d+\.\d+\.\d+/);
    await screenshot(page, 'desktop-first-run-connect');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();

    // The app reloads against the chosen server: REST and the live socket cross origins.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).origin).toBe(rendererUrl);
    await signInUi(page, ana.email);
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();

    // Native touches through the bridge: an assignment becomes an OS notification that opens the
    // task, the unread count goes to the badge, and a downloaded update offers a restart.
    const boss = await server.user('boss');
    const ws = await boss.workspaces.create({ name: 'Ops' });
    await addMember(boss, ws.id, ana, 'editor');
    const project = await boss.tracking.projects.create(ws.id, { name: 'Ops', key: 'OPS' });
    const task = await boss.tracking.tasks.create(project.id, { title: 'Rotate the keys' });
    await page.goto(`${rendererUrl}/w/${ws.id}`);
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await boss.tracking.tasks.update(task.id, { assigneeId: ana.userId });
    await poll(() =>
      page.evaluate(() => (window as unknown as { __notified?: { path: string; title: string }[] }).__notified ?? []),
    ).toEqual([
      { title: 'Someone assigned you a task', body: expect.stringContaining('Rotate the keys'), path: `/w/${ws.id}/t/${task.id}` },
    ]);
    await poll(() => page.evaluate(() => (window as unknown as { __badge?: number }).__badge)).toBe(2); // added to Ops + assigned
    await page.evaluate(() =>
      (window as unknown as { __updateListener: (s: unknown) => void }).__updateListener({ state: 'ready', version: '0.2.0' }),
    );
    await page.getByText('Tandem 0.2.0 is ready.').waitFor();
    await screenshot(page, 'desktop-update-ready');
    await page.getByRole('button', { name: 'Restart to update' }).click();
    await poll(() => page.evaluate(() => (window as unknown as { __restarted?: boolean }).__restarted)).toBe(true);
  }, 120_000);

  it('hosts for a team: the first account owns the team workspace, and the LAN address and its QR code are shown', async () => {
    const page = await desktopWindow();
    await page.getByRole('button', { name: /Host for my team/ }).click();
    await page.getByLabel('Your name').fill('Hana Host');
    await page.getByLabel('Email').fill('hana@example.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Team name').fill('Bakery crew');
    await page.getByRole('button', { name: 'Start hosting' }).click();
    await page.getByRole('heading', { name: 'Tandem is running on this computer' }).waitFor();
    expect(await page.getByTestId('lan-url').textContent()).toBe(LAN);
    await page.getByRole('img', { name: `QR code of ${LAN}` }).waitFor();
    await screenshot(page, 'desktop-first-run-hosting');
    await page.getByRole('button', { name: 'Open Tandem' }).click();

    // Signed in already, in the team's workspace, as its owner; the top bar offers the invite panel.
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await poll(() => page.locator('.sidebar select option:checked').textContent()).toBe('Bakery crew');
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await page.getByRole('button', { name: 'Invite from this computer' }).click();
    await page.getByRole('dialog', { name: 'Hosting on this computer' }).getByTestId('lan-url').waitFor();
    await screenshot(page, 'desktop-host-panel');
    const owner = hostServer.client();
    await owner.auth.login({ email: 'hana@example.test', password: 'correct horse battery' });
    expect((await owner.workspaces.list()).items.map((w) => [w.name, w.role])).toEqual([['Bakery crew', 'owner']]);
  }, 90_000);
});
