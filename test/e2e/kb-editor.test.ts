// The knowledge-base editor as people use it, in two (or three) real browsers on one document:
// the slash menu, comment threads on the text that follow it through the other person's edits,
// task-key chips with live status, and sharing from the dialog.
import type { Browser, Page } from 'playwright-core';
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

async function team() {
  const owner = await server.user('owner');
  const editor = await server.user('editor');
  const ws = await owner.workspaces.create({ name: 'Handbook' });
  await addMember(owner, ws.id, editor, 'editor');
  return { owner, editor, ws };
}

const editorOf = (page: Page) => page.getByRole('textbox', { name: 'Document content' });
const margin = (page: Page) => page.getByRole('complementary', { name: 'Comments' });

async function openDoc(url: string, email: string): Promise<Page> {
  const page = await openPage(browser, url);
  await signInUi(page, email);
  await editorOf(page).waitFor();
  await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');
  return page;
}

describe('the knowledge-base editor', () => {
  it('inserts a table from the slash menu, and the other person sees it', async () => {
    const t = await team();
    const doc = await t.owner.documents.create(t.ws.id, { title: 'Plan' });
    const url = `${server.url}/w/${t.ws.id}/d/${doc.id}`;
    const a = await openDoc(url, t.owner.email);
    const b = await openDoc(url, t.editor.email);
    await editorOf(a).click();
    await a.keyboard.type('/tab');
    const menu = a.getByRole('listbox', { name: 'Insert block' });
    await menu.getByRole('option', { name: /Table/ }).waitFor();
    await screenshot(a, 'kb-slash-menu');
    await a.keyboard.press('Enter');
    await editorOf(a).locator('table th').first().waitFor();
    await a.keyboard.type('Owner');
    await poll(() => editorOf(b).locator('table tr').count()).toBe(3);
    await poll(() =>
      editorOf(b)
        .locator('table th p')
        .first()
        .evaluate((p) => p.firstChild?.textContent ?? ''),
    ).toBe('Owner');
    // The table toolbar adds a row for everyone.
    await a.getByRole('toolbar', { name: 'Table' }).getByRole('button', { name: '+ Row below' }).click();
    await poll(() => editorOf(b).locator('table tr').count()).toBe(4);
    await poll(async () => JSON.stringify(await t.owner.documents.content(doc.id, 'json'))).toContain('"tableHeader"');
    await a.context().close();
    await b.context().close();
  }, 240_000);

  it('keeps a comment thread on its words while the other person rewrites the sentence around them', async () => {
    const t = await team();
    const doc = await t.owner.documents.importMarkdown(t.ws.id, { title: 'Story', markdown: 'The quick brown fox jumps.' });
    const url = `${server.url}/w/${t.ws.id}/d/${doc.id}`;
    const a = await openDoc(url, t.owner.email);
    const b = await openDoc(url, t.editor.email);

    // The owner selects "brown" and comments on it from the floating toolbar.
    await editorOf(a).getByText('The quick brown fox jumps.').click();
    await a.keyboard.press('Home');
    for (let i = 0; i < 'The quick '.length; i++) await a.keyboard.press('ArrowRight');
    for (let i = 0; i < 'brown'.length; i++) await a.keyboard.press('Shift+ArrowRight');
    await screenshot(a, 'kb-comment-selection');
    await a.getByRole('button', { name: /^Comment \(/ }).click();
    await margin(a).getByRole('textbox', { name: 'New comment' }).fill('Is it really brown?');
    await margin(a).getByRole('button', { name: 'Comment', exact: true }).click();
    await editorOf(a).locator('.comment-anchor').first().waitFor();
    expect(await editorOf(a).locator('.comment-anchor').textContent()).toBe('brown');

    await screenshot(a, 'kb-comment-started');
    // The other person sees it in their margin, live.
    const card = margin(b).locator('.thread-card', { hasText: 'Is it really brown?' });
    await card.waitFor();
    expect(await card.locator('.thread-quote').textContent()).toBe('brown');
    await poll(() => editorOf(b).locator('.comment-anchor').textContent()).toBe('brown');

    await screenshot(b, 'kb-comment-seen');
    // They rewrite the sentence around the word: before it, after it, and the words next to it.
    await editorOf(b)
      .getByText(/fox jumps/)
      .click();
    await b.keyboard.press('Home');
    await b.keyboard.type('Yesterday, ');
    await b.keyboard.press('End');
    await b.keyboard.type(' Then it slept.');
    await editorOf(b).locator('.comment-anchor').click();
    await b.keyboard.press('End');
    await poll(() => editorOf(a).textContent()).toContain('Then it slept.');
    await poll(() => editorOf(a).locator('.comment-anchor').textContent()).toBe('brown');
    expect(await editorOf(b).locator('.comment-anchor').textContent()).toBe('brown');
    expect(await margin(a).getByText('On deleted text').count()).toBe(0);

    // A reply from the other margin reaches the first.
    const answer = `Yes, @${t.owner.displayName}`;
    await card.getByRole('textbox', { name: 'Reply' }).fill(answer);
    await card.getByRole('button', { name: 'Reply' }).click();
    await margin(a).getByText(answer).waitFor();
    // The mention notified the owner.
    await poll(async () =>
      (await t.owner.tracking.notifications.list({})).items.some((n) => n.type === 'mentioned' && n.documentId === doc.id),
    ).toBe(true);
    await screenshot(a, 'kb-comments');

    // Deleting the word keeps the thread, marked as being on deleted text.
    await editorOf(b).locator('.comment-anchor').dblclick();
    await b.keyboard.press('Backspace');
    await margin(a).getByText('On deleted text').waitFor();
    await margin(b).getByText('On deleted text').waitFor();

    // Resolve, and it leaves the open list for everyone.
    await margin(a).locator('.thread-card', { hasText: 'Is it really brown?' }).getByRole('button', { name: 'Resolve' }).click();
    await margin(b)
      .getByRole('button', { name: /Show resolved \(1\)/ })
      .waitFor();
    const threads = await t.editor.documentThreads.list(doc.id);
    expect(threads.items).toHaveLength(1);
    expect(threads.items[0]!.resolvedAt).not.toBeNull();
    expect(threads.items[0]!.comments.map((c) => c.body)).toEqual(['Is it really brown?', answer]);
    await a.context().close();
    await b.context().close();
  }, 240_000);

  it('turns a typed task key into a chip whose status follows the board', async () => {
    const t = await team();
    const project = await t.owner.tracking.projects.create(t.ws.id, { name: 'Web', key: 'WEB' });
    const task = await t.owner.tracking.tasks.create(project.id, { title: 'Fix the login page' });
    const statuses = (await t.owner.tracking.statuses.list(project.id)).items;
    const done = statuses.find((s) => s.category === 'done')!;
    const doc = await t.owner.documents.create(t.ws.id, { title: 'Release' });
    const a = await openDoc(`${server.url}/w/${t.ws.id}/d/${doc.id}`, t.owner.email);
    await editorOf(a).click();
    await a.keyboard.type(`Blocked by ${task.key} until Friday.`);
    const chip = editorOf(a).locator('.task-ref');
    await chip.getByText('Fix the login page').waitFor();
    await t.owner.tracking.tasks.move(task.id, { status: done.id });
    await poll(() => chip.locator('.task-ref-status').textContent()).toBe(done.name);
    await screenshot(a, 'kb-task-chip');
    await poll(async () => JSON.stringify(await t.owner.documents.content(doc.id, 'json'))).toContain(`"taskId":"${task.id}"`);
    await a.context().close();
  }, 240_000);

  it('shares a document from the dialog with a third person, who then opens it', async () => {
    const t = await team();
    const guest = await server.user('guest');
    const doc = await t.owner.documents.importMarkdown(t.ws.id, { title: 'Contract', markdown: 'Terms for our partner.' });
    const url = `${server.url}/w/${t.ws.id}/d/${doc.id}`;
    const a = await openDoc(url, t.owner.email);
    await a.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = a.getByRole('dialog', { name: /Share/ });
    await dialog.getByRole('combobox', { name: 'Name or email' }).fill(guest.email);
    await dialog.getByRole('combobox', { name: 'Role' }).selectOption('editor');
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await dialog.getByRole('list', { name: 'Shared with' }).getByText(guest.email).waitFor();
    await screenshot(a, 'kb-share');
    expect((await t.owner.documents.shares(doc.id)).items.map((s) => [s.userId, s.role])).toEqual([[guest.userId, 'editor']]);

    const g = await openPage(browser, url);
    await signInUi(g, guest.email);
    await poll(() => editorOf(g).textContent()).toContain('Terms for our partner.');
    // An editor share can edit.
    await poll(() => g.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await editorOf(g).getByText('Terms for our partner.').click();
    await g.keyboard.press('End');
    await g.keyboard.type(' Signed.');
    await poll(() => t.owner.documents.content(doc.id, 'text')).toContain('Signed.');
    await a.context().close();
    await g.context().close();
  }, 240_000);
});
