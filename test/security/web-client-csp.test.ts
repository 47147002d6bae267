// The built web client under the server's Content-Security-Policy, in Chromium: it signs in, opens
// the board and a document, edits it live over /collab, and the browser reports no CSP violation.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

/** Collects CSP violations the page reports (the event fires for every blocked load or inline use). */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.exposeFunction('reportCspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation(
        `${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`,
      ),
    );
  });
  return violations;
}

describe('the web client under the Content-Security-Policy', () => {
  it('signs in, shows the board and edits a document live with no CSP violation', async () => {
    const owner = await server.user('csp');
    const ws = await owner.workspaces.create({ name: 'Headers' });
    const project = await owner.tracking.projects.create(ws.id, { name: 'Site', key: 'CSP' });
    await owner.tracking.tasks.create(project.id, { title: 'Check the headers' });
    const doc = await owner.documents.create(ws.id, { title: 'Policy' });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const violations = await watchViolations(page);
    const response = await page.goto(`${server.url}/w/${ws.id}/d/${doc.id}`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await signInUi(page, owner.email);
    const editor = page.getByRole('textbox', { name: 'Document content' });
    await editor.click();
    await page.keyboard.type('Typed under a strict policy.');
    await expect
      .poll(async () => (await owner.documents.content(doc.id, 'text')).includes('Typed under a strict policy.'), {
        timeout: 20_000,
      })
      .toBe(true);
    await screenshot(page, 'security-csp-document');
    await page.goto(`${server.url}/w/${ws.id}/p/${project.id}`);
    await page.getByText('Check the headers').first().waitFor();
    await screenshot(page, 'security-csp-board');
    expect(violations).toEqual([]);
    await context.close();
  }, 90_000);
});
