// "Save version" with a name, then compare it with the document as it is now.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

describe('document history', () => {
  it('saves a named version, and after an edit shows what changed since it, highlighted', async () => {
    const owner = await server.user('owner');
    const ws = await owner.workspaces.create({ name: 'Docs' });
    const doc = await owner.documents.create(ws.id, { title: 'Release plan' });
    const page = await openPage(browser, `${server.url}/w/${ws.id}/d/${doc.id}`);
    await signInUi(page, owner.email);
    const editor = page.getByRole('textbox', { name: 'Document content' });
    await editor.click();
    await page.keyboard.type('We ship on Monday.');
    await poll(() => owner.documents.content(doc.id, 'text')).toContain('We ship on Monday.');

    await page.getByRole('button', { name: 'History' }).click();
    const panel = page.getByRole('complementary', { name: 'Version history' });
    await panel.getByLabel('Version name').fill('Agreed with sales');
    await panel.getByRole('button', { name: 'Save version' }).click();
    await panel.locator('.version-name', { hasText: 'Agreed with sales' }).waitFor();
    const saved = (await owner.documents.history(doc.id)).items.find((v) => v.name === 'Agreed with sales');
    expect(saved?.reason).toBe('manual');

    await editor.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Docs follow on Tuesday.');
    await poll(() => owner.documents.content(doc.id, 'text')).toContain('Docs follow on Tuesday.');

    await panel.locator('.version', { hasText: 'Agreed with sales' }).click();
    await panel.getByRole('tab', { name: 'Changes since' }).click();
    const changes = panel.getByRole('region', { name: 'Changes since this version' });
    await poll(() => changes.locator('ins').allTextContents()).toEqual([expect.stringContaining('Docs follow on Tuesday.')]);
    expect(await changes.locator('del').count()).toBe(0);
    expect(await changes.locator('.diff').textContent()).toContain('We ship on Monday.');
    await screenshot(page, 'document-diff');
    await page.context().close();
  }, 90_000);
});
