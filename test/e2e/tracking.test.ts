// Sprints and the backlog, labels, board filters, status management and project roles, driven
// through the web client in Chromium against a real server.
import type { Browser, Page } from 'playwright-core';
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
  const base = `${server.url}/w/${t.ws.id}`;
  const urls = {
    board: `${base}/p/${t.project.id}`,
    backlog: `${base}/p/${t.project.id}/backlog`,
    settings: `${base}/p/${t.project.id}/settings`,
    labels: `${base}/labels`,
  };
  return { ...t, done: t.statuses.find((s) => s.category === 'done')!, urls };
}

const anyCard = (page: Page, taskId: string) => page.locator(`section.column [data-task-id="${taskId}"]`);
const row = (page: Page, list: string, taskId: string) =>
  page.getByRole('region', { name: list, exact: true }).locator(`[data-task-id="${taskId}"]`);

describe('sprints and the backlog', () => {
  it('creates a sprint, fills it by drag and from the drawer, starts it, shows it on the board and completes it, sending the unfinished task back to the backlog', async () => {
    const t = await team();
    const page = await openPage(browser, t.urls.backlog);
    await signInUi(page, t.editor.email);
    await row(page, 'Backlog', t.first.id).waitFor();
    await row(page, 'Backlog', t.second.id).waitFor();

    await page.getByLabel('Sprint name').fill('Week 1');
    await page.getByLabel('Sprint goal').fill('Ship the landing page');
    await page.getByRole('button', { name: 'Create sprint' }).click();
    const sprintList = page.getByRole('region', { name: 'Sprint Week 1' });
    await sprintList.waitFor();
    await poll(async () => (await t.owner.tracking.sprints.list(t.project.id)).items.map((s) => [s.name, s.state])).toEqual([
      ['Week 1', 'planned'],
    ]);
    const sprint = (await t.owner.tracking.sprints.list(t.project.id)).items[0]!;

    // One task dragged into the sprint, the other put there from its drawer.
    await poll(() => sprintList.getByRole('button', { name: 'Start sprint' }).isEnabled()).toBe(true);
    await row(page, 'Backlog', t.first.id).dragTo(sprintList);
    await row(page, 'Sprint Week 1', t.first.id).waitFor();
    await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).sprintId).toBe(sprint.id);
    await row(page, 'Backlog', t.second.id).getByRole('link', { name: t.second.title }).click();
    const drawer = page.getByRole('complementary', { name: `Task ${t.second.key}` });
    await drawer.getByLabel('Sprint', { exact: true }).selectOption(sprint.id);
    await row(page, 'Sprint Week 1', t.second.id).waitFor();
    await poll(async () => (await t.owner.tracking.tasks.get(t.second.id)).sprintId).toBe(sprint.id);
    // The second task is finished before the sprint ends.
    await drawer.getByLabel('Status').selectOption(t.done.id);
    await poll(async () => (await t.owner.tracking.tasks.get(t.second.id)).status).toBe(t.done.id);
    await drawer.getByRole('button', { name: 'Close' }).click();

    await sprintList.getByRole('button', { name: 'Start sprint' }).click();
    await sprintList.getByRole('button', { name: 'Complete sprint' }).waitFor();
    await poll(async () => (await t.owner.tracking.sprints.get(sprint.id)).state).toBe('active');
    await screenshot(page, 'backlog-active-sprint');

    // The board narrowed to the active sprint shows its tasks and not the backlog's.
    const outside = await t.owner.tracking.tasks.create(t.project.id, { title: 'Later: blog', status: t.todo.id });
    await page.getByRole('link', { name: 'Board', exact: true }).click();
    await anyCard(page, outside.id).waitFor();
    await page.getByLabel('Sprint filter').selectOption({ label: 'Active sprint: Week 1' });
    await poll(() => anyCard(page, outside.id).count()).toBe(0);
    await card(page, 'To Do', t.first.id).waitFor();
    await anyCard(page, t.second.id).waitFor();

    await page.getByRole('link', { name: 'Backlog', exact: true }).click();
    await sprintList.getByRole('button', { name: 'Complete sprint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Complete Week 1' });
    await dialog.getByText('1 task is not done.').waitFor();
    await dialog.getByLabel('Move unfinished tasks to').selectOption({ label: 'Backlog' });
    await dialog.getByRole('button', { name: 'Complete sprint' }).click();
    await poll(() => dialog.count()).toBe(0);
    await row(page, 'Backlog', t.first.id).waitFor();
    await poll(() => sprintList.count()).toBe(0);
    await page.getByText('Completed sprints (1)').waitFor();

    await poll(async () => (await t.owner.tracking.sprints.get(sprint.id)).state).toBe('completed');
    expect((await t.owner.tracking.tasks.get(t.first.id)).sprintId).toBeNull();
    expect((await t.owner.tracking.tasks.get(t.second.id)).sprintId).toBe(sprint.id);
    await page.context().close();
  });
});

