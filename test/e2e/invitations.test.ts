// Team onboarding in real browsers: an owner makes an invite link, a third person opens it, signs
// up and lands in the workspace while the owner watches them appear; an invited account that is
// already signed in sees the invitation arrive and joins without a reload.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, uniqueEmail, withWebServer } from '../support/browser.js';
import { addMember } from '../support/membership.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

describe('invitations', () => {
  it('an invite link joins a third person, who sees the workspace and whom the owner sees appear live', async () => {
    const owner = await server.user('owner');
    const editor = await server.user('editor');
    const ws = await owner.workspaces.create({ name: 'Harbour' });
    await addMember(owner, ws.id, editor, 'editor');

    const ownerPage = await openPage(browser, `${server.url}/w/${ws.id}/members`);
    await signInUi(ownerPage, owner.email);
    await poll(() => ownerPage.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await ownerPage.getByRole('button', { name: 'Invite people' }).click();
    await ownerPage.getByRole('button', { name: 'Invite link' }).click();
    await ownerPage.getByLabel('Role', { exact: true }).selectOption('editor');
    await ownerPage.getByLabel('Uses').fill('5');
    await screenshot(ownerPage, 'invite-dialog');
    await ownerPage.getByRole('button', { name: 'Create link' }).click();
    const url = await ownerPage.getByLabel('Invitation link').inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/invite/[A-Za-z0-9_-]+$`));
    await ownerPage.getByRole('button', { name: 'Done' }).click();
    await ownerPage.getByText('0 of 5 used', { exact: false }).waitFor();

    // The third person: a fresh browser, no account yet.
    const newcomer = await openPage(browser, url);
    await newcomer.getByText(`${owner.displayName} invited you to join`).waitFor();
    await newcomer.getByRole('heading', { name: 'Harbour' }).waitFor();
    await screenshot(newcomer, 'invite-landing');
    const email = uniqueEmail('newcomer');
    await newcomer.getByLabel('Name').fill('Nora Newcomer');
    await newcomer.getByLabel('Email').fill(email);
    await newcomer.getByLabel('Password').fill('correct horse battery');
    await newcomer.getByRole('button', { name: 'Create account and join' }).click();
    await newcomer.getByRole('button', { name: 'Sign out' }).waitFor();
    await poll(() => new URL(newcomer.url()).pathname).toBe(`/w/${ws.id}`);
    await newcomer.getByRole('combobox', { name: 'Workspace' }).waitFor();
    await poll(() => newcomer.getByRole('combobox', { name: 'Workspace' }).inputValue()).toBe(ws.id);

    // The owner's open members page shows her without a reload; the link counts the use.
    await ownerPage.getByText('Nora Newcomer').waitFor();
    await ownerPage.getByText('1 of 5 used', { exact: false }).waitFor();
    await screenshot(ownerPage, 'members-after-join');
    await newcomer.context().close();
    await ownerPage.context().close();
  });

  it('an account added by email sees the invitation arrive live, joins, and the workspace opens without a reload', async () => {
    const owner = await server.user('owner');
    const invitee = await server.user('invitee');
    const ws = await owner.workspaces.create({ name: 'Lighthouse' });
    const page = await openPage(browser, server.url);
    await signInUi(page, invitee.email);
    await page.getByRole('heading', { name: `Welcome, ${invitee.displayName}` }).waitFor();
    await poll(() => page.locator('output.connection').getAttribute('data-state')).toBe('connected');

    await owner.workspaces.addMember(ws.id, { email: invitee.email, role: 'viewer' });
    const banner = page.getByRole('region', { name: 'Invitations for you' });
    await banner.getByText('Lighthouse').waitFor();
    await screenshot(page, 'invitation-banner');
    // Not a member until they say yes.
    expect((await owner.workspaces.members(ws.id)).items.map((m) => m.userId)).not.toContain(invitee.userId);
    await banner.getByRole('button', { name: 'Join' }).click();
    await poll(() => new URL(page.url()).pathname).toBe(`/w/${ws.id}`);
    await poll(() => page.getByRole('combobox', { name: 'Workspace' }).inputValue()).toBe(ws.id);
    expect((await owner.workspaces.members(ws.id)).items.find((m) => m.userId === invitee.userId)?.role).toBe('viewer');
    await page.context().close();
  });
});
