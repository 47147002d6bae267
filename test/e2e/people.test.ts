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
  it("lets an owner invite by email, see and revoke pending invitations, and change a member's role", async () => {
    const owner = await server.user('owner');
    const colleague = await server.user('colleague');
    const ws = await owner.workspaces.create({ name: 'Studio' });
    const page = await openPage(browser, `${server.url}/w/${ws.id}/members`);
    await signInUi(page, owner.email);

    // An address with no account yet: a pending invitation, listed and revocable.
    await page.getByRole('button', { name: 'Invite people' }).click();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Enter the email address of the person to invite.').waitFor();
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Enter a valid email address, like name@company.com.').waitFor();
    await page.getByLabel('Email').fill('nobody@example.test');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    const pending = page.getByRole('region', { name: 'Pending invitations' });
    await pending.getByText('nobody@example.test').waitFor();
    await pending.getByRole('button', { name: 'Revoke' }).click();
    await poll(() => pending.count()).toBe(0);

    // An existing account: joins once they accept; then the owner changes their role.
    await page.getByRole('button', { name: 'Invite people' }).click();
    await page.getByLabel('Email').fill(colleague.email);
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    const [mine] = (await colleague.invitations.pending()).items;
    await colleague.invitations.acceptPending(mine!.id);
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
    await editor.tracking.notifications.readAll(); // the welcome to the workspace

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
