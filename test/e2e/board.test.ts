import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import { addMember } from '../support/membership.js';
import type { TestServer } from '../support/server.js';
import { card, launchTeam } from './fixtures.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

async function team() {
  const t = await launchTeam(server);
  return { ...t, doing: t.statuses.find((s) => s.name === 'In Progress')! };
}

describe('the board', () => {
  it('moves a card by drag and drop, saves it, and a second browser sees it move live', async () => {
    const t = await team();
    const boardUrl = `${server.url}/w/${t.ws.id}/p/${t.project.id}`;
    const a = await openPage(browser, boardUrl);
    await signInUi(a, t.owner.email);
    const b = await openPage(browser, boardUrl);
    await signInUi(b, t.editor.email);
    await card(a, 'To Do', t.first.id).waitFor();
    await card(b, 'To Do', t.first.id).waitFor();
    await poll(() => a.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await poll(() => b.locator('output.connection').getAttribute('data-state')).toBe('connected');
    // Each sees the other on the board.
    await a.locator(`.board-page .avatar-stack .avatar[title="${t.editor.displayName}"]`).waitFor();
    await b.locator(`.board-page .avatar-stack .avatar[title="${t.owner.displayName}"]`).waitFor();
    await screenshot(a, 'board');

    await card(a, 'To Do', t.first.id).dragTo(a.locator('section.column[data-status="In Progress"]'));
    await card(a, 'In Progress', t.first.id).waitFor();
    await card(b, 'In Progress', t.first.id).waitFor();
    await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).status).toBe(t.doing.id);
    await screenshot(b, 'board-after-move');
    await a.context().close();
    await b.context().close();
  });

  it('opens from the saved copy, then shows what changed while it was closed', async () => {
    const t = await team();
    const boardUrl = `${server.url}/w/${t.ws.id}/p/${t.project.id}`;
    const page = await openPage(browser, boardUrl);
    await signInUi(page, t.editor.email);
    await card(page, 'To Do', t.first.id).getByText('Write the landing copy').waitFor();
    // Give the cache time to be saved, then close the tab and change the task meanwhile.
    await page.waitForTimeout(1500);
    const context = page.context();
    await page.close();
    await t.owner.tracking.tasks.update(t.first.id, { title: 'Write the launch copy' });
    const again = await context.newPage();
    await again.goto(boardUrl);
    await card(again, 'To Do', t.first.id).getByText('Write the launch copy').waitFor();
    await context.close();
  });

  it('reorders within a column from the keyboard (Alt+ArrowUp) and keeps the order after a reload', async () => {
    const t = await team();
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}`);
    await signInUi(page, t.owner.email);
    const ids = () =>
      page
        .locator('section.column[data-status="To Do"] [data-task-id]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')));
    await poll(ids).toEqual([t.first.id, t.second.id]);
    await card(page, 'To Do', t.second.id).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await poll(ids).toEqual([t.second.id, t.first.id]);
    await poll(async () => (await t.owner.tracking.tasks.list(t.project.id)).items.map((x) => x.id)).toEqual([t.second.id, t.first.id]);
    await page.reload();
    await poll(ids).toEqual([t.second.id, t.first.id]);
    await page.context().close();
  });

  it('opens a task, edits its fields, ticks a checklist item and comments with an @mention', async () => {
    const t = await team();
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}`);
    await signInUi(page, t.owner.email);
    await card(page, 'To Do', t.first.id).click();
    const drawer = page.getByRole('complementary', { name: /Task WEB-/ });
    await drawer.waitFor();
    await drawer.getByLabel('Priority').selectOption('high');
    await drawer.getByLabel('Assignee').selectOption(t.editor.userId);
    await drawer.getByRole('button', { name: 'Edit' }).click();
    await drawer.getByLabel('Description').fill('Tone: **friendly**\n\n<img src=x onerror=alert(1)>');
    await drawer.getByRole('button', { name: 'Save' }).click();
    await drawer.locator('.description strong', { hasText: 'friendly' }).waitFor();
    expect(await drawer.locator('.description img[onerror]').count()).toBe(0);
    await drawer.getByLabel('New checklist item').fill('Draft headline');
    await drawer.getByLabel('New checklist item').press('Enter');
    await drawer.getByRole('checkbox').check();
    const box = drawer.getByLabel('Write a comment');
    await box.fill('Looks good, ');
    await box.pressSequentially('@Edi');
    await drawer.locator('.mention-option').first().click();
    await box.pressSequentially('please review');
    await drawer.getByRole('button', { name: 'Comment' }).click();
    await drawer.locator('.comment .mention').first().waitFor();
    await screenshot(page, 'task-detail');

    await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).priority).toBe('high');
    expect((await t.owner.tracking.tasks.get(t.first.id)).description).toContain('Tone: **friendly**');
    expect((await t.owner.tracking.tasks.get(t.first.id)).assigneeId).toBe(t.editor.userId);
    await poll(async () => (await t.owner.tracking.checklist.list(t.first.id)).items.map((i) => [i.text, i.done])).toEqual([
      ['Draft headline', true],
    ]);
    const comments = (await t.owner.tracking.comments.list(t.first.id)).items;
    expect(comments[0]?.body).toBe(`Looks good, @${t.editor.email} please review`);
    expect(comments[0]?.mentions).toEqual([t.editor.userId]);

    page.once('dialog', (d) => void d.accept());
    await drawer.getByRole('button', { name: 'Delete task' }).click();
    await poll(() => card(page, 'To Do', t.first.id).count()).toBe(0);
    await poll(() =>
      t.owner.tracking.tasks.get(t.first.id).then(
        () => 200,
        (e: { status: number }) => e.status,
      ),
    ).toBe(404);
    await page.context().close();
  });
});

