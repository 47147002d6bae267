// Nothing a person types is silently lost: an offline edit that meets a newer one is put to its
// author; a refused comment keeps its text and says why; drafts survive a reload.
import type { Browser, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { launchTeam } from './fixtures.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

/** B (the editor) with the task's drawer open and the socket connected. */
async function editorOnTask(t: Awaited<ReturnType<typeof launchTeam>>, taskId: string) {
  const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}/t/${taskId}`);
  await signInUi(page, t.editor.email);
  const drawer = page.getByRole('complementary', { name: /Task WEB-/ });
  await drawer.waitFor();
  await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');
  return { page, drawer };
}

async function goOffline(page: Page, offline: boolean) {
  await page.context().setOffline(offline);
  await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe(offline ? 'offline' : 'connected');
}

describe('an offline edit that meets a newer one', () => {
  it('asks its author, and keep mine / keep theirs / edit each do what they say', async () => {
    const t = await launchTeam(server);
    const { page, drawer } = await editorOnTask(t, t.first.id);
    const title = drawer.getByLabel('Title');

    const rounds = [
      { choice: 'Keep mine', expected: (mine: string, _theirs: string) => mine },
      { choice: 'Keep theirs', expected: (_mine: string, theirs: string) => theirs },
      { choice: 'Edit', expected: () => 'Agreed title' },
    ];
    for (const [i, round] of rounds.entries()) {
      const mine = `B wrote this offline ${i}`;
      const theirs = `A changed this online ${i}`;
      await poll(() => title.inputValue()).not.toBe('');
      await goOffline(page, true);
      await title.fill(mine);
      await title.press('Enter');
      // A, online, changes the same field meanwhile.
      await t.owner.tracking.tasks.update(t.first.id, { title: theirs });
      await goOffline(page, false);

      const dialog = page.getByRole('dialog', { name: 'Your change meets a newer one' });
      await dialog.waitFor();
      const field = dialog.getByRole('listitem', { name: 'Title' });
      expect(await field.locator('[data-side="mine"]').textContent()).toBe(mine);
      expect(await field.locator('[data-side="theirs"]').textContent()).toBe(theirs);
      await field.getByText(`Now, changed by ${t.owner.displayName}`).waitFor();
      // Until the author answers, A's title stands.
      expect((await t.owner.tracking.tasks.get(t.first.id)).title).toBe(theirs);
      if (i === 0) await screenshot(page, 'conflict-dialog');

      await field.getByLabel(round.choice).check();
      if (round.choice === 'Edit') await field.getByLabel('Title, edited').fill('Agreed title');
      await dialog.getByRole('button', { name: 'Apply' }).click();
      await poll(() => dialog.count()).toBe(0);
      await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).title).toBe(round.expected(mine, theirs));
      await poll(() => title.inputValue()).toBe(round.expected(mine, theirs));
    }
    await page.context().close();
  }, 90_000);

  it('sends an offline edit of a field nobody else changed without asking, and keeps the other change', async () => {
    const t = await launchTeam(server);
    const { page, drawer } = await editorOnTask(t, t.second.id);
    await goOffline(page, true);
    await drawer.getByLabel('Priority').selectOption('high');
    await t.owner.tracking.tasks.update(t.second.id, { title: 'Pick the hero image today' });
    await goOffline(page, false);
    await poll(async () => {
      const task = await t.owner.tracking.tasks.get(t.second.id);
      return [task.title, task.priority];
    }).toEqual(['Pick the hero image today', 'high']);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.context().close();
  }, 90_000);
});

describe('text the server refuses', () => {
  it('keeps a too-long comment in its box with the reason, and it survives a reload', async () => {
    const t = await launchTeam(server);
    const { page, drawer } = await editorOnTask(t, t.first.id);
    const box = drawer.getByLabel('Write a comment');
    const tooLong = `Release notes: ${'all the details '.repeat(3200)}and the end.`;
    // Compared as a flag: a failing diff of 50 000 characters helps nobody.
    const kept = async (box: Locator) => (await box.inputValue()) === tooLong;
    expect(tooLong.length).toBeGreaterThan(50_000);
    await box.fill(tooLong);
    await drawer.getByRole('button', { name: 'Comment' }).click();

    await drawer.locator('.comments .refusal').waitFor();
    expect(await drawer.locator('.comments .refusal').textContent()).toMatch(/Not sent\..*50000/);
    expect(await kept(box)).toBe(true);
    expect((await t.owner.tracking.comments.list(t.first.id)).items).toEqual([]);
    await screenshot(page, 'comment-refused');

    // The kept text (and why) is still there after a reload; shortened, it goes through.
    await page.reload();
    const again = page.getByRole('complementary', { name: /Task WEB-/ }).getByLabel('Write a comment');
    await poll(() => kept(again)).toBe(true);
    await page.locator('.comments .refusal').waitFor();
    await again.fill('Release notes: see the linked document');
    await page.getByRole('button', { name: 'Comment' }).click();
    await poll(async () => (await t.owner.tracking.comments.list(t.first.id)).items.map((c) => c.body)).toEqual([
      'Release notes: see the linked document',
    ]);
    expect(await again.inputValue()).toBe('');
    expect(await page.locator('.comments .refusal').count()).toBe(0);
    await page.context().close();
  }, 90_000);

  it('keeps an unsaved description draft across a reload', async () => {
    const t = await launchTeam(server);
    const { page, drawer } = await editorOnTask(t, t.first.id);
    await drawer.getByRole('button', { name: 'Edit' }).click();
    await drawer.getByLabel('Description').fill('Half-written: the hero needs');
    await page.waitForTimeout(300);
    await page.reload();
    const description = page.getByRole('complementary', { name: /Task WEB-/ }).getByLabel('Description');
    await poll(() => description.inputValue()).toBe('Half-written: the hero needs');
    await page.getByText('Your unsaved draft was restored.').waitFor();
    await description.fill('Half-written: the hero needs a photo of the team');
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).description).toBe(
      'Half-written: the hero needs a photo of the team',
    );
    await page.reload();
    await page
      .getByRole('complementary', { name: /Task WEB-/ })
      .locator('.description p', { hasText: 'photo of the team' })
      .waitFor();
    expect(await page.getByLabel('Description').count()).toBe(0);
    await page.context().close();
  }, 90_000);
});
