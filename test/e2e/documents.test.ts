import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connect, synced } from '../collab/helpers.js';
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
const tree = (page: Page) => page.getByRole('region', { name: 'Documents' });

describe('the knowledge base', () => {
  it('creates a document from the tree, and two browsers edit it together, seeing each other', async () => {
    const t = await team();
    const a = await openPage(browser, `${server.url}/w/${t.ws.id}`);
    await signInUi(a, t.owner.email);
    await tree(a).getByRole('button', { name: 'New document' }).click();
    await tree(a).getByRole('menuitem', { name: 'Blank page' }).click();
    const rename = tree(a).getByLabel('Document title');
    await rename.fill('Onboarding');
    await rename.press('Enter');
    await tree(a).getByRole('link', { name: 'Onboarding' }).waitFor();
    const docUrl = a.url();
    expect(docUrl).toMatch(/\/d\/[0-9a-f-]{36}$/);

    await editorOf(a).click();
    await a.keyboard.type('Welcome to the team.');
    const b = await openPage(browser, docUrl);
    await signInUi(b, t.editor.email);
    await poll(() => editorOf(b).textContent()).toContain('Welcome to the team.');

    // Like a person: once the page says it is connected (the document synced), click the line and
    // go to its end. (Clicking the middle of the editor box under load sometimes left the caret at
    // the start of the line; see the session note.)
    await poll(() => b.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await editorOf(b).getByText('Welcome to the team.').click();
    // The caret can land at the line's start just after the click (see the session note): press End
    // until the selection really is at the end of the line, as a person would look before typing.
    await poll(async () => {
      await b.keyboard.press('End');
      return b.evaluate(() => {
        const s = window.getSelection();
        return !!s?.anchorNode && s.anchorOffset === (s.anchorNode.textContent ?? '').length && s.anchorOffset > 0;
      });
    }).toBe(true);
    await b.keyboard.press('Enter');
    await b.keyboard.type('Ask in #help.');
    await poll(() => editorOf(a).textContent()).toContain('Ask in #help.');
    // Each sees the other's avatar and caret.
    await a.locator('.editor-presence .avatar[title="Editor 2"], .editor-presence .avatar').first().waitFor();
    const caret = a.locator('.collaboration-carets__caret').first();
    await caret.waitFor();
    expect(await caret.evaluate((e) => (e as HTMLElement).style.borderColor)).not.toBe('transparent');
    await poll(() => a.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await screenshot(a, 'document');

    const docId = docUrl.split('/').at(-1)!;
    await poll(async () =>
      t.owner.http.request<string>('GET', `/api/v1/documents/${docId}/content`, { query: { format: 'text' } }),
    ).toMatch(/Welcome to the team\.\s*Ask in #help\./);
    await a.context().close();
    await b.context().close();
  });

  it('renames, nests by drag and drop, trashes and restores documents', async () => {
    const t = await team();
    const parent = await t.owner.documents.create(t.ws.id, { title: 'Engineering' });
    const child = await t.owner.documents.create(t.ws.id, { title: 'Code review' });
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}`);
    await signInUi(page, t.owner.email);

    await tree(page)
      .getByRole('link', { name: 'Code review' })
      .dragTo(tree(page).getByRole('link', { name: 'Engineering' }));
    await poll(async () => (await t.owner.documents.get(child.id)).parentId).toBe(parent.id);

    await tree(page).getByRole('button', { name: 'Rename Engineering' }).click();
    await tree(page).getByLabel('Document title').fill('Engineering handbook');
    await tree(page).getByLabel('Document title').press('Enter');
    await poll(async () => (await t.owner.documents.get(parent.id)).title).toBe('Engineering handbook');

    await tree(page).getByRole('button', { name: 'Move Code review to trash' }).click({ force: true });
    await poll(() => tree(page).getByRole('link', { name: 'Code review' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Trash' }).click();
    await page.getByRole('button', { name: 'Restore' }).click();
    await tree(page).getByRole('link', { name: 'Code review' }).waitFor();
    expect((await t.owner.documents.get(child.id)).deletedAt).toBeNull();
    await page.context().close();
  });

  it('keeps typing offline and sends the text when the connection is back', async () => {
    const t = await team();
    const doc = await t.owner.documents.create(t.ws.id, { title: 'Field notes' });
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/d/${doc.id}`);
    await signInUi(page, t.owner.email);
    const connection = page.locator('output.connection');
    await poll(() => connection.getAttribute('data-state')).toBe('connected');
    await editorOf(page).click();
    await page.keyboard.type('Online line.');
    await poll(() => t.owner.documents.content(doc.id, 'text')).toContain('Online line.');

    await page.context().setOffline(true);
    await poll(() => connection.getAttribute('data-state')).toBe('offline');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Written in a tunnel.');
    expect(await t.owner.documents.content(doc.id, 'text')).not.toContain('tunnel');

    await page.context().setOffline(false);
    await poll(() => t.owner.documents.content(doc.id, 'text'), { timeout: 20_000 }).toContain('Written in a tunnel.');
    await poll(() => connection.getAttribute('data-state')).toBe('connected');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await poll(() => page.evaluate(async () => (await indexedDB.databases()).filter((d) => d.name?.startsWith('tandem.doc.')).length)).toBe(
      0,
    );
    await page.context().close();
  });

  it('shows someone outside the workspace what was shared with them, live, and opens it read-only', async () => {
    const t = await team();
    const guest = await server.user('guest');
    const guide = await t.owner.documents.importMarkdown(t.ws.id, { title: 'Guide', markdown: '# Guide\n\nRead me first.' });
    await t.owner.documents.share(guide.id, guest.userId, 'viewer');
    const page = await openPage(browser, `${server.url}/`);
    await signInUi(page, guest.email);
    const shared = page.getByRole('region', { name: 'Shared with me' });
    await shared.getByRole('link', { name: /Guide/ }).click();
    await poll(() => editorOf(page).textContent()).toContain('Read me first.');
    await page.getByText('You can read this document; only editors can change it.').waitFor();
    expect(await page.getByRole('link', { name: 'Projects' }).count()).toBe(0);
    // A second share shows up without a reload.
    const faq = await t.owner.documents.create(t.ws.id, { title: 'FAQ' });
    await t.owner.documents.share(faq.id, guest.userId, 'editor');
    await shared.getByRole('link', { name: /FAQ/ }).waitFor();
    await page.context().close();
  });

  it('shows a reader outside the workspace a mention in a page shared with them, and opens the page from it', async () => {
    const t = await team();
    const guest = await server.user('guest');
    const doc = await t.owner.documents.create(t.ws.id, { title: 'Launch plan' });
    await t.owner.documents.share(doc.id, guest.userId, 'viewer');
    const page = await openPage(browser, `${server.url}/`);
    await signInUi(page, guest.email);
    await page
      .getByRole('region', { name: 'Shared with me' })
      .getByRole('link', { name: /Launch plan/ })
      .waitFor();

    // The owner mentions the guest in the page (as the editor does: a mention node in the text).
    const provider = connect(t.owner, doc.id);
    await synced(provider);
    const mention = new Y.XmlElement('mention');
    mention.setAttribute('id', guest.userId);
    mention.setAttribute('label', 'Guest');
    const p = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    text.insert(0, 'Sign-off needed from ');
    p.insert(0, [text, mention]);
    provider.doc.getXmlFragment('default').insert(0, [p]);

    const inbox = page.getByRole('region', { name: 'Inbox' });
    const item = inbox.getByRole('button', { name: new RegExp(`${t.owner.displayName} mentioned you in Launch plan`) });
    await item.waitFor({ timeout: 20_000 });
    await inbox.getByText('1 unread').waitFor();
    await screenshot(page, 'shared-inbox');
    await item.click();
    await poll(() => page.url()).toBe(`${server.url}/w/${t.ws.id}/d/${doc.id}`);
    await poll(() => editorOf(page).textContent()).toContain('Sign-off needed from');
    await poll(async () => (await guest.tracking.notifications.list({ unread: true })).unreadCount).toBe(0);
    provider.destroy();
    await page.context().close();
  }, 90_000);

  it('saves a page as a template and makes a new page from it with the tree\'s "+" menu', async () => {
    const t = await team();
    const agenda = await t.owner.documents.importMarkdown(t.ws.id, {
      title: 'Meeting notes',
      markdown: '# Agenda\n\n- [ ] Decisions\n- [ ] Owners',
    });
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/d/${agenda.id}`);
    await signInUi(page, t.editor.email);
    await poll(() => editorOf(page).textContent()).toContain('Decisions');
    await page.getByRole('button', { name: 'Save as template' }).click();
    await page.getByText('Saved “Meeting notes” as a template').waitFor();

    await tree(page).getByRole('button', { name: 'New document' }).click();
    const menu = tree(page).getByRole('menu', { name: 'New document' });
    await menu.getByRole('menuitem', { name: 'Meeting notes' }).waitFor();
    await screenshot(page, 'kb-new-from-template');
    await menu.getByRole('menuitem', { name: 'Meeting notes' }).click();
    const rename = tree(page).getByLabel('Document title');
    await rename.fill('Weekly sync');
    await rename.press('Enter');
    await tree(page).getByRole('link', { name: 'Weekly sync' }).waitFor();
    expect(page.url()).not.toContain(agenda.id);
    await poll(() => editorOf(page).textContent()).toContain('Decisions');
    await poll(() => editorOf(page).locator('ul[data-type="taskList"] li').count()).toBe(2);

    // Escape closes the menu without making anything.
    const before = (await t.owner.documents.list(t.ws.id)).items.length;
    await tree(page).getByRole('button', { name: 'New document' }).click();
    await menu.getByRole('menuitem', { name: 'Blank page' }).waitFor();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    expect((await t.owner.documents.list(t.ws.id)).items).toHaveLength(before);
    await page.context().close();
  }, 120_000);
});
