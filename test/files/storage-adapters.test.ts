// Both ObjectStorage adapters against real endpoints: the local directory always, and the S3
// adapter against s3rver started here on loopback. s3rver has no multipart uploads, so every test
// object stays far below the minio client's part size (64 MiB) and goes up in one PUT.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStorage } from '../../apps/server/src/base/storage/local-storage.js';
import { ObjectStorage } from '../../apps/server/src/base/storage/object-storage.js';
import { S3ObjectStorage } from '../../apps/server/src/base/storage/s3-storage.js';
import { startTestServer } from '../support/server.js';

const text = async (r: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};
const body = (s: string) => Readable.from([Buffer.from(s)]);

let s3rver: S3rver;
let s3Endpoint = '';

beforeAll(async () => {
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: mkdtempSync(join(tmpdir(), 's3rver-')) });
  const { port } = (await s3rver.run()) as { port: number };
  s3Endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await s3rver?.close();
});

const adapters: [string, () => Promise<ObjectStorage>][] = [
  ['local directory', async () => new LocalObjectStorage(mkdtempSync(join(tmpdir(), 'tandem-store-')))],
  [
    's3 (s3rver)',
    () =>
      new S3ObjectStorage({
        endpoint: s3Endpoint,
        accessKey: 'S3RVER',
        secretKey: 'S3RVER',
        bucket: `tandem-${Math.random().toString(36).slice(2, 8)}`,
        region: 'us-east-1',
      }).open(),
  ],
];

describe.each(adapters)('%s adapter', (_name, make) => {
  let store: ObjectStorage;
  beforeAll(async () => {
    store = await make();
  });

  it('answers its health check', async () => {
    await expect(store.check()).resolves.toBeUndefined();
  });

  it('stores, stats, reads and deletes an object', async () => {
    const put = await store.put('blobs/aa/bb/one', body('hello world'));
    expect(put.size).toBe(11);
    expect((await store.stat('blobs/aa/bb/one'))?.size).toBe(11);
    expect(await text(await store.get('blobs/aa/bb/one'))).toBe('hello world');
    await store.delete('blobs/aa/bb/one');
    expect(await store.stat('blobs/aa/bb/one')).toBeNull();
    await expect(store.get('blobs/aa/bb/one')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('reads a byte range', async () => {
    await store.put('blobs/range', body('0123456789'));
    expect(await text(await store.get('blobs/range', { start: 2, end: 5 }))).toBe('2345');
  });

  it('keeps the existing object when the same key is written again', async () => {
    await store.put('blobs/kept', body('first'));
    await store.put('blobs/kept', body('second'));
    expect(await text(await store.get('blobs/kept'))).toBe('first');
  });

  it('moves an object to its final key, and drops the source when the target exists', async () => {
    await store.put('tmp/a', body('same bytes'));
    await store.move('tmp/a', 'blobs/moved');
    expect(await store.stat('tmp/a')).toBeNull();
    expect(await text(await store.get('blobs/moved'))).toBe('same bytes');
    await store.put('tmp/b', body('other'));
    await store.move('tmp/b', 'blobs/moved');
    expect(await store.stat('tmp/b')).toBeNull();
    expect(await text(await store.get('blobs/moved'))).toBe('same bytes');
  });

  it('lists objects under a prefix with their sizes', async () => {
    await store.put('thumbs/x1', body('12'));
    await store.put('thumbs/x2', body('345'));
    const listed = [];
    for await (const o of store.list('thumbs/')) listed.push({ key: o.key, size: o.size, dated: o.modifiedAt instanceof Date });
    expect(listed.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'thumbs/x1', size: 2, dated: true },
      { key: 'thumbs/x2', size: 3, dated: true },
    ]);
  });

  it('leaves nothing behind when the body fails mid-way', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('blobs/broken', failing)).rejects.toThrow();
    expect(await store.stat('blobs/broken')).toBeNull();
  });

  it('refuses keys that could leave its namespace', async () => {
    await expect(store.put('../escape', body('x'))).rejects.toThrow(/invalid storage key/);
    await expect(store.put('/abs', body('x'))).rejects.toThrow(/invalid storage key/);
  });
});

describe('a server started with S3_* set', () => {
  it('keeps uploads in the bucket and serves them back, and reports the bucket in /health/ready', async () => {
    const bucket = `tandem-srv-${Math.random().toString(36).slice(2, 8)}`;
    const server = await startTestServer({ S3_ENDPOINT: s3Endpoint, S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER', S3_BUCKET: bucket });
    try {
      expect(server.app.get(ObjectStorage).kind).toBe('s3');
      const owner = await server.user('owner');
      const ws = await owner.workspaces.create({ name: 'S3' });
      const project = await owner.tracking.projects.create(ws.id, { name: 'S3', key: 'SSS' });
      const task = await owner.tracking.tasks.create(project.id, { title: 'In the bucket' });
      const bytes = Buffer.from(`kept in S3 ${Math.random()}`);
      const f = await owner.files.upload({ taskId: task.id }, new Blob([bytes]), { name: 'note.txt' });
      expect(Buffer.from(await (await owner.files.download(f.id)).arrayBuffer()).equals(bytes)).toBe(true);
      const direct = new S3ObjectStorage({ endpoint: s3Endpoint, accessKey: 'S3RVER', secretKey: 'S3RVER', bucket, region: 'us-east-1' });
      const keys: string[] = [];
      for await (const o of direct.list('')) keys.push(o.key);
      expect(keys).toEqual([`blobs/${f.sha256.slice(0, 2)}/${f.sha256.slice(2, 4)}/${f.sha256}`]);
      const ready = (await (await fetch(`${server.url}/health/ready`)).json()) as { checks: { storage: boolean } };
      expect(ready.checks.storage).toBe(true);
    } finally {
      await server.close();
    }
  }, 90_000);
});
