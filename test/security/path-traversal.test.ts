// Every path that reaches the file system stays inside its directory, whatever a client or an
// archive sends: the desktop update feed, the web client's static files, the local file store
// (keys and file ids) and backup archives on restore.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, restoreBackup, verifyBackup } from '../../apps/server/src/base/backup/backup-archive.js';
import { LocalObjectStorage } from '../../apps/server/src/base/storage/local-storage.js';
import { createTestDatabase, startTestServer, type TestServer } from '../support/server.js';

const SECRET = 'SECRET-OUTSIDE-THE-DIRECTORY';

/** A directory to serve, with `secret.txt` beside it (outside) and a dotfile inside. */
function servedDirectory(files: Record<string, string>) {
  const parent = mkdtempSync(join(tmpdir(), 'tandem-traversal-'));
  writeFileSync(join(parent, 'secret.txt'), SECRET);
  const dir = join(parent, 'served');
  mkdirSync(dir);
  writeFileSync(join(dir, '.env'), SECRET);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return { parent, dir };
}

/** GET with the path sent byte for byte (fetch and URL would normalise `..` away first). */
function rawGet(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: 'GET', path, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Ways out of a directory, as a URL path below the prefix would carry them. */
const ESCAPES = [
  '../secret.txt',
  '..%2fsecret.txt',
  '%2e%2e/secret.txt',
  '%2e%2e%2fsecret.txt',
  '%2E%2E%2Fsecret.txt',
  '.%2e/secret.txt',
  '%252e%252e%252fsecret.txt',
  '..\\secret.txt',
  '..%5csecret.txt',
  '%2e%2e%5csecret.txt',
  'x/../../secret.txt',
  'x/%2e%2e/%2e%2e/secret.txt',
  '....//secret.txt',
  '%c0%ae%c0%ae/secret.txt',
  '/etc/passwd',
  '%2fetc%2fpasswd',
  '//etc/passwd',
  'C:%5cWindows%5cwin.ini',
  'latest.yml%00.exe',
  '%00../secret.txt',
  '.env',
  '%2eenv',
];

function expectRefused(res: { status: number; body: string }, path: string) {
  expect(res.body, path).not.toContain(SECRET);
  expect(res.body, path).not.toContain('root:x:0:0');
  expect([400, 403, 404], `${path} answered ${res.status}`).toContain(res.status);
}

describe('the desktop update feed (/updates/...)', () => {
  let server: TestServer;
  beforeAll(async () => {
    const { dir } = servedDirectory({ 'latest.yml': 'version: 1.2.3\n' });
    server = await startTestServer({ TANDEM_UPDATES_DIR: dir });
  });
  afterAll(() => server?.close());

  it('serves what is in its directory', async () => {
    const res = await rawGet(server.url, '/updates/latest.yml');
    expect(res).toEqual({ status: 200, body: 'version: 1.2.3\n' });
  });

  it.each(ESCAPES)('never serves anything outside it or a dotfile: /updates/%s', async (way) => {
    expectRefused(await rawGet(server.url, `/updates/${way}`), way);
  });
});

describe('the web client (static files at /)', () => {
  let server: TestServer;
  beforeAll(async () => {
    const { dir } = servedDirectory({ 'index.html': '<!doctype html><title>Tandem</title>', 'app.js': 'console.log(1)' });
    server = await startTestServer({ TANDEM_WEB_DIR: dir });
  });
  afterAll(() => server?.close());

  it('serves its own files', async () => {
    expect(await rawGet(server.url, '/app.js')).toEqual({ status: 200, body: 'console.log(1)' });
  });

  it.each(ESCAPES)('never serves anything outside its directory: /%s', async (way) => {
    expectRefused(await rawGet(server.url, `/${way}`), way);
    // A page navigation falls back to the app itself, never to the file asked for.
    const page = await rawGet(server.url, `/${way}`, { accept: 'text/html' });
    expect(page.body).not.toContain(SECRET);
    expect(page.body).not.toContain('root:x:0:0');
  });
});

describe('the local file store', () => {
  const BAD_KEYS = [
    '../secret.txt',
    'a/../../secret.txt',
    '..',
    '.',
    '/etc/passwd',
    'a//b',
    'a\\..\\..\\secret.txt',
    '..\\secret.txt',
    'a%2f..%2f..%2fsecret.txt',
    'a\0b',
    'C:/Windows/win.ini',
    'A/Upper',
    '',
    'x'.repeat(513),
  ];

  it.each(BAD_KEYS)('refuses the key %j for every operation and writes nothing outside its root', async (key) => {
    const { parent } = servedDirectory({});
    const root = join(parent, 'served', 'files');
    const store = new LocalObjectStorage(root);
    await expect(store.put(key, Readable.from([Buffer.from('escaped')]))).rejects.toThrow(/invalid storage key/);
    await expect(store.get(key)).rejects.toThrow(/invalid storage key/);
    await expect(store.stat(key)).rejects.toThrow(/invalid storage key/);
    await expect(store.delete(key)).rejects.toThrow(/invalid storage key/);
    await expect(store.move('ok/key', key)).rejects.toThrow(/invalid storage key/);
    await expect(store.move(key, 'ok/key')).rejects.toThrow(/invalid storage key/);
    expect(existsSync(join(parent, 'secret.txt'))).toBe(true);
    expect(existsSync(join(parent, 'escaped'))).toBe(false);
  });

  it('answers 404 for a file id that is a path, never touching the disk', async () => {
    const server = await startTestServer();
    try {
      const user = await server.user('reader');
      for (const id of ['..%2f..%2fsecret.txt', '%2e%2e', '..%5c..%5csecret.txt', '%2fetc%2fpasswd', 'a%00b']) {
        for (const path of [`/api/v1/files/${id}`, `/api/v1/files/${id}/thumbnail`]) {
          const res = await rawGet(server.url, path, { authorization: `Bearer ${user.accessToken}` });
          expect(res.body, path).not.toContain('root:x:0:0');
          expect([400, 404], `${path} answered ${res.status}`).toContain(res.status);
        }
      }
    } finally {
      await server.close();
    }
  });
});

/** A plain ustar archive, written by hand so any entry name can be put in it. */
function tarOf(entries: { name: string; body: Buffer }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { name, body } of entries) {
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write('0000600\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write(
      `${Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
    );
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

describe('restoring a backup archive', () => {
  const EVIL_ENTRIES = [
    'files/../../escaped.txt',
    'files//tmp/escaped.txt',
    'files/a/../../../escaped.txt',
    '../escaped.txt',
    '/tmp/escaped.txt',
    'db/../../escaped.copy.gz',
  ];

  it.each(EVIL_ENTRIES)('refuses an archive with the entry %j before changing anything', async (evil) => {
    const work = mkdtempSync(join(tmpdir(), 'tandem-evil-backup-'));
    const body = Buffer.from('escaped');
    const manifest = {
      format: 1,
      tandemVersion: '0.0.0',
      createdAt: new Date().toISOString(),
      migrations: [],
      tables: {},
      files: { count: 1, bytes: body.length },
      checksums: { [evil]: createHash('sha256').update(body).digest('hex') },
    };
    const archive = join(work, 'evil.tar');
    writeFileSync(
      archive,
      tarOf([
        { name: evil, body },
        { name: 'manifest.json', body: Buffer.from(JSON.stringify(manifest)) },
      ]),
    );

    await expect(verifyBackup(archive)).rejects.toThrow(/is not allowed/);
    const target = await createTestDatabase();
    try {
      const storage = new LocalObjectStorage(join(work, 'data', 'files'));
      const err = await restoreBackup({ databaseUrl: target.url, storage, inPath: archive, force: true }).catch((e) => e);
      expect(err).toBeInstanceOf(BackupError);
      expect(err.message).toContain('is not allowed');
    } finally {
      await target.drop();
    }
    expect(existsSync(join(work, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(work, 'data', 'escaped.txt'))).toBe(false);
    expect(existsSync('/tmp/escaped.txt')).toBe(false);
  });
});
