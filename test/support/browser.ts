// Debian's Chromium driven by playwright-core, against a test server that serves the built web
// client. Each browser is launched with its own fresh profile.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startTestServer, type TestServer } from './server.js';

export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps', 'web', 'dist');

export function assertWebBuilt() {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`The web client is not built (${WEB_DIST}); run: npx -y pnpm@10.34.9 exec turbo run build`);
  }
}

/** The browsers this test file launched, and the last errors their pages logged (for a failure's report). */
const launched = new Map<Browser, string[]>();

// A failed browser test also reports what each open page showed and the pages' last errors, in
// the failure summary: a failure seen once on a busy CI machine can then be read, not guessed.
afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  const lines: string[] = [];
  for (const [browser, errors] of launched) {
    for (const page of browser.contexts().flatMap((c) => c.pages())) {
      const path = `/tmp/tandem-failed-${process.pid}-${lines.length + 1}.png`;
      const shown = await page
        .locator('body')
        .textContent({ timeout: 5000 })
        .then((text) => (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 600))
        .catch((err: Error) => `(unreadable: ${err.message.split('\n')[0]})`);
      await page.screenshot({ path, timeout: 5000 }).catch(() => undefined);
      lines.push(`page ${page.url()} (screenshot ${path}) shows: ${shown}`);
    }
    lines.push(...errors);
  }
  if (lines.length) throw new Error(`What the browser showed when the test failed:\n${lines.join('\n')}`);
});

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const errors: string[] = [];
  launched.set(browser, errors);
  browser.on('disconnected', () => launched.delete(browser));
  const note = (line: string) => errors.push(line) > 20 && errors.shift();
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('console', (m) => m.type() === 'error' && note(`[console] ${m.text()}`));
    context.on('weberror', (e) => note(`[page error] ${e.error().message}`));
    return context;
  };
  return browser;
}

/** A new page in a fresh context (its own storage, as a separate person's browser). */
export async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // E2E_DEBUG=1 shows the page's console and failed requests in the test output.
  if (process.env.E2E_DEBUG) {
    page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    page.on('response', (r) => r.status() >= 400 && console.log(`[http ${r.status()}] ${r.request().method()} ${r.url()}`));
  }
  await page.goto(url);
  return page;
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `/tmp/tandem-${name}.png` });
}

let n = 0;
export function uniqueEmail(name: string) {
  return `${name}.${Date.now().toString(36)}${++n}@example.test`;
}

/** Registers through the UI and waits for the signed-in app. */
export async function registerInUi(page: Page, displayName: string, email: string, password = 'correct horse battery') {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Name').fill(displayName);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Signs in through the UI and waits for the signed-in app. */
export async function signInUi(page: Page, email: string, password = 'correct horse battery') {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** `expect.poll` with room for a busy machine: pages, sockets and the server share two cores. */
export function poll<T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) {
  return expect.poll(fn, { timeout: opts.timeout ?? 15_000, interval: 100 });
}

/**
 * For a test file: a server serving the built web client plus one Chromium, started before its
 * tests and closed after them. `ready` receives both once they are up.
 */
export function withWebServer(
  ready: (server: TestServer, browser: Browser) => void,
  /** The server's environment, or a function finding it first (ports, other services to start). */
  env: Record<string, string> | (() => Promise<Record<string, string>>) = {},
) {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    assertWebBuilt();
    server = await startTestServer({ TANDEM_WEB_DIR: WEB_DIST, ...(typeof env === 'function' ? await env() : env) });
    browser = await launchBrowser();
    ready(server, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}
