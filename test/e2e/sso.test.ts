// Single sign-on from the browser: the sign-in screen's "Sign in with …" button, the identity
// provider's login page, and back into Tandem signed in; a refusal comes back as a sentence.
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, WEB_DIST, withWebServer } from '../support/browser.js';
import { freePort, startTestIdp, type TestIdp } from '../support/oidc-provider.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;
let idp: TestIdp;
/** An address the provider also accepts, for a server with password sign-in off. */
let ssoOnlyBase: string;

withWebServer(
  (s, b) => {
    server = s;
    browser = b;
  },
  async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    ssoOnlyBase = `http://127.0.0.1:${await freePort()}`;
    idp = await startTestIdp({ redirectUris: [base, ssoOnlyBase].map((b) => `${b}/api/v1/auth/oidc/callback`) });
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
    // The reason leaves the address bar, so a reload does not show it again.
    await poll(() => new URL(page.url()).pathname + new URL(page.url()).search).toBe('/');
    await page.getByLabel('Password').waitFor();
    await page.context().close();
  });

  it('offers only the provider when password sign-in is off', async () => {
    const ssoOnly = await startTestServer({
      TANDEM_WEB_DIR: WEB_DIST,
      PORT: new URL(ssoOnlyBase).port,
      TANDEM_PUBLIC_URL: ssoOnlyBase,
      ...idp.env,
      OIDC_NAME: 'Acme ID',
      TANDEM_PASSWORD_LOGIN: 'false',
    });
    try {
      idp.accounts.set('linus', { email: 'linus@acme.test', email_verified: true, name: 'Linus' });
      const page = await openPage(browser, ssoOnly.url);
      await page.getByRole('button', { name: 'Sign in with Acme ID' }).waitFor();
      await screenshot(page, 'sso-only');
      expect(await page.getByLabel('Password').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Create an account' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Sign in with Acme ID' }).click();
      await page.getByLabel('Username').fill('linus');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Welcome, Linus' }).waitFor();
      await page.context().close();
    } finally {
      await ssoOnly.close();
    }
  });
});
