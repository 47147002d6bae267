// Behind a reverse proxy that does not pass WebSocket upgrades, the app still signs in and shows
// data over HTTP, and says plainly that live connections are blocked (instead of an editor that
// never fills); reached directly, the same server shows no such warning.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { startUpgradeDroppingProxy } from '../support/upgrade-dropping-proxy.js';
import { card, launchTeam } from './fixtures.js';

let server: TestServer;
let browser: Browser;
let proxy: Awaited<ReturnType<typeof startUpgradeDroppingProxy>>;

withWebServer((s, b) => {
  server = s;
  browser = b;
});
beforeAll(async () => {
  proxy = await startUpgradeDroppingProxy(server.url);
});
afterAll(async () => {
  await proxy?.close();
});

describe('a proxy that blocks live connections', () => {
  it('is named on screen while the data still loads over HTTP', async () => {
    const t = await launchTeam(server);
    const board = `/w/${t.ws.id}/p/${t.project.id}`;
    const page = await openPage(browser, `${proxy.url}${board}`);
    await signInUi(page, t.owner.email);
    await card(page, 'To Do', t.first.id).waitFor();
    const banner = page.getByRole('alert').filter({ hasText: 'Live updates cannot connect' });
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain("the server's proxy probably blocks WebSocket connections");
    await screenshot(page, 'proxy-blocked');

    const direct = await openPage(browser, `${server.url}${board}`);
    await signInUi(direct, t.owner.email);
    await poll(() => direct.locator('output.connection').getAttribute('data-state')).toBe('connected');
    expect(await direct.getByText('Live updates cannot connect').count()).toBe(0);
  }, 90_000);
});
