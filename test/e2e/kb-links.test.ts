// Links in the browser: a document that links another document and refers to a task shows up under
// "Mentioned in" on that document's page (live, while it is open) and in the task's panel; links are
// typed into a popover under the selection, which refuses what could run.
import type { Browser, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import { addMember } from '../support/membership.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

const editorOf = (page: Page) => page.getByRole('textbox', { name: 'Document content' });
const mentionedIn = (scope: Page | Locator) => scope.getByRole('region', { name: 'Mentioned in' });

async function signedIn(url: string, email: string): Promise<Page> {
  const page = await openPage(browser, url);
  await signInUi(page, email);
  return page;
}

describe('backlinks', () => {
  it('lists a document that links another document and a task under "Mentioned in" on both', async () => {
    const owner = await server.user('owner');
    const reader = await server.user('reader');
    const ws = await owner.workspaces.create({ name: 'Handbook' });
    await addMember(owner, ws.id, reader, 'viewer');
    const project = await owner.tracking.projects.create(ws.id, { name: 'Website', key: 'WEB' });
    const task = await owner.tracking.tasks.create(project.id, { title: 'Fix the login page' });
    const b = await owner.documents.create(ws.id, { title: 'Login design' });
    const a = await owner.documents.create(ws.id, { title: 'Sprint notes' });

    // The reader has B open before A links it: the list fills in without a reload.
    const readerPage = await signedIn(`${server.url}/w/${ws.id}/d/${b.id}`, reader.email);
    await mentionedIn(readerPage).getByText('No document links here yet.').waitFor();

    const writer = await signedIn(`${server.url}/w/${ws.id}/d/${a.id}`, owner.email);
    await editorOf(writer).waitFor();
    await poll(() => writer.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await editorOf(writer).click();
    await writer.keyboard.type('See [[Login');
    await writer
      .getByRole('listbox', { name: 'Link to a document' })
      .getByRole('option', { name: /Login design/ })
      .waitFor();
    await writer.keyboard.press('Enter');
    await writer.keyboard.type(`and ${task.key} before Friday.`);
    await editorOf(writer).locator('.document-ref').getByText('Login design').waitFor();

    await mentionedIn(readerPage).getByRole('link', { name: 'Sprint notes' }).waitFor({ timeout: 30_000 });
    await screenshot(readerPage, 'kb-backlinks-document');

    // The task's panel lists it too; the link opens the source document.
    await readerPage.goto(`${server.url}/w/${ws.id}/t/${task.id}`);
    const panel = readerPage.getByRole('complementary', { name: `Task ${task.key}` });
    const link = mentionedIn(panel).getByRole('link', { name: 'Sprint notes' });
    await link.waitFor();
    await link.scrollIntoViewIfNeeded();
    await screenshot(readerPage, 'kb-backlinks-task');
    await link.click();
    await poll(() => readerPage.url()).toBe(`${server.url}/w/${ws.id}/d/${a.id}`);
    await writer.context().close();
    await readerPage.context().close();
  }, 240_000);

  it('adds, refuses, changes and removes a link from the popover, never a browser prompt', async () => {
    const owner = await server.user('owner');
    const ws = await owner.workspaces.create({ name: 'Docs' });
    const doc = await owner.documents.create(ws.id, { title: 'Reading list' });
    const page = await signedIn(`${server.url}/w/${ws.id}/d/${doc.id}`, owner.email);
    const prompts: string[] = [];
    page.on('dialog', (d) => {
      prompts.push(d.message());
      void d.dismiss();
    });
    await editorOf(page).waitFor();
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await editorOf(page).click();
    await page.keyboard.type('Read the guide');
    await page.keyboard.down('Shift');
    // At a held key's repeat pace (about 30 ms): a robot's back-to-back presses can outrun the
    // editor reading the selection, which no person's keyboard does.
    for (let i = 0; i < 'guide'.length; i++) await page.keyboard.press('ArrowLeft', { delay: 30 });
    await page.keyboard.up('Shift');
    await poll(() => page.evaluate(() => String(window.getSelection()))).toBe('guide');
    await page.keyboard.press('ControlOrMeta+k');

    const entry = page.getByRole('dialog', { name: 'Link' });
    const address = entry.getByRole('textbox', { name: 'Link address' });
    await address.fill('javascript:alert(document.cookie)');
    await entry.getByRole('button', { name: 'Apply' }).click();
    await entry.getByRole('alert').getByText('“javascript:” links are not allowed').waitFor();
    await screenshot(page, 'kb-link-refused');
    expect(await editorOf(page).locator('a').count()).toBe(0);

    await address.fill('example.com/guide');
    await address.press('Enter');
    await entry.waitFor({ state: 'hidden' });
    const link = editorOf(page).locator('a', { hasText: 'guide' });
    await poll(() => link.getAttribute('href')).toBe('https://example.com/guide');
    await poll(async () => JSON.stringify(await owner.documents.content(doc.id, 'json'))).toContain('https://example.com/guide');

    // Escape closes it and leaves the text as it was, the caret back in the editor.
    await page.keyboard.press('ControlOrMeta+k');
    await poll(() => address.inputValue()).toBe('https://example.com/guide');
    await address.fill('https://elsewhere.example');
    await page.keyboard.press('Escape');
    await entry.waitFor({ state: 'hidden' });
    await poll(() => link.getAttribute('href')).toBe('https://example.com/guide');

    // From the floating toolbar: change it to a mail address, then remove it.
    await link.dblclick();
    await page.getByRole('button', { name: /^Link/ }).click();
    await address.fill('mailto:editor@example.com');
    await screenshot(page, 'kb-link-entry');
    await entry.getByRole('button', { name: 'Apply' }).click();
    await poll(() => link.getAttribute('href')).toBe('mailto:editor@example.com');
    await page.keyboard.press('ControlOrMeta+k');
    await entry.getByRole('button', { name: 'Remove' }).click();
    await poll(() => editorOf(page).locator('a').count()).toBe(0);
    await poll(() => editorOf(page).textContent()).toBe('Read the guide');
    expect(prompts).toEqual([]);
    await page.context().close();
  }, 240_000);
});
