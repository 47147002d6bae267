// Files over the API: streaming upload with type from the bytes, identical bytes stored once, safe
// serving (nosniff, attachment for anything runnable, sandbox CSP, Range), live events, quotas and
// every bad input from the issue. Local object storage under the test server's own data dir.
import { connect } from 'node:net';
import type { RealtimeEvent } from '@tandem/client';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStorage } from '../../apps/server/src/base/storage/object-storage.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { filesTeam, multipart, photo, pipelineIdle, rawUpload } from './fixtures.js';

const LIMIT = 256 * 1024;
let server: TestServer;
let team: Awaited<ReturnType<typeof filesTeam>>;

beforeAll(async () => {
  server = await startTestServer({ UPLOAD_LIMIT_BYTES: String(LIMIT), RATE_LIMIT_PER_MINUTE: '100000' });
  team = await filesTeam(server);
});
afterAll(() => server?.close());

/** Every stored object key (blobs, thumbnails, temporary uploads). */
async function storedKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of server.app.get(ObjectStorage).list('')) keys.push(o.key);
  return keys;
}
const fileRows = (taskId: string) => server.db.prisma.file.count({ where: { taskId } });

describe('upload', () => {
  it('stores a file on a task with the type read from its bytes, not its name or header', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#08f' } })
      .png()
      .toBuffer();
    const f = await team.editor.files.upload({ taskId: team.taskId }, new Blob([png], { type: 'text/plain' }), { name: 'notes.txt' });
    expect(f).toMatchObject({ name: 'notes.txt', size: png.length, mime: 'image/png', taskId: team.taskId, width: 40, height: 30 });
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    const listed = await team.viewer.files.forTask(team.taskId);
    expect(listed.items.map((x) => x.id)).toContain(f.id);
  });

  it('stores identical bytes once, keeps a record per upload, and removes the bytes with the last record', async () => {
    const bytes = Buffer.from(`same bytes ${Math.random()}`);
    const a = await team.editor.files.upload({ taskId: team.taskId }, new Blob([bytes]), { name: 'a.txt' });
    const b = await team.owner.files.upload({ documentId: team.documentId }, new Blob([bytes]), { name: 'b.txt' });
    expect(a.id).not.toBe(b.id);
    expect(a.sha256).toBe(b.sha256);
    const blobs = (await storedKeys()).filter((k) => k.endsWith(a.sha256));
    expect(blobs).toHaveLength(1);
    await team.editor.files.remove(a.id);
    expect((await storedKeys()).filter((k) => k.endsWith(a.sha256))).toHaveLength(1);
    expect(Buffer.from(await (await team.viewer.files.download(b.id)).arrayBuffer()).equals(bytes)).toBe(true);
    await team.owner.files.remove(b.id);
    expect((await storedKeys()).filter((k) => k.endsWith(a.sha256))).toHaveLength(0);
  });

  it('is refused to viewers (403) and to non-members (404), and needs a task or document', async () => {
    const blob = () => new Blob([Buffer.from('x')]);
    await expect(team.viewer.files.upload({ taskId: team.taskId }, blob(), { name: 'x.txt' })).rejects.toMatchObject({ status: 403 });
    await expect(team.outsider.files.upload({ taskId: team.taskId }, blob(), { name: 'x.txt' })).rejects.toMatchObject({ status: 404 });
    await expect(team.outsider.files.upload({ documentId: team.documentId }, blob(), { name: 'x.txt' })).rejects.toMatchObject({
      status: 404,
    });
    const res = await rawUpload(server, team.editor.accessToken!, multipart({}, { name: 'x.txt', bytes: Buffer.from('x') }));
    expect(res.status).toBe(400);
    expect(res.body?.error?.code).toBe('validation_failed');
  });

  it('refuses an empty file and keeps nothing', async () => {
    const before = await storedKeys();
    const res = await rawUpload(
      server,
      team.editor.accessToken!,
      multipart({ taskId: team.taskId }, { name: 'empty.txt', bytes: Buffer.alloc(0) }),
    );
    expect(res.status).toBe(400);
    expect(res.body?.error?.message).toMatch(/empty/i);
    expect(await storedKeys()).toEqual(before);
  });

  it('refuses a file over the limit while streaming (413) and leaves no object and no record', async () => {
    const rows = await fileRows(team.taskId);
    const before = await storedKeys();
    const big = Buffer.alloc(LIMIT + 10_000, 7);
    // Chunked, so the server cannot refuse it from a Content-Length and must count while streaming.
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array(multipart({ taskId: team.taskId }, { name: 'big.bin', bytes: big })));
        c.close();
      },
    });
    const res = await fetch(`${server.url}/api/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${team.editor.accessToken}`, 'content-type': 'multipart/form-data; boundary=XyZ' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await fileRows(team.taskId)).toBe(rows);
    expect(await storedKeys()).toEqual(before);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const res = await rawUpload(
      server,
      team.editor.accessToken!,
      multipart({ taskId: team.taskId }, { name: 'big.bin', bytes: Buffer.alloc(LIMIT * 2) }),
    );
    expect(res.status).toBe(413);
  });

  it('answers a truncated multipart body with 400 and keeps nothing', async () => {
    const rows = await fileRows(team.taskId);
    const before = await storedKeys();
    const full = multipart({ taskId: team.taskId }, { name: 'cut.bin', bytes: Buffer.alloc(50_000, 1) });
    const res = await rawUpload(server, team.editor.accessToken!, full.subarray(0, full.length - 20_000));
    expect(res.status).toBe(400);
    expect(await fileRows(team.taskId)).toBe(rows);
    expect(await storedKeys()).toEqual(before);
  });

  it('survives a lying Content-Length (the client sends less and hangs up) and keeps nothing', async () => {
    const rows = await fileRows(team.taskId);
    const before = await storedKeys();
    const body = multipart({ taskId: team.taskId }, { name: 'liar.bin', bytes: Buffer.alloc(40_000, 2) });
    const { port } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const sock = connect(Number(port), '127.0.0.1', () => {
        sock.write(
          `POST /api/v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${team.editor.accessToken}\r\n` +
            `Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: ${body.length + 100_000}\r\n\r\n`,
        );
        sock.write(body.subarray(0, 30_000), () => setTimeout(() => sock.destroy(), 200));
      });
      sock.on('close', () => resolve());
      sock.on('error', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await fileRows(team.taskId)).toBe(rows);
    expect(await storedKeys()).toEqual(before);
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
  });

  it('cleans names: 300 characters, path traversal, control characters', async () => {
    const long = `${'n'.repeat(300)}.pdf`;
    const a = await team.editor.files.upload({ taskId: team.taskId }, new Blob(['a']), { name: long });
    expect(Array.from(a.name)).toHaveLength(255);
    expect(a.name.endsWith('.pdf')).toBe(true);
    const b = await team.editor.files.upload({ taskId: team.taskId }, new Blob(['b']), { name: '../../etc/passwd' });
    expect(b.name).toBe('passwd');
    const c = await team.editor.files.upload({ taskId: team.taskId }, new Blob(['c']), { name: 'rep\u0000ort\u202e\u0007fdp.exe' });
    expect(c.name).toBe('reportfdp.exe');
    // No stored key ever comes from a name.
    expect((await storedKeys()).every((k) => /^(blobs|thumbs|tmp)\/[0-9a-f/.-]+(webp)?$/.test(k))).toBe(true);
  });
});

