// The image pipeline: thumbnails with EXIF orientation applied and metadata stripped, size and
// capture date recorded, near-duplicates found by dHash, and hostile images (decompression bombs,
// corrupt JPEGs) kept as files without a thumbnail while the server stays up.
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../apps/server/src/base/database/database.js';
import { ImagePipeline } from '../../apps/server/src/core/files/image-pipeline.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { filesTeam, photo, pipelineIdle } from './fixtures.js';

let server: TestServer;
let team: Awaited<ReturnType<typeof filesTeam>>;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
  team = await filesTeam(server);
});
afterAll(() => server?.close());

const fileOf = async (id: string) => (await team.viewer.files.forTask(team.taskId)).items.find((f) => f.id === id)!;

/** A valid PNG header declaring width × height pixels, with almost no pixel data after it. */
function bombPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An image that looks like no other picture here (so it is nobody's near-duplicate). */
const noise = () =>
  sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .jpeg()
    .toBuffer();

describe('image pipeline', () => {
  it('answers a burst of uploads first: thumbnails wait while an upload is still arriving, then are made', async () => {
    const pipeline = server.app.get(ImagePipeline);
    await pipelineIdle(server);
    const stillArriving = pipeline.uploadStarted();
    const up = await team.editor.files.upload({ taskId: team.taskId }, new Blob([await noise()]), { name: 'static.jpg' });
    expect(pipeline.pending()).toEqual({ queued: 1, running: 0 });
    stillArriving();
    await pipelineIdle(server);
    expect((await fileOf(up.id)).thumbnail).toBe('ready');
  });

  it('makes the thumbnails a stopped node left pending when the next node starts', async () => {
    const pipeline = server.app.get(ImagePipeline);
    const done = await team.editor.files.upload({ taskId: team.taskId }, new Blob([await noise()]), { name: 'before.jpg' });
    await pipelineIdle(server);
    // What a node killed before its queue ran leaves behind: a stored image still marked pending.
    const prisma = server.app.get(PrismaClient);
    const row = await prisma.file.findUniqueOrThrow({ where: { id: done.id } });
    const left = await prisma.file.create({
      data: {
        workspaceId: row.workspaceId,
        taskId: row.taskId,
        uploaderId: row.uploaderId,
        name: 'left-behind.jpg',
        mime: row.mime,
        size: row.size,
        sha256: row.sha256,
        storageKey: row.storageKey,
        thumbnail: 'pending',
      },
    });
    await pipeline.onApplicationBootstrap();
    await pipelineIdle(server);
    expect(await fileOf(left.id)).toMatchObject({ thumbnail: 'ready', width: 320, height: 240 });
  });

  it('makes a thumbnail with the EXIF orientation applied and no metadata, and records size and capture date', async () => {
    // 640×480 stored pixels, orientation 6 (rotate 90° to display): shown as 480×640.
    const jpeg = await photo(640, 480, {
      orientation: 6,
      exif: { IFD0: { Make: 'Tandem Cam' }, IFD2: { DateTimeOriginal: '2024:05:17 10:20:30' }, IFD3: { GPSLatitudeRef: 'N' } },
    });
    const up = await team.editor.files.upload({ taskId: team.taskId }, new Blob([jpeg]), { name: 'camera.jpg' });
    expect(up.thumbnail).toBe('pending');
    await pipelineIdle(server);
    const f = await fileOf(up.id);
    expect(f).toMatchObject({ thumbnail: 'ready', width: 480, height: 640 });
    expect(f.takenAt?.slice(0, 10)).toBe('2024-05-17');
    const thumb = Buffer.from(await (await team.viewer.files.thumbnail(up.id)).arrayBuffer());
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.height).toBeGreaterThan(meta.width!); // orientation applied
    expect(meta.exif).toBeUndefined(); // no EXIF (GPS included) in the derived image
    expect(meta.orientation).toBeUndefined();
  });

  it('says an image looks like an earlier one of the workspace (near-duplicate by dHash)', async () => {
    const original = await team.editor.files.upload({ taskId: team.taskId }, new Blob([await photo(800, 600, { hue: 120 })]), {
      name: 'beach.jpg',
    });
    await pipelineIdle(server);
    // The same picture resized and re-encoded: different bytes, same look.
    const smaller = await sharp(await photo(800, 600, { hue: 120 }))
      .resize(400, 300)
      .jpeg({ quality: 60 })
      .toBuffer();
    const again = await team.editor.files.upload({ documentId: team.documentId }, new Blob([smaller]), { name: 'beach-small.jpg' });
    const different = await team.editor.files.upload({ taskId: team.taskId }, new Blob([await sharp(smaller).flop().toBuffer()]), {
      name: 'mirror.jpg',
    });
    await pipelineIdle(server);
    const docFiles = (await team.viewer.files.forDocument(team.documentId)).items;
    expect(docFiles.find((f) => f.id === again.id)?.duplicateOf).toEqual({ id: original.id, name: 'beach.jpg' });
    expect((await fileOf(different.id)).duplicateOf).toBeNull();
  });

  it('knows identical bytes as a duplicate at once, in the upload answer', async () => {
    const bytes = await photo(200, 100, { hue: 300 });
    const first = await team.editor.files.upload({ taskId: team.taskId }, new Blob([bytes]), { name: 'one.jpg' });
    const second = await team.editor.files.upload({ taskId: team.taskId }, new Blob([bytes]), { name: 'two.jpg' });
    expect(second.duplicateOf).toEqual({ id: first.id, name: 'one.jpg' });
  });

  it('keeps a decompression bomb (50,000 × 50,000 declared) as a file but refuses to thumbnail it', async () => {
    const bomb = bombPng(50_000, 50_000);
    expect(bomb.length).toBeLessThan(2000);
    const up = await team.editor.files.upload({ taskId: team.taskId }, new Blob([bomb]), { name: 'bomb.png' });
    expect(up.mime).toBe('image/png');
    await pipelineIdle(server);
    const f = await fileOf(up.id);
    expect(f).toMatchObject({ thumbnail: 'refused', width: 50_000, height: 50_000 });
    await expect(team.viewer.files.thumbnail(up.id)).rejects.toMatchObject({ status: 404 });
    expect(Buffer.from(await (await team.viewer.files.download(up.id)).arrayBuffer()).equals(bomb)).toBe(true);
  });

  it('keeps a corrupt JPEG as a file with a failed thumbnail, and the server stays up', async () => {
    const good = await photo(100, 100);
    const corrupt = Buffer.concat([good.subarray(0, 300), Buffer.alloc(500, 0x55)]);
    const up = await team.editor.files.upload({ taskId: team.taskId }, new Blob([corrupt]), { name: 'broken.jpg' });
    expect(up.mime).toBe('image/jpeg');
    await pipelineIdle(server);
    expect((await fileOf(up.id)).thumbnail).toBe('failed');
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
  });

  it('gives a task with an image a board cover', async () => {
    const covers = await team.viewer.files.covers(team.projectId);
    expect(covers.items.some((c) => c.taskId === team.taskId)).toBe(true);
  });
});