describe('a viewer', () => {
  it('sees the board and tasks without controls that would be refused', async () => {
    const t = await team();
    const viewer = await server.user('viewer');
    await addMember(t.owner, t.ws.id, viewer, 'viewer');
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}/t/${t.first.id}`);
    await signInUi(page, viewer.email);
    await card(page, 'To Do', t.first.id).waitFor();
    expect(await page.getByRole('button', { name: '+ Add task' }).count()).toBe(0);
    expect(await card(page, 'To Do', t.first.id).getAttribute('draggable')).toBe('false');
    const drawer = page.getByRole('complementary', { name: /Task WEB-/ });
    await drawer.getByText('You can view this task; editors can change it.').waitFor();
    expect(await drawer.getByLabel('Priority').isDisabled()).toBe(true);
    expect(await drawer.getByLabel('Write a comment').isDisabled()).toBe(true);
    await page.context().close();
  });
});

describe('working offline', () => {
  it('shows offline, keeps moves and new tasks made offline, and sends them when the connection is back', async () => {
    const t = await team();
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}`);
    await signInUi(page, t.owner.email);
    await card(page, 'To Do', t.first.id).waitFor();
    const connection = page.locator('output.connection');
    await poll(() => connection.getAttribute('data-state')).toBe('connected');

    await page.context().setOffline(true);
    await poll(() => connection.getAttribute('data-state')).toBe('offline');
    await card(page, 'To Do', t.first.id).focus();
    await page.keyboard.press('Alt+ArrowRight');
    await card(page, 'In Progress', t.first.id).waitFor();
    await page.locator('section.column[data-status="In Progress"]').getByRole('button', { name: '+ Add task' }).click();
    await page.getByLabel('New task title').fill('Written on the train');
    await page.getByLabel('New task title').press('Enter');
    await poll(() => connection.textContent()).toContain('2 queued');
    await screenshot(page, 'offline');
    expect((await t.owner.tracking.tasks.get(t.first.id)).status).toBe(t.todo.id);

    await page.context().setOffline(false);
    await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).status).toBe(t.doing.id);
    await poll(async () => (await t.owner.tracking.tasks.list(t.project.id)).items.map((x) => [x.title, x.status])).toContainEqual([
      'Written on the train',
      t.doing.id,
    ]);
    await poll(() => connection.getAttribute('data-state')).toBe('connected');
    await page.context().close();
  });
});
