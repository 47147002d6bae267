import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;

// Every compaction keeps a version, so a few keystrokes make history.
withWebServer(
  (s, b) => {
    server = s;
    browser = b;
  },
  { COLLAB_COMPACT_AFTER_UPDATES: '1', COLLAB_VERSION_INTERVAL_SECONDS: '0' },
);

const editorOf = (page: Page) => page.getByRole('textbox', { name: 'Document content' });

describe('document history', () => {
  it('previews an earlier version and restores it for everyone', async () => {
    const owner = await server.user('owner');
    const ws = await owner.workspaces.create({ name: 'Docs' });
    const doc = await owner.documents.create(ws.id, { title: 'Policy' });
    const page = await openPage(browser, `${server.url}/w/${ws.id}/d/${doc.id}`);
    await signInUi(page, owner.email);
    await editorOf(page).click();
    await page.keyboard.type('First draft.');
    await poll(async () => (await owner.documents.history(doc.id)).items.length).toBeGreaterThan(0);
    const versionsBefore = (await owner.documents.history(doc.id)).items.length;
    await page.keyboard.type(' Second thoughts.');
    await poll(() => owner.documents.content(doc.id, 'text')).toContain('Second thoughts.');

    await page.getByRole('button', { name: 'History' }).click();
    const panel = page.getByRole('complementary', { name: 'Version history' });
    // The oldest version holds only the first keystrokes.
    await poll(() => panel.locator('.version').count()).toBeGreaterThanOrEqual(versionsBefore);
    await panel.locator('.version').last().click();
    await poll(() => panel.getByLabel('Version text').textContent()).toMatch(/^F/);
    const oldText = (await panel.getByLabel('Version text').textContent())!.trim();
    expect(oldText).not.toContain('Second');
    await screenshot(page, 'document-history');
    page.once('dialog', (d) => void d.accept());
    await panel.getByRole('button', { name: 'Restore this version' }).click();
    await poll(async () => (await owner.documents.content(doc.id, 'text')).trim()).toBe(oldText);
    await poll(async () => (await editorOf(page).textContent())?.trim()).toBe(oldText);
    await page.context().close();
  });
});
