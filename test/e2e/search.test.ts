// The search palette in Chromium against a real server: Ctrl-K, a prefix, Enter opens the task;
// a comment hit opens its task at the comment; the full results page filters.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { launchTeam } from './fixtures.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

describe('search palette', () => {
  it('opens with Ctrl-K, shows matches while typing a prefix, and Enter opens the task', async () => {
    const t = await launchTeam(server);
    const target = await t.owner.tracking.tasks.create(t.project.id, {
      title: 'Migrate the billing database',
      description: 'Move invoices to the new cluster before the audit.',
    });
    await t.owner.tracking.tasks.create(t.project.id, { title: 'Billing page copy' });
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}`);
    await signInUi(page, t.editor.email);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();

    await page.keyboard.press('Control+k');
    const box = page.getByRole('combobox', { name: 'Search tasks, documents, comments and files' });
    await box.waitFor();
    await box.pressSequentially('migr', { delay: 40 });
    const option = page.getByRole('option').filter({ hasText: 'Migrate the billing database' });
    await option.waitFor();
    await expect(option.locator('mark').first().textContent()).resolves.toBe('Migr');
    await expect(option.textContent()).resolves.toContain(target.key);
    await screenshot(page, 'search-palette');

    await page.keyboard.press('Enter');
    await page.waitForURL(`**/p/${t.project.id}/t/${target.id}`);
    await page.getByRole('complementary', { name: `Task ${target.key}` }).waitFor();
    await expect(box.count()).resolves.toBe(0);
  }, 90_000);

  it('opens a comment hit on its task, and the results page filters by type', async () => {
    const t = await launchTeam(server);
    const comment = await t.owner.tracking.comments.create(t.first.id, { body: 'The pangolin illustration needs a lighter background' });
    await t.owner.tracking.tasks.create(t.project.id, { title: 'Pangolin mascot sketches' });
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}`);
    await signInUi(page, t.editor.email);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();

    await page.getByRole('button', { name: 'Search (Ctrl+K)' }).click();
    await page
      .getByRole('combobox', { name: 'Search tasks, documents, comments and files' })
      .pressSequentially('pangolin illus', { delay: 30 });
    await page.getByRole('option').filter({ hasText: 'Write the landing copy' }).click();
    await page.waitForURL(`**/t/${t.first.id}`);
    await page.locator(`[data-comment-id="${comment.id}"]`).waitFor();

    await page.goto(`${server.url}/w/${t.ws.id}/search?q=pangolin`);
    const results = page.getByRole('list', { name: 'Results' });
    await results.getByRole('button').first().waitFor();
    await expect(results.getByRole('button').count()).resolves.toBe(2);
    await page.getByLabel('Type').selectOption('comment');
    await expect.poll(() => results.getByRole('button').count()).toBe(1);
    await screenshot(page, 'search-page');
  }, 90_000);
});
