// Hostile Markdown and HTML on import: absurd nesting is refused with a clear 400 before any parser
// recurses into it (and the node keeps answering), links that would run code are dropped, and HTML
// keeps only what the editor can hold: no scripts, no event handlers.
import { ApiError, type TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let editor: TandemClient;
let workspaceId: string;

beforeAll(async () => {
  server = await startTestServer();
  editor = await server.user('kb-security');
  workspaceId = (await editor.workspaces.create({ name: 'Imports' })).id;
});
afterAll(() => server?.close());

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected the import to be refused');
}

/** Every href anywhere in a ProseMirror tree. */
function hrefs(node: unknown): string[] {
  const n = node as { marks?: { type: string; attrs?: { href?: string } }[]; content?: unknown[] };
  const links = (n.marks ?? []).filter((m) => m.type === 'link').map((m) => m.attrs?.href ?? '');
  return [...links, ...(n.content ?? []).flatMap(hrefs)];
}

describe('markdown import: depth', () => {
  it('refuses a list nested 900 levels deep with a 400 and stays responsive', async () => {
    let md = '';
    for (let i = 0; i < 900; i++) md += `${'  '.repeat(i)}- level ${i}\n`;
    const r = await refusal(editor.documents.importMarkdown(workspaceId, { title: 'Deep list', markdown: md }));
    expect(r).toMatchObject({ status: 400, code: 'bad_request' });
    expect(r.message).toMatch(/nested more than \d+ levels/);
    expect((await editor.workspaces.list()).items.length).toBeGreaterThan(0);
  });

  it('refuses 900 list markers opened on one line', async () => {
    const r = await refusal(editor.documents.importMarkdown(workspaceId, { title: 'One line', markdown: `${'- '.repeat(900)}x` }));
    expect(r).toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('refuses 20,000 nested blockquotes with a 400 and stays responsive', async () => {
    const r = await refusal(editor.documents.importMarkdown(workspaceId, { title: 'Quotes', markdown: `${'>'.repeat(20_000)} deep` }));
    expect(r).toMatchObject({ status: 400, code: 'bad_request' });
    const spaced = await refusal(editor.documents.importMarkdown(workspaceId, { title: 'Quotes', markdown: `${'> '.repeat(20_000)}deep` }));
    expect(spaced.status).toBe(400);
    expect((await editor.workspaces.list()).items.length).toBeGreaterThan(0);
  });

  it('refuses HTML nested 20,000 elements deep', async () => {
    const r = await refusal(editor.documents.importHtml(workspaceId, { title: 'Deep HTML', html: `${'<blockquote>'.repeat(20_000)}x` }));
    expect(r).toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('still imports ordinary nesting (ten levels of lists)', async () => {
    let md = '';
    for (let i = 0; i < 10; i++) md += `${'  '.repeat(i)}- level ${i}\n`;
    const doc = await editor.documents.importMarkdown(workspaceId, { title: 'Fine', markdown: md });
    const text = await editor.documents.content(doc.id, 'text');
    expect(text).toContain('level 9');
  });
});

describe('markdown import: links', () => {
  it('drops javascript:, data: and vbscript: links but keeps their text and safe links', async () => {
    const markdown = [
      '[one](javascript:alert(1)) [two](JaVaScRiPt:alert(2)) [three](data:text/html;base64,PHNjcmlwdD4=)',
      '[four](vbscript:msgbox) [five](https://example.test/ok) [six](mailto:a@example.test) [seven](/relative)',
      '<javascript:alert(3)>',
    ].join('\n\n');
    const doc = await editor.documents.importMarkdown(workspaceId, { title: 'Links', markdown });
    const json = await editor.documents.content(doc.id, 'json');
    const links = hrefs(json);
    expect(links).toEqual(expect.arrayContaining(['https://example.test/ok', 'mailto:a@example.test', '/relative']));
    for (const href of links) expect(href.toLowerCase().replace(/\s/g, '')).not.toMatch(/^(javascript|data|vbscript):/);
    const text = await editor.documents.content(doc.id, 'text');
    for (const word of ['one', 'two', 'three', 'four', 'five']) expect(text).toContain(word);
    const html = await editor.documents.content(doc.id, 'html');
    expect(html.toLowerCase()).not.toContain('href="javascript');
    expect(html.toLowerCase()).not.toContain('href="data:');
  });
});

describe('html import: sanitized', () => {
  it('keeps the text and formatting but no scripts, event handlers or styles', async () => {
    const html = [
      '<h2 onclick="steal()">Plan</h2>',
      '<p style="background:url(javascript:x)">Hello <b>bold</b> <a href="javascript:alert(1)" onmouseover="x()">click</a>',
      '<a href="https://example.test">safe</a></p>',
      '<script>window.pwned = 1</script><img src="x" onerror="alert(1)"><iframe src="https://evil.test"></iframe>',
      '<svg><script>alert(1)</script></svg><style>p{}</style>',
    ].join('');
    const doc = await editor.documents.importHtml(workspaceId, { title: 'From HTML', html });
    const json = await editor.documents.content(doc.id, 'json');
    expect(json.content?.[0]).toMatchObject({ type: 'heading', attrs: { level: 2 } });
    expect(hrefs(json)).toEqual(['https://example.test']);
    const exported = (await editor.documents.content(doc.id, 'html')).toLowerCase();
    for (const bad of ['<script', 'onclick', 'onerror', 'onmouseover', '<iframe', 'javascript:', 'style="background', '<style']) {
      expect(exported).not.toContain(bad);
    }
    expect(exported).toContain('<strong>bold</strong>');
    expect(JSON.stringify(json)).not.toContain('pwned');
  });

  it('serves an HTML export as a sandboxed download, never as a page on the API origin', async () => {
    const doc = await editor.documents.importMarkdown(workspaceId, { title: 'Export', markdown: '# Hi' });
    const res = await fetch(`${server.url}/api/v1/documents/${doc.id}/content?format=html`, {
      headers: { authorization: `Bearer ${editor.accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(await res.text()).toContain('<h1>Hi</h1>');
  });

  it('refuses a body with both markdown and html, or neither, as validation_failed', async () => {
    const both = await refusal(
      editor.http.request('POST', `/api/v1/workspaces/${workspaceId}/documents/import`, {
        body: { title: 'x', markdown: 'a', html: '<p>a</p>' },
      }),
    );
    expect(both).toMatchObject({ status: 400, code: 'validation_failed' });
    const neither = await refusal(
      editor.http.request('POST', `/api/v1/workspaces/${workspaceId}/documents/import`, { body: { title: 'x' } }),
    );
    expect(neither).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});
