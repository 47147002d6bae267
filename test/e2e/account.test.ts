// The account screens in Chromium against a real server and a real SMTP server: forgot password →
// the emailed link → a new password; the emailed confirmation link; API tokens shown once; signing
// out another device.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { startMailbox } from '../support/smtp.js';

let server: TestServer;
let browser: Browser;
let mailbox: Awaited<ReturnType<typeof startMailbox>>;
const env: Record<string, string> = {};

beforeAll(async () => {
  mailbox = await startMailbox();
  env.SMTP_URL = mailbox.url;
});
withWebServer((s, b) => {
  server = s;
  browser = b;
}, env);
afterAll(() => mailbox?.close());

/**
 * The link in the newest mail to `to` whose path is `path`. Test servers listen on a random port the
 * mail cannot know (no TANDEM_PUBLIC_URL), so the link's path and query are opened on the server.
 */
async function linkFromMail(to: string, path: string): Promise<string> {
  const pattern = new RegExp(`https?://[^/\\s]+(${path}\\?token=[A-Za-z0-9_-]+)`);
  let found: string | undefined;
  await poll(() => {
    for (const mail of [...mailbox.received].reverse()) {
      if (!mail.to.includes(to)) continue;
      const m = pattern.exec(mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='));
      if (m) {
        found = m[1];
        return true;
      }
    }
    return false;
  }).toBe(true);
  return `${server.url}${found}`;
}

describe('forgot password', () => {
  it('asks for a reset from the sign-in screen and sets a new password from the emailed link', async () => {
    const ann = await server.user('ann');
    const page = await openPage(browser, server.url);
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('Email').fill(ann.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('we sent it a link to choose a new password').waitFor();

    const link = await linkFromMail(ann.email, '/reset-password');
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('a fresh long password');
    await page.getByLabel('Repeat the new password').fill('a fresh long password');
    await screenshot(page, 'reset-password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    // The login that existed before the reset has ended.
    expect((await ann.me().catch((e) => e)).status).toBe(401);

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signInUi(page, ann.email, 'a fresh long password');

    // The same link a second time is refused with a clear message.
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('yet another password');
    await page.getByLabel('Repeat the new password').fill('yet another password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await poll(() => page.getByRole('alert').textContent()).toBe('This link has expired or was already used. Ask for a new one.');
    await page.context().close();
  }, 90_000);
});

describe('confirming the email address', () => {
  it('shows a banner until the emailed link is opened, then confirms the address', async () => {
    const bob = await server.user('bob');
    const page = await openPage(browser, server.url);
    await signInUi(page, bob.email);
    await page.getByText('Please confirm your email address').waitFor();
    await screenshot(page, 'unverified-banner');

    await page.goto(await linkFromMail(bob.email, '/verify-email'));
    await page.getByRole('heading', { name: 'Email confirmed' }).waitFor();
    await page.getByRole('button', { name: 'Continue to Tandem' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await poll(() => page.getByText('Please confirm your email address').count()).toBe(0);
    expect((await bob.me()).emailVerified).toBe(true);
    await page.context().close();
  }, 90_000);
});

describe('the account page', () => {
  it('creates an API token shown once, which works until it is revoked', async () => {
    const cy = await server.user('cy');
    const page = await openPage(browser, server.url);
    await signInUi(page, cy.email);
    await page.getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    await page.getByLabel('Token name').fill('Nightly export');
    await page.getByLabel('Scope').selectOption('read');
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = await page.getByLabel('New token').inputValue();
    expect(value).toMatch(/^tdm_/);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await screenshot(page, 'account-token');
    const me = () => fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${value}` } }).then((r) => r.status);
    expect(await me()).toBe(200);

    await page.reload();
    const row = page.getByRole('list', { name: 'API tokens' }).getByRole('listitem').filter({ hasText: 'Nightly export' });
    await poll(() => row.textContent()).toContain('read only');
    expect(await page.getByLabel('New token').count()).toBe(0);
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    await poll(() => row.count()).toBe(0);
    expect(await me()).toBe(401);
    await page.context().close();
  }, 90_000);

  it('lists the devices signed in and signs one out', async () => {
    const dee = await server.user('dee');
    const page = await openPage(browser, server.url);
    await signInUi(page, dee.email);
    await page.goto(`${server.url}/account`);
    const devices = page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
    // The API client that registered, and this browser.
    await poll(() => devices.count()).toBe(2);
    // (Recent sign-ins, further down, marks this browser too.)
    await poll(() => devices.getByText('this device', { exact: true }).count()).toBe(1);
    await screenshot(page, 'account-sessions');
    await devices
      .filter({ hasNot: page.getByText('this device', { exact: true }) })
      .getByRole('button', { name: 'Sign out' })
      .click();
    await poll(() => devices.count()).toBe(1);
    expect((await dee.me().catch((e) => e)).status).toBe(401);
    await page.context().close();
  }, 90_000);

  it('changes the password, keeping this browser signed in, then signs out everywhere', async () => {
    const eve = await server.user('eve');
    const page = await openPage(browser, server.url);
    await signInUi(page, eve.email);
    await page.goto(`${server.url}/account`);
    await page.getByLabel('Current password').fill('correct horse battery');
    await page.getByLabel('New password').fill('an even better password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await poll(() => page.getByText('Password changed').count()).toBe(1);
    await page.reload();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await eve.me().catch((e) => e)).status).toBe(401);
    await page.context().close();
  }, 90_000);
});
