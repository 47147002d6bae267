// The board keeps up without a reload and can be driven from the keyboard alone.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { startSlowSocketProxy } from '../support/slow-socket-proxy.js';
import { card, launchTeam } from './fixtures.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

describe('the board', () => {
  it("shows a card created while the board's room was still being joined", async () => {
    const t = await launchTeam(server);
    // The socket opens at once but its frames reach the server a second late: the board's first
    // read and its room join cross, and a card created in between must still show.
    const proxy = await startSlowSocketProxy(server.url, 1000);
    try {
      const page = await openPage(browser, `${proxy.url}/w/${t.ws.id}/p/${t.project.id}`);
      await signInUi(page, t.owner.email);
      await card(page, 'To Do', t.first.id).waitFor();
      const created = await t.editor.tracking.tasks.create(t.project.id, { title: 'Made while joining' });
      await card(page, 'To Do', created.id).waitFor();
      await page.context().close();
    } finally {
      await proxy.close();
    }
  });

  it('keeps focus on a card moved with Alt+arrows, so moves can be chained', async () => {
    const t = await launchTeam(server);
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}`);
    await signInUi(page, t.owner.email);
    const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-task-id') ?? null);
    await card(page, 'To Do', t.first.id).focus();

    await page.keyboard.press('Alt+ArrowRight');
    await card(page, 'In Progress', t.first.id).waitFor();
    await poll(focusedId).toBe(t.first.id);
    await page.keyboard.press('Alt+ArrowRight');
    await card(page, 'Done', t.first.id).waitFor();
    await poll(focusedId).toBe(t.first.id);
    await page.keyboard.press('Alt+ArrowLeft');
    await card(page, 'In Progress', t.first.id).waitFor();
    await poll(focusedId).toBe(t.first.id);

    const statuses = (await t.owner.tracking.statuses.list(t.project.id)).items;
    const doing = statuses.find((s) => s.name === 'In Progress')!;
    await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).status).toBe(doing.id);

    // Within a column too: the second card goes up, and the next key press moves it again.
    await card(page, 'To Do', t.second.id).focus();
    await page.keyboard.press('Alt+ArrowRight');
    // Until the card shows in its new column, focus is still on the old one in To Do.
    await card(page, 'In Progress', t.second.id).waitFor();
    await poll(() => page.evaluate(() => document.activeElement?.closest('section.column')?.getAttribute('data-status') ?? null)).toBe(
      'In Progress',
    );
    await poll(focusedId).toBe(t.second.id);
    await page.keyboard.press('Alt+ArrowUp');
    await poll(() =>
      page
        .locator('section.column[data-status="In Progress"] [data-task-id]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id'))),
    ).toEqual([t.second.id, t.first.id]);
    expect(await focusedId()).toBe(t.second.id);
    await page.context().close();
  }, 90_000);

  it('never shows a card back where it was when the event of its earlier move arrives after a later one', async () => {
    const t = await launchTeam(server);
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}`);
    await signInUi(page, t.owner.email);
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');
    // The answer to each move is held back for a while: the move's event (sent by the server
    // before its answer) reaches the page while the next move is already on screen.
    await page.route(`**/api/v1/tasks/${t.first.id}/move`, async (route) => {
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.fulfill({ response });
    });
    // Every column the card is seen in, in order.
    await page.evaluate((id) => {
      const column = () => document.querySelector(`[data-task-id="${id}"]`)?.closest('section.column')?.getAttribute('data-status') ?? '-';
      const seen = [column()];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        if (seen.at(-1) !== column()) seen.push(column());
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    }, t.first.id);

    await card(page, 'To Do', t.first.id).focus();
    await page.keyboard.press('Alt+ArrowRight');
    await card(page, 'In Progress', t.first.id).waitFor();
    await page.keyboard.press('Alt+ArrowRight');
    await card(page, 'Done', t.first.id).waitFor();
    const done = t.statuses.find((s) => s.name === 'Done')!;
    await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).status).toBe(done.id);
    // Both answers in and the list refetched: the card went right, then right, and never back.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen.filter((c) => c !== '-'))).toEqual([
      'To Do',
      'In Progress',
      'Done',
    ]);
    await page.context().close();
  }, 90_000);

  it("follows others' changes from the events alone, and shows what changed while the board was not on screen", async () => {
    const t = await launchTeam(server);
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}`);
    // Every time the board's task list is asked of the server.
    let listReads = 0;
    page.on('request', (r) => {
      if (r.method() === 'GET' && new URL(r.url()).pathname === `/api/v1/projects/${t.project.id}/tasks`) listReads++;
    });
    await signInUi(page, t.owner.email);
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await card(page, 'To Do', t.first.id).waitFor();
    const readsBefore = listReads;

    // Someone else renames one card and moves the other: the board shows both from the events.
    const doing = t.statuses.find((s) => s.name === 'In Progress')!;
    await t.editor.tracking.tasks.update(t.first.id, { title: 'Write the landing copy, v2' });
    await t.editor.tracking.tasks.move(t.second.id, { status: doing.id });
    await poll(() => card(page, 'To Do', t.first.id).textContent()).toContain('Write the landing copy, v2');
    await card(page, 'In Progress', t.second.id).waitFor();
    expect(listReads).toBe(readsBefore);

    // Away from the board (its project's events no longer reach this page), a change is made;
    // back on the board within seconds, it shows that change, not what it held when left.
    await page.getByRole('link', { name: 'Labels' }).click();
    await page.getByRole('heading', { name: 'Labels' }).waitFor();
    await t.editor.tracking.tasks.update(t.first.id, { title: 'Changed while nobody looked' });
    await t.editor.tracking.tasks.move(t.second.id, { status: t.todo.id });
    await page.goBack();
    await poll(() => card(page, 'To Do', t.first.id).textContent()).toContain('Changed while nobody looked');
    await card(page, 'To Do', t.second.id).waitFor();
    await page.context().close();
  }, 90_000);

  it("updates a card's checklist counter live when someone else ticks an item", async () => {
    const t = await launchTeam(server);
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}`);
    await signInUi(page, t.owner.email);
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');
    const counter = card(page, 'To Do', t.first.id).getByTitle('Checklist');
    expect(await counter.count()).toBe(0);

    const headline = await t.editor.tracking.checklist.add(t.first.id, { text: 'Draft the headline' });
    await t.editor.tracking.checklist.add(t.first.id, { text: 'Draft the subline' });
    await poll(() => counter.textContent()).toBe('☑ 0/2');
    await t.editor.tracking.checklist.update(headline.id, { done: true });
    await poll(() => counter.textContent()).toBe('☑ 1/2');

    // And from one's own drawer.
    await card(page, 'To Do', t.first.id).click();
    const drawer = page.getByRole('complementary', { name: /Task WEB-/ });
    await drawer.getByRole('checkbox').nth(1).check();
    await poll(() => counter.textContent()).toBe('☑ 2/2');
    await page.context().close();
  }, 90_000);

  it('shows the task activity timeline, attributed, and adds what others do live', async () => {
    const t = await launchTeam(server);
    const page = await openPage(browser, `${server.url}/w/${t.ws.id}/p/${t.project.id}/t/${t.first.id}`);
    await signInUi(page, t.editor.email);
    const timeline = page.getByRole('region', { name: 'Activity' }).locator('.timeline-entry > div');
    await poll(() => timeline.allTextContents()).toEqual([expect.stringMatching(new RegExp(`^${t.owner.displayName} created the task`))]);
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');

    await t.owner.tracking.tasks.update(t.first.id, { priority: 'high', assigneeId: t.editor.userId });
    await t.owner.tracking.comments.create(t.first.id, { body: 'Ready for review' });
    await poll(() => timeline.allTextContents()).toEqual([
      expect.stringMatching(new RegExp(`^${t.owner.displayName} commented`)),
      expect.stringMatching(new RegExp(`^${t.owner.displayName} set the priority to high, assigned it to ${t.editor.displayName}`)),
      expect.stringMatching(/created the task/),
    ]);
    // One's own changes too.
    await page.getByLabel('Title').fill('Write the launch copy');
    await page.getByLabel('Title').press('Enter');
    await poll(() => timeline.first().textContent()).toMatch(
      new RegExp(`^${t.editor.displayName} renamed it from “Write the landing copy” to “Write the launch copy”`),
    );
    await screenshot(page, 'task-activity');
    await page.context().close();
  }, 90_000);
});
