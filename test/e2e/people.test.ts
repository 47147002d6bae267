import type { Browser } from 'playwright-core';
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

describe('members and the inbox', () => {
  it('lets an owner add a member by email, change their role and see a clear error for an unknown email', async () => {
    const owner = await server.user('owner');
    const colleague = await server.user('colleague');
    const ws = await owner.workspaces.create({ name: 'Studio' });
    const page = await openPage(browser, `${server.url}/w/${ws.id}/members`);
    await signInUi(page, owner.email);

    await page.getByLabel('Email of the person to add').fill('nobody@example.test');
    await page.getByRole('button', { name: 'Add member' }).click();
    await poll(() => page.getByRole('alert').textContent()).toMatch(/No Tandem account uses that email/);

    await page.getByLabel('Email of the person to add').fill(colleague.email);
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByLabel(`Role of ${colleague.displayName}`).waitFor();
    await page.getByLabel(`Role of ${colleague.displayName}`).selectOption('viewer');
    await poll(async () => (await owner.workspaces.members(ws.id)).items.find((m) => m.userId === colleague.userId)?.role).toBe('viewer');
    await screenshot(page, 'members');
    await page.context().close();
  });

  it('shows a mention in the inbox live with an unread count, and opens the task from it', async () => {
    const owner = await server.user('owner');
    const editor = await server.user('editor');
    const ws = await owner.workspaces.create({ name: 'Studio' });
    await addMember(owner, ws.id, editor, 'editor');
    const project = await owner.tracking.projects.create(ws.id, { name: 'Brand', key: 'BRD' });
    const task = await owner.tracking.tasks.create(project.id, { title: 'New logo' });
    await editor.tracking.notifications.readAll(); // being added to the workspace was news too

    const page = await openPage(browser, `${server.url}/w/${ws.id}/inbox`);
    await signInUi(page, editor.email);
    await page.getByText('All caught up').waitFor();
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');

    await owner.tracking.comments.create(task.id, { body: `@${editor.email} can you take this?` });
    const item = page.getByRole('button', { name: /mentioned you in BRD-1 New logo/ });
    await item.waitFor();
    await poll(() => page.locator('.nav .badge').textContent()).toBe('1 unread');
    await screenshot(page, 'inbox');

    await item.click();
    await page.getByRole('complementary', { name: 'Task BRD-1' }).waitFor();
    expect(page.url()).toContain(`/p/${project.id}/t/${task.id}`);
    await poll(() => page.locator('.nav .badge').count()).toBe(0);
    await poll(async () => (await editor.tracking.notifications.unreadCount()).count).toBe(0);
    await page.context().close();
  });

  it('takes a removed member out of the workspace at once, with a message', async () => {
    const owner = await server.user('owner');
    const member = await server.user('member');
    const ws = await owner.workspaces.create({ name: 'Secret plans' });
    await addMember(owner, ws.id, member, 'editor');
    const page = await openPage(browser, `${server.url}/w/${ws.id}`);
    await signInUi(page, member.email);
    await page.getByRole('heading', { name: 'Secret plans' }).waitFor();
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');

    await owner.workspaces.removeMember(ws.id, member.userId);
    await page.getByText('You no longer have access to this workspace').waitFor();
    await page.getByRole('heading', { name: `Welcome, ${member.displayName}` }).waitFor();
    expect(await page.getByText('Secret plans').count()).toBe(0);
    await page.context().close();
  });
});
