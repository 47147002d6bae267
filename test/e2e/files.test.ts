// Attachments in two real browsers: one person drops an image into a document and a PDF and a
// photo onto a task; the other sees, live, the image inline in the document, the PDF chip and the
// photo's thumbnail in the task panel, and the photo as the card's cover on the board.
// Files are dropped as a browser would deliver them (a DataTransfer with File objects in a drop event).
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openPage, poll, screenshot, signInUi, withWebServer } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { card, launchTeam } from './fixtures.js';

let server: TestServer;
let browser: Browser;

withWebServer((s, b) => {
  server = s;
  browser = b;
});

async function dropFiles(page: Page, target: Locator, files: { name: string; type: string; bytes: Buffer }[]) {
  const dataTransfer = await page.evaluateHandle(
    (list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      return dt;
    },
    files.map((f) => ({ name: f.name, type: f.type, bytes: [...f.bytes] })),
  );
  // A drop has a position (the editor places what was dropped there): the middle of the target.
  const box = (await target.boundingBox())!;
  const at = { clientX: Math.round(box.x + box.width / 2), clientY: Math.round(box.y + Math.min(box.height / 2, 40)) };
  await target.dispatchEvent('dragover', { dataTransfer, ...at });
  await target.dispatchEvent('drop', { dataTransfer, ...at });
}

const pdf = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

describe('attachments', () => {
  it('an image dropped into a document and files dropped onto a task reach the other browser live', async () => {
    const t = await launchTeam(server);
    const doc = await t.owner.documents.create(t.ws.id, { title: 'Launch plan' });
    const photo = await sharp({ create: { width: 640, height: 400, channels: 3, background: '#2f7de1' } })
      .composite([{ input: Buffer.from('<svg width="640" height="400"><circle cx="200" cy="200" r="120" fill="#ffd23f"/></svg>') }])
      .jpeg()
      .toBuffer();
    const docUrl = `${server.url}/w/${t.ws.id}/d/${doc.id}`;

    const a = await openPage(browser, docUrl);
    await signInUi(a, t.owner.email);
    const b = await openPage(browser, docUrl);
    await signInUi(b, t.editor.email);
    await a.locator('.ProseMirror').waitFor();
    await b.locator('.ProseMirror').waitFor();
    await poll(() => a.locator('output.connection').getAttribute('data-state')).toBe('connected');

    // 1. An image into the document: inline for both.
    await dropFiles(a, a.locator('.ProseMirror'), [{ name: 'hero.jpg', type: 'image/jpeg', bytes: photo }]);
    await a.locator('.ProseMirror img.doc-image[src^="blob:"]').waitFor({ timeout: 20_000 });
    await b.locator('.ProseMirror img.doc-image[src^="blob:"]').waitFor({ timeout: 20_000 });
    expect(await b.locator('.ProseMirror img.doc-image').getAttribute('alt')).toBe('hero.jpg');
    const stored = await t.owner.files.forDocument(doc.id);
    expect(stored.items.map((f) => f.name)).toEqual(['hero.jpg']);
    await screenshot(b, 'files-doc-image');

    // 2. A PDF and a photo onto a task: the other browser has the board with the task open.
    const taskUrl = `${server.url}/w/${t.ws.id}/p/${t.project.id}/t/${t.first.id}`;
    await a.goto(taskUrl);
    await b.goto(taskUrl);
    const panelA = a.locator('aside.drawer section.attachments');
    await panelA.waitFor();
    await b.locator('aside.drawer section.attachments').waitFor();
    await poll(() => b.locator('output.connection').getAttribute('data-state')).toBe('connected');
    await dropFiles(a, panelA, [
      { name: 'contract.pdf', type: 'application/pdf', bytes: pdf },
      { name: 'site.jpg', type: 'image/jpeg', bytes: photo },
    ]);
    const chip = b.locator('aside.drawer .file-chip', { hasText: 'contract.pdf' });
    await chip.waitFor({ timeout: 20_000 });
    expect(await chip.locator('.file-chip-meta').textContent()).toMatch(/PDF · \d/);
    await b.locator('aside.drawer .thumb img[alt="site.jpg"][src^="blob:"]').waitFor({ timeout: 20_000 });
    // The photo is the card's cover on the board, for both.
    await card(b, 'To Do', t.first.id).locator('img.card-cover[src^="blob:"]').waitFor({ timeout: 20_000 });
    await card(a, 'To Do', t.first.id).locator('img.card-cover').waitFor({ timeout: 20_000 });
    await screenshot(b, 'files-task-panel');

    // The lightbox previews the photo at full size.
    await b.locator('aside.drawer .thumb-open').click();
    await b.locator('.lightbox img.lightbox-image[src^="blob:"]').waitFor();
    await screenshot(b, 'files-lightbox');
    await b.keyboard.press('Escape');

    // The workspace page shows the storage the three uploads use.
    await b.goto(`${server.url}/w/${t.ws.id}/members`);
    const usage = b.locator('section.storage-usage');
    await usage.getByText('used by 3 files').waitFor();
    await screenshot(b, 'files-storage');
    await a.context().close();
    await b.context().close();
  }, 180_000);
});