describe('labels', () => {
  it('creates a label, assigns it in the drawer, shows it on the card, filters the board by it and follows a rename and a new colour', async () => {
    const t = await team();
    const page = await openPage(browser, t.urls.labels);
    await signInUi(page, t.editor.email);
    await page.getByLabel('Label name').fill('Bug');
    await page.getByRole('button', { name: 'Create label' }).click();
    await page.getByLabel('Name of label Bug').waitFor();
    await poll(async () => (await t.owner.tracking.labels.list(t.ws.id)).items.map((l) => l.name)).toEqual(['Bug']);
    const label = (await t.owner.tracking.labels.list(t.ws.id)).items[0]!;

    await page.goto(`${t.urls.board}/t/${t.first.id}`);
    const drawer = page.getByRole('complementary', { name: `Task ${t.first.key}` });
    await drawer.getByLabel('Add label').selectOption({ label: 'Bug' });
    await drawer.getByRole('button', { name: 'Remove label Bug' }).waitFor();
    await card(page, 'To Do', t.first.id).locator('.label-chip', { hasText: 'Bug' }).waitFor();
    await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).labels.map((l) => l.id)).toEqual([label.id]);
    await drawer.getByRole('button', { name: 'Close' }).click();

    await page.getByLabel('Label filter').selectOption({ label: 'Bug' });
    await poll(() => anyCard(page, t.second.id).count()).toBe(0);
    await card(page, 'To Do', t.first.id).waitFor();
    await screenshot(page, 'board-label-filter');
    // The other filters narrow the same board: a search that matches nothing labelled Bug empties it.
    await page.getByLabel('Search tasks').fill('hero');
    await poll(() => anyCard(page, t.first.id).count()).toBe(0);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await anyCard(page, t.second.id).waitFor();
    await anyCard(page, t.first.id).waitFor();
    await page.getByLabel('Search tasks').fill('hero');
    await poll(() => anyCard(page, t.first.id).count()).toBe(0);
    await anyCard(page, t.second.id).waitFor();

    // A rename reaches the chips.
    await page.getByRole('link', { name: 'Labels', exact: true }).click();
    await page.getByLabel('Name of label Bug').fill('Defect');
    await page.getByLabel('Name of label Bug').press('Enter');
    await poll(async () => (await t.owner.tracking.labels.list(t.ws.id)).items.map((l) => l.name)).toEqual(['Defect']);
    await page.getByLabel('Color of label Defect').fill('#0090ff');
    await poll(async () => (await t.owner.tracking.labels.list(t.ws.id)).items.map((l) => l.color)).toEqual(['#0090ff']);
    await page.goBack();
    await card(page, 'To Do', t.first.id).locator('.label-chip', { hasText: 'Defect' }).waitFor();
    await page.context().close();
  });
});

