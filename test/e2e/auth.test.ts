import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, poll, registerInUi, screenshot, signInUi, uniqueEmail, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

describe('serving the web client', () => {
  it('answers every app URL with the client and keeps JSON 404s for the API', async () => {
    const page = await fetch(`${server.url}/w/some-workspace/p/some-project`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${server.url}/api/v1/no-such-route`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: 'Route not found' } });
  });
});

describe('signing up and in from the browser', () => {
  it('registers, creates a first workspace and lands in it', async () => {
    const page = await openPage(browser, server.url);
    await screenshot(page, 'sign-in');
    await registerInUi(page, 'Ada Lovelace', uniqueEmail('ada'));
    await page.getByRole('heading', { name: 'Welcome, Ada Lovelace' }).waitFor();
    await screenshot(page, 'onboarding');
    await page.getByLabel('Workspace name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { name: 'Analytical Engines' }).waitFor();
    expect(await page.getByLabel('Workspace').inputValue()).toMatch(/^[0-9a-f-]{36}$/);
    expect(page.url()).toMatch(/\/w\/[0-9a-f-]{36}$/);
    await poll(() => page.locator('output.connection').getAttribute('data-state')).not.toBe('offline');
    await screenshot(page, 'workspace');
    // Keyboard: "?" lists the shortcuts, "g i" opens the inbox.
    await page.locator('body').press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.locator('body').press('g');
    await page.locator('body').press('i');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.context().close();
  });

  it('signs out, then signs back in and still finds the workspace', async () => {
    const email = uniqueEmail('grace');
    const page = await openPage(browser, server.url);
    await registerInUi(page, 'Grace Hopper', email);
    await page.getByLabel('Workspace name').fill('Compilers');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { name: 'Compilers' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('tandem.tokens'))).toBeNull();

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Compilers' }).waitFor();
    // A reload keeps the session (tokens persisted) and the workspace.
    await page.reload();
    await page.getByRole('heading', { name: 'Compilers' }).waitFor();
    await page.context().close();
  });

  it("shows the API's own message for a wrong password and stays on the form", async () => {
    const page = await openPage(browser, server.url);
    await page.getByLabel('Email').fill(uniqueEmail('nobody'));
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.context().close();
  });

  it('refuses a short password before calling the server, and a duplicate email with a clear message', async () => {
    const email = uniqueEmail('dup');
    await server.client().auth.register({ email, password: 'long enough pw', displayName: 'First' });
    const page = await openPage(browser, server.url);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Second');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await poll(() => page.getByRole('alert').textContent()).toContain('at least 8 characters');
    await page.getByLabel('Password').fill('long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await poll(() => page.getByRole('alert').textContent()).toMatch(/already|exists|registered|taken/i);
    await page.context().close();
  });

  it('refreshes an expired access token once for two tabs at the same time, without ending the login', async () => {
    const user = await server.user('tabs');
    const ws = await user.workspaces.create({ name: 'Two tabs' });
    const first = await openPage(browser, `${server.url}/w/${ws.id}`);
    await signInUi(first, user.email);
    await first.getByRole('heading', { name: 'Two tabs' }).waitFor();
    const second = await first.context().newPage();
    await second.goto(`${server.url}/w/${ws.id}`);
    await second.getByRole('heading', { name: 'Two tabs' }).waitFor();

    // Both tabs wake up with an access token the server refuses; each must refresh, and the
    // single-use refresh token must be spent only once.
    await first.evaluate(() => {
      const t = JSON.parse(localStorage.getItem('tandem.tokens')!);
      localStorage.setItem('tandem.tokens', JSON.stringify({ ...t, accessToken: 'expired.access.token' }));
    });
    await Promise.all([first.reload(), second.reload()]);
    await first.getByRole('heading', { name: 'Two tabs' }).waitFor();
    await second.getByRole('heading', { name: 'Two tabs' }).waitFor();
    const tokens = JSON.parse((await first.evaluate(() => localStorage.getItem('tandem.tokens')))!);
    expect(tokens.accessToken).not.toBe('expired.access.token');
    const check = server.client();
    check.http.setTokens(tokens);
    expect((await check.me()).email).toBe(user.email);
    expect(await check.auth.refresh()).toBe(true);
    await first.context().close();
  });
});
