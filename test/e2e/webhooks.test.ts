// Workspace settings → webhooks in Chromium: an owner adds a webhook to a real receiver on loopback,
// sees its secret once, watches a delivery arrive and sends it again.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { startReceiver } from '../webhooks/receiver.js';

let server: TestServer;
let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
});
withWebServer(
  (s, b) => {
    server = s;
    browser = b;
  },
  // The receiver listens on loopback.
  { TANDEM_WEBHOOK_ALLOW_PRIVATE: 'true' },
);
afterAll(() => receiver?.close());

describe('webhooks in workspace settings', () => {
  it('adds a webhook, shows its secret once, lists a delivery and redelivers it', async () => {
    const owner = await server.user('owner');
    const ws = await owner.workspaces.create({ name: 'Integrations' });
    const project = await owner.tracking.projects.create(ws.id, { name: 'Site', key: 'SITE' });
    const page = await openPage(browser, `${server.url}/w/${ws.id}`);
    await signInUi(page, owner.email);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();

    await page.getByLabel('Payload URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = await page.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await screenshot(page, 'webhooks-created');

    await owner.tracking.tasks.create(project.id, { title: 'Tell the CRM' });
    await receiver.waitFor(1);
    const list = page.getByRole('list', { name: 'Webhooks' });
    await list.getByRole('button', { name: 'Deliveries' }).click();
    const row = page.getByRole('table', { name: 'Deliveries' }).getByRole('row').filter({ hasText: 'task.created' });
    await poll(() => row.textContent()).toContain('delivered');
    expect(await row.textContent()).toContain('200');
    await screenshot(page, 'webhooks-deliveries');

    await row.getByRole('button', { name: 'Redeliver' }).click();
    await receiver.waitFor(2);
    expect(receiver.received[1]!.headers['x-tandem-delivery']).toBe(receiver.received[0]!.headers['x-tandem-delivery']);

    // After a reload the secret is gone for good.
    await page.reload();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    expect(await page.getByLabel('Signing secret').count()).toBe(0);
    await page.context().close();
  }, 90_000);
});
