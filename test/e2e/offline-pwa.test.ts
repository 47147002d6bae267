// The browser client as an installable offline app: after one visit, the service worker serves
// the app shell with no network, the cached board and document show, edits made offline are kept,
// and once the network is back a second user sees them. The connection indicator says where
// things stand throughout.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { card, launchTeam } from './fixtures.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

const editorOf = (page: Page) => page.getByRole('textbox', { name: 'Document content' });
const indicator = (page: Page) => page.locator('output.connection').getAttribute('data-state');

/** Names of the queries in the offline copy of the cache (saved at most every half second). */
const savedQueries = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('keyval-store');
        open.onsuccess = () => {
          const read = open.result.transaction('keyval').objectStore('keyval').get('tandem.query-cache');
          read.onsuccess = () => {
            const saved = read.result ? JSON.parse(read.result as string) : null;
            open.result.close();
            resolve(saved ? saved.clientState.queries.map((q: { queryKey: unknown[] }) => q.queryKey.join(':')) : []);
          };
        };
      }),
  );

describe('installable offline app', () => {
  it('serves a manifest with icons and a same-origin service worker that never caches the API', async () => {
    const manifest = await (await fetch(`${server.url}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ name: 'Tandem', start_url: '/', display: 'standalone' });
    for (const icon of manifest.icons) expect((await fetch(`${server.url}${icon.src}`)).status, icon.src).toBe(200);
    const sw = await fetch(`${server.url}/sw.js`);
    expect(sw.headers.get('content-type')).toMatch(/javascript/);
    const source = await sw.text();
    expect(source).toMatch(/"\/index\.html"/);
    expect(source).toMatch(/\/assets\/index-[\w-]+\.js/);
    expect(source).not.toMatch(/__TANDEM_PRECACHE__/);
  });

  it('opens offline from the service worker with the cached board and document, keeps offline edits, and syncs them when back', async () => {
    const t = await launchTeam(server);
    const doing = t.statuses.find((s) => s.name === 'In Progress')!;
    const doc = await t.owner.documents.create(t.ws.id, { title: 'Runbook' });
    const boardUrl = `${server.url}/w/${t.ws.id}/p/${t.project.id}`;
    const docUrl = `${server.url}/w/${t.ws.id}/d/${doc.id}`;

    const page = await openPage(browser, boardUrl);
    await signInUi(page, t.owner.email);
    await card(page, 'To Do', t.first.id).waitFor();
    await poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await poll(async () => (await savedQueries(page)).some((k) => k.startsWith(`tasks:${t.project.id}`))).toBe(true);
    await page.goto(docUrl);
    await editorOf(page).click();
    await page.keyboard.type('Step one: check the logs.');
    await poll(() => t.owner.documents.content(doc.id, 'text')).toContain('Step one');
    // The offline copy is saved at most every half second: leaving sooner can leave the page out.
    await poll(async () => (await savedQueries(page)).includes(`document:${doc.id}`)).toBe(true);
    await page.goto(boardUrl);
    await card(page, 'To Do', t.first.id).waitFor();
    await poll(() => indicator(page)).toBe('connected');
    await poll(async () => {
      const saved = await savedQueries(page);
      return saved.some((k) => k.startsWith(`tasks:${t.project.id}`)) && saved.includes(`document:${doc.id}`);
    }).toBe(true);

    // No network at all: the reload comes from the service worker, the data from the offline stores.
    await page.context().setOffline(true);
    await page.reload();
    await card(page, 'To Do', t.first.id).waitFor();
    await poll(() => indicator(page)).toBe('offline');
    await card(page, 'To Do', t.first.id).dragTo(page.locator(`section.column[data-status="In Progress"]`));
    await card(page, 'In Progress', t.first.id).waitFor();
    await screenshot(page, 'offline-board');

    await page.goto(docUrl);
    await poll(() => editorOf(page).textContent()).toContain('Step one: check the logs.');
    await editorOf(page).getByText('Step one: check the logs.').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Step two: written offline.');
    expect(await indicator(page)).toBe('offline');
    await screenshot(page, 'offline-document');

    // Nothing reached the server while offline.
    expect((await t.editor.tracking.tasks.get(t.first.id)).status).not.toBe(doing.id);
    expect(await t.editor.documents.content(doc.id, 'text')).not.toContain('Step two');

    await page.context().setOffline(false);
    await poll(() => t.editor.documents.content(doc.id, 'text'), { timeout: 30_000 }).toContain('Step two: written offline.');
    await page.goto(boardUrl);
    await poll(async () => (await t.editor.tracking.tasks.get(t.first.id)).status, { timeout: 30_000 }).toBe(doing.id);
    await poll(() => indicator(page), { timeout: 30_000 }).toBe('connected');

    // The second user sees both edits in their browser.
    const other = await openPage(browser, boardUrl);
    await signInUi(other, t.editor.email);
    await card(other, 'In Progress', t.first.id).waitFor();
    await other.goto(docUrl);
    await poll(() => editorOf(other).textContent()).toContain('Step two: written offline.');
  }, 150_000);
});