describe('project settings', () => {
  it('lets the owner add, rename and reorder a status, delete one holding tasks into a chosen status, and override a role', async () => {
    const t = await team();
    const page = await openPage(browser, t.urls.board);
    await signInUi(page, t.owner.email);
    await card(page, 'To Do', t.first.id).waitFor();
    await page.getByRole('link', { name: 'Settings', exact: true }).click();

    await page.getByLabel('New status name').fill('Review');
    await page.getByLabel('New status category').selectOption('in_progress');
    await page.getByRole('button', { name: 'Add status' }).click();
    await page.getByLabel('Name of status Review').waitFor();
    await poll(async () => (await t.owner.tracking.statuses.list(t.project.id)).items.map((s) => [s.name, s.category]).at(-1)).toEqual([
      'Review',
      'in_progress',
    ]);
    await page.getByLabel('Name of status Review').fill('In Review');
    await page.getByLabel('Name of status Review').press('Enter');
    await page.getByLabel('Name of status In Review').waitFor();
    await page.getByRole('button', { name: 'Move In Review left' }).click();
    await poll(async () => {
      const names = (await t.owner.tracking.statuses.list(t.project.id)).items.sort((a, b) => a.position - b.position).map((s) => s.name);
      return names.indexOf('In Review') === names.length - 2;
    }).toBe(true);
    const review = (await t.owner.tracking.statuses.list(t.project.id)).items.find((s) => s.name === 'In Review')!;

    // "To Do" holds both tasks: deleting it asks where they go.
    await page.getByRole('button', { name: 'Delete status To Do' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete status To Do' });
    await dialog.getByText('2 tasks are in To Do').waitFor();
    await dialog.getByLabel('Move its tasks to').selectOption({ label: 'In Review' });
    await dialog.getByRole('button', { name: 'Delete status' }).click();
    await poll(() => dialog.count()).toBe(0);
    await poll(() => page.getByLabel('Name of status To Do').count()).toBe(0);
    await poll(async () => (await t.owner.tracking.tasks.get(t.first.id)).status).toBe(review.id);
    expect((await t.owner.tracking.tasks.get(t.second.id)).status).toBe(review.id);
    expect((await t.owner.tracking.statuses.list(t.project.id)).items.map((s) => s.name)).not.toContain('To Do');

    // The editor becomes a viewer of this project only.
    await page.getByLabel(`Project role of ${t.editor.displayName}`).selectOption('viewer');
    await poll(async () =>
      (await t.owner.tracking.projects.members(t.project.id)).items.find((m) => m.userId === t.editor.userId),
    ).toMatchObject({ role: 'viewer', override: true });
    await page.getByRole('button', { name: 'Use workspace role' }).click();
    await poll(async () =>
      (await t.owner.tracking.projects.members(t.project.id)).items.find((m) => m.userId === t.editor.userId),
    ).toMatchObject({ role: 'editor', override: false });
    await screenshot(page, 'project-settings');

    await page.getByRole('link', { name: 'Board', exact: true }).click();
    await card(page, 'In Review', t.first.id).waitFor();
    expect(await page.locator('section.column[data-status="To Do"]').count()).toBe(0);
    await page.context().close();
  });
});

describe('a viewer', () => {
  it('sees sprints, labels and statuses without any control that would be refused', async () => {
    const t = await team();
    const viewer = await server.user('viewer');
    await addMember(t.owner, t.ws.id, viewer, 'viewer');
    const sprint = await t.owner.tracking.sprints.create(t.project.id, { name: 'Week 1' });
    const label = await t.owner.tracking.labels.create(t.ws.id, { name: 'Bug', color: '#e5484d' });
    await t.owner.tracking.tasks.update(t.first.id, { sprintId: sprint.id, labelIds: [label.id] });

    const page = await openPage(browser, t.urls.board);
    await signInUi(page, viewer.email);
    await card(page, 'To Do', t.first.id).locator('.label-chip', { hasText: 'Bug' }).waitFor();
    expect(await page.getByRole('link', { name: 'Settings', exact: true }).count()).toBe(0);

    await page.getByRole('link', { name: 'Backlog', exact: true }).click();
    await row(page, 'Sprint Week 1', t.first.id).waitFor();
    await row(page, 'Backlog', t.second.id).waitFor();
    expect(await page.getByRole('button', { name: 'Create sprint' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start sprint' }).count()).toBe(0);
    expect(await page.getByLabel(`Sprint of ${t.first.key}`).count()).toBe(0);
    expect(await page.getByLabel('New task in the backlog').count()).toBe(0);
    expect(await row(page, 'Backlog', t.second.id).getAttribute('draggable')).toBe('false');

    await row(page, 'Sprint Week 1', t.first.id).getByRole('link', { name: t.first.title }).click();
    const drawer = page.getByRole('complementary', { name: `Task ${t.first.key}` });
    expect(await drawer.getByLabel('Sprint', { exact: true }).isDisabled()).toBe(true);
    await drawer.locator('.label-chip', { hasText: 'Bug' }).waitFor();
    expect(await drawer.getByLabel('Add label').count()).toBe(0);
    expect(await drawer.getByRole('button', { name: 'Remove label Bug' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Labels', exact: true }).click();
    await page.getByText('Editors and owners manage labels.').waitFor();
    expect(await page.getByRole('button', { name: 'Create label' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete label Bug' }).count()).toBe(0);

    await page.goto(t.urls.settings);
    await page.getByText("Only the project's owners manage its statuses and roles.").waitFor();
    expect(await page.getByRole('button', { name: 'Add status' }).count()).toBe(0);
    await page.context().close();
  });
});
