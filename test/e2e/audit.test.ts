// The audit log in Chromium: an owner changes a member's role, opens the audit log from the
// workspace settings, finds the entry (also by filtering) and exports it as CSV; the account page
// lists the person's recent sign-ins.
import { readFile } from 'node:fs/promises';
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

describe('the audit log', () => {
  it('shows an owner the role change they just made, filters to it and exports it as CSV', async () => {
    const owner = await server.user('owner');
    const bob = await server.user('bob');
    const ws = await owner.workspaces.create({ name: 'Audited' });
    await addMember(owner, ws.id, bob, 'viewer');
    const hook = await owner.identity.webhooks.create(ws.id, { url: 'http://192.0.43.10/hook', events: ['*'] });

    const page = await openPage(browser, `${server.url}/w/${ws.id}/members`);
    await signInUi(page, owner.email);
    await page.getByLabel(`Role of ${bob.displayName}`).selectOption('editor');
    await poll(async () => (await owner.workspaces.members(ws.id)).items.find((m) => m.userId === bob.userId)?.role).toBe('editor');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const rows = page.getByRole('table', { name: 'Audit log' }).getByRole('row');
    const change = rows.filter({ hasText: 'Role changed' });
    await poll(() => change.count()).toBe(1);
    expect(await change.textContent()).toContain(owner.displayName);
    expect(await change.textContent()).toContain('viewer → editor');
    expect(await change.textContent()).toContain(bob.displayName);
    // Newest first: the role change, the webhook, the member joining; and a header row.
    await poll(() => rows.count()).toBe(4);
    expect(await rows.nth(1).textContent()).toContain('Role changed');
    await screenshot(page, 'audit-log');

    await page.getByLabel('Action').selectOption('member.role_changed');
    await poll(() => rows.count()).toBe(2);
    await page.getByLabel('Person').selectOption(bob.userId);
    await page.getByText('No entries match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await poll(() => rows.count()).toBe(4);
    await page.getByLabel('Action').selectOption('member.role_changed');
    await poll(() => rows.count()).toBe(2);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
    expect(lines[0]).toBe('id,createdAt,action,actorId,actorEmail,actorName,targetType,targetId,details');
    // The export follows the filters on screen: the role change alone.
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,member.role_changed,${owner.userId},${owner.email},`);
    expect(lines[1]).toContain(`,user,${bob.userId},`);
    expect(lines.join('\n')).not.toContain(hook.id);
    await page.context().close();
  }, 120_000);

  it('is not offered to a member who is not an owner', async () => {
    const owner = await server.user('owner');
    const eve = await server.user('eve');
    const ws = await owner.workspaces.create({ name: 'Private' });
    await addMember(owner, ws.id, eve, 'editor');
    const page = await openPage(browser, `${server.url}/w/${ws.id}`);
    await signInUi(page, eve.email);
    await page.getByRole('link', { name: 'Projects' }).waitFor();
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.goto(`${server.url}/w/${ws.id}/settings/audit`);
    await page.getByText("Only the workspace's owners can read its audit log.").waitFor();
    await page.context().close();
  }, 90_000);
});

describe('recent sign-ins on the account page', () => {
  it('lists this browser and the earlier sign-in, each with its address and method', async () => {
    const ann = await server.user('ann');
    const page = await openPage(browser, server.url);
    await signInUi(page, ann.email);
    await page.goto(`${server.url}/account`);
    const signIns = page.getByRole('list', { name: 'Recent sign-ins' }).getByRole('listitem');
    // The API client that registered, and this browser (newest first).
    await poll(() => signIns.count()).toBe(2);
    expect(await signIns.first().textContent()).toContain('this device');
    for (const text of await signIns.allTextContents()) {
      expect(text).toContain('password');
      expect(text).toContain('127.0.0.1');
      expect(text).toContain('still signed in');
    }
    await page.getByRole('heading', { name: 'Recent sign-ins' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'account-sign-ins');
    await page.context().close();
  }, 90_000);
});
