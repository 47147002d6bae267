// Single sign-on from the browser: the sign-in screen's "Sign in with …" button, the identity
// provider's login page, and back into Tandem signed in; a refusal comes back as a sentence.
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, withWebServer } from '../support/browser.js';
import { freePort, startTestIdp, type TestIdp } from '../support/oidc-provider.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;
let idp: TestIdp;

withWebServer(
  (s, b) => {
    server = s;
    browser = b;
  },
  async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    idp = await startTestIdp({ redirectUris: [`${base}/api/v1/auth/oidc/callback`] });
    return { PORT: String(port), TANDEM_PUBLIC_URL: base, ...idp.env, OIDC_NAME: 'Acme ID' };
  },
);
afterAll(() => idp?.close());

describe('single sign-on from the sign-in screen', () => {
  it('signs in with the identity provider and lands in the app, signed in', async () => {
    idp.accounts.set('grace', { email: 'grace@acme.test', email_verified: true, name: 'Grace Hopper' });
    const page = await openPage(browser, server.url);
    await page.getByRole('button', { name: 'Sign in with Acme ID' }).click();
    // The provider's own page.
    await page.getByRole('heading', { name: 'Test identity provider' }).waitFor();
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    await page.getByLabel('Username').fill('grace');
    await page.getByRole('button', { name: 'Continue' }).click();
    // Back in Tandem: a new account goes to onboarding.
    await page.getByRole('heading', { name: 'Welcome, Grace Hopper' }).waitFor();
    await screenshot(page, 'sso-signed-in');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(page.url()).not.toContain('code=');
    const tokens = await page.evaluate(() => localStorage.getItem('tandem.tokens'));
    expect(JSON.parse(tokens!)).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.context().close();
  });

  it('shows why the provider could not sign the person in, and keeps the password form', async () => {
    idp.accounts.set('unverified', { email: 'unverified@acme.test', email_verified: false, name: 'Unverified' });
    const page = await openPage(browser, server.url);
    await page.getByRole('button', { name: 'Sign in with Acme ID' }).click();
    await page.getByLabel('Username').fill('unverified');
    await page.getByRole('button', { name: 'Continue' }).click();
    await poll(() => page.getByRole('alert').textContent()).toMatch(/has not confirmed your email address/);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByLabel('Password').waitFor();
    await page.context().close();
  });
});