describe('serving', () => {
  it('serves images inline with nosniff and a sandboxing CSP, and honours Range', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const f = await team.editor.files.upload({ taskId: team.taskId }, new Blob([png]), { name: 'red.png' });
    const res = await team.viewer.files.download(f.id);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="red.png"/);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    const part = await team.viewer.files.download(f.id, { range: 'bytes=1-3' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1-3/${png.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(png.subarray(1, 4))).toBe(true);
    await expect(team.viewer.files.download(f.id, { range: `bytes=${png.length + 5}-` })).rejects.toMatchObject({ status: 416 });
    await expect(team.outsider.files.download(f.id)).rejects.toMatchObject({ status: 404 });
  });

  it('serves MIME-spoofed HTML and SVG as attachments a browser will not run', async () => {
    for (const [name, text] of [
      ['photo.png', '<html><script>alert(document.cookie)</script></html>'],
      ['logo.svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'],
    ] as const) {
      const f = await team.editor.files.upload({ taskId: team.taskId }, new Blob([text], { type: 'image/png' }), { name });
      expect(f.mime).not.toMatch(/^image\//);
      const res = await team.viewer.files.download(f.id);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    }
  });
});

describe('quota and usage', () => {
  it('counts the bytes a workspace uses and refuses uploads over its quota with 413', async () => {
    const q = await startTestServer({ WORKSPACE_QUOTA_BYTES: '3000' });
    try {
      const t = await filesTeam(q);
      await t.editor.files.upload({ taskId: t.taskId }, new Blob([Buffer.alloc(2000, 1)]), { name: 'a.bin' });
      expect(await t.viewer.files.storage(t.workspaceId)).toEqual({ bytesUsed: 2000, quotaBytes: 3000, files: 1 });
      const err = await t.editor.files.upload({ taskId: t.taskId }, new Blob([Buffer.alloc(2000, 2)]), { name: 'b.bin' }).catch((e) => e);
      expect(err).toMatchObject({ status: 413, code: 'payload_too_large' });
      expect(err.message).toMatch(/quota/);
      expect(await q.db.prisma.file.count({ where: { workspaceId: t.workspaceId } })).toBe(1);
      const objects: string[] = [];
      for await (const o of q.app.get(ObjectStorage).list('')) objects.push(o.key);
      expect(objects).toHaveLength(1);
    } finally {
      await q.close();
    }
  }, 90_000);
});

describe('live events', () => {
  it('tells the task room about an upload at once and about its thumbnail when it is ready', async () => {
    const rt = team.viewer.realtime();
    await rt.connect();
    await rt.subscribe(`task:${team.taskId}`);
    const seen: RealtimeEvent[] = [];
    rt.on('event', (e) => seen.push(e));
    const f = await team.editor.files.upload({ taskId: team.taskId }, new Blob([await photo(300, 200, { hue: 20 })]), { name: 'live.jpg' });
    await pipelineIdle(server);
    await expect
      .poll(() => seen.map((e) => `${e.type}:${(e.data as { id?: string }).id}`))
      .toEqual(expect.arrayContaining([`file.created:${f.id}`, `file.updated:${f.id}`]));
    const updated = seen.find((e) => e.type === 'file.updated')!.data as { thumbnail: string };
    expect(updated.thumbnail).toBe('ready');
    rt.close();
  });
});

describe('cleanup job', () => {
  it('removes the bytes of a deleted task and of documents past the trash retention', async () => {
    const c = await startTestServer({ TRASH_RETENTION_DAYS: '0', FILES_CLEANUP_GRACE_SECONDS: '0' });
    try {
      const t = await filesTeam(c);
      const onTask = await t.editor.files.upload({ taskId: t.taskId }, new Blob(['task bytes']), { name: 't.txt' });
      const onDoc = await t.editor.files.upload({ documentId: t.documentId }, new Blob(['doc bytes']), { name: 'd.txt' });
      const kept = await t.editor.files.upload(
        { taskId: (await t.owner.tracking.tasks.create(t.projectId, { title: 'Stays' })).id },
        new Blob(['kept']),
        {
          name: 'k.txt',
        },
      );
      await t.owner.tracking.tasks.remove(t.taskId);
      await t.owner.documents.trash(t.documentId);
      const { JobScheduler } = await import('../../apps/server/src/base/jobs/job-scheduler.js');
      const counts = await c.app.get(JobScheduler).runNow('files.cleanup');
      expect(counts).toMatchObject({ records: 1, bytes: 2 });
      const keys: string[] = [];
      for await (const o of c.app.get(ObjectStorage).list('')) keys.push(o.key);
      expect(keys.some((k) => k.endsWith(onTask.sha256))).toBe(false);
      expect(keys.some((k) => k.endsWith(onDoc.sha256))).toBe(false);
      expect(keys.some((k) => k.endsWith(kept.sha256))).toBe(true);
      expect(Buffer.from(await (await t.viewer.files.download(kept.id)).arrayBuffer()).toString()).toBe('kept');
    } finally {
      await c.close();
    }
  }, 90_000);
});

describe('health', () => {
  it('reports object storage in /health/ready', async () => {
    const res = await fetch(`${server.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: Record<string, boolean> }).checks.storage).toBe(true);
  });
});
