// Drill: the disk of the data dir fills up. A node on embedded defaults (no DATABASE_URL, no S3:
// uploaded files in <dir>/files, its PostgreSQL in <dir>/postgres) runs on a small tmpfs of its own,
// and a filler file takes the room while people upload, create tasks and documents, and type.
// - Nearly full (a little room left): an upload bigger than the room fails part-way with 507 and a
//   sentence a person understands; nothing of it stays on the disk; /health/ready says "degraded",
//   `disk: false`.
// - Full: uploads get 507 at once; task and document writes succeed while PostgreSQL has room and
//   get 507 once it has none — each answered quickly, never a 500, never a hang; earlier files still
//   download byte-identical; the node and its PostgreSQL keep running.
// - Filler removed: without a restart, readiness is "ok" again, the refused upload goes through, and
//   every earlier file, answered task and typed line is there, once and intact; no refused task is.
//
// Needs root (or CAP_SYS_ADMIN) to mount the tmpfs, as on CI; without it the drill fails and says why.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, rmdirSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ApiError, type TandemClient } from '@tandem/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EmbeddedDatabase } from '../../apps/server/src/base/database/embedded-postgres.js';
import { connect, synced, trackedProviders } from '../collab/helpers.js';
import { type NodeProcess, type SignedIn, signUp, startNodeProcess } from '../support/node-process.js';
import { duplicates, readiness, sleep, startTypist, storedParagraphs, within } from './drill.js';

/** Room for the embedded PostgreSQL (about 45 MB once migrated) and the drill's own files. */
const DISK = '160m';
/** What an answer may take while the disk is full: a bound against hanging, not a speed measurement. */
const PATIENCE_MS = 10_000;

let dataDir = '';
let mounted = false;
let node: NodeProcess | undefined;
let pool: pg.Pool | undefined;
const { track, closeAll } = trackedProviders();
const filler = () => join(dataDir, 'filler');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tandem-diskfull-'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK},mode=0711`, 'tmpfs', dataDir], { encoding: 'utf8' });
  if (mount.status !== 0) {
    rmdirSync(dataDir);
    throw new Error(
      `the disk-full drill needs a small disk of its own for the data dir, and 'mount -t tmpfs -o size=${DISK} tmpfs ${dataDir}' failed ` +
        `(${(mount.stderr || mount.error?.message || `exit ${mount.status}`).trim()}): run it as root or with CAP_SYS_ADMIN, as CI does`,
    );
  }
  mounted = true;
  // Embedded defaults: no DATABASE_URL (PostgreSQL in <dir>/postgres), no S3 (files in <dir>/files), no Redis.
  node = await startNodeProcess({ TANDEM_DATA_DIR: dataDir }, 120_000);
  const url = new EmbeddedDatabase(dataDir).running();
  if (!url) throw new Error(`the node started no embedded PostgreSQL in ${dataDir}:\n${node.output()}`);
  pool = new pg.Pool({ connectionString: url, max: 1 });
}, 150_000);

afterAll(async () => {
  closeAll();
  await pool?.end().catch(() => undefined);
  if (node) {
    rmSync(filler(), { force: true });
    // A clean stop also stops its PostgreSQL, which must let go of the disk before it can be unmounted.
    const stopped = await Promise.race([node.stop(), sleep(30_000).then(() => 'timeout' as const)]);
    if (stopped === 'timeout') await node.kill();
  }
  if (mounted) {
    for (let i = 0; ; i++) {
      const umount = spawnSync('umount', [dataDir], { encoding: 'utf8' });
      if (umount.status === 0) break;
      if (i === 20) throw new Error(`could not unmount the drill's disk ${dataDir}: ${umount.stderr.trim()}`);
      await sleep(500);
    }
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const freeBytes = () => {
  const s = statfsSync(dataDir);
  return s.bavail * s.bsize;
};

/** Takes the disk's room with a filler file until only `leave` bytes (rounded to pages) are free. */
function fill(leave: number) {
  const fd = openSync(filler(), 'a');
  try {
    const chunk = Buffer.alloc(1024 * 1024, 0x5a);
    for (;;) {
      const room = freeBytes() - leave;
      if (room <= 0) return;
      try {
        writeSync(fd, chunk, 0, Math.min(chunk.length, room));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return;
        throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Every stored file under <dir>/files (blobs, thumbnails, uploads in flight, partial writes), with its size. */
function filesOnDisk(): string[] {
  const root = join(dataDir, 'files');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(`${relative(root, full)} ${statSync(full).size}`);
    }
  };
  walk(root);
  return out.sort();
}

interface Answer {
  status: number;
  code?: string;
  message?: string;
  ms: number;
}

/** Runs one request through the SDK and records how it was answered (never throws). */
async function answer<T>(call: () => Promise<T>): Promise<Answer & { value?: T }> {
  const started = Date.now();
  try {
    const value = await call();
    return { status: 200, ms: Date.now() - started, value };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { status: err.status, code: err.code, message: err.message, ms: Date.now() - started };
  }
}

async function download(client: TandemClient, id: string): Promise<Buffer> {
  const res = await client.files.download(id);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** The 507 a person sees: the code, a sentence that says what happened and what to do, and no delay. */
function expectDiskFull(a: Answer) {
  // Anything else: show what the node logged, so the cause is in the test output.
  if (a.status !== 507)
    console.log(
      'node warnings and errors:\n',
      node!
        .output()
        .split('\n')
        .filter((l) => l.includes('"level":50') || l.includes('"level":40'))
        .map((l) => l.slice(0, 1500))
        .join('\n'),
    );
  expect({ status: a.status, code: a.code }).toEqual({ status: 507, code: 'insufficient_storage' });
  expect(a.message).toMatch(/disk is full.*not saved/i);
  expect(a.ms).toBeLessThan(PATIENCE_MS);
}

describe('disk full in the data dir', () => {
  it('refuses uploads and writes with a clear 507, leaves nothing half-written, and works again once there is room', async () => {
    const started = Date.now();
    const owner: SignedIn = await signUp(node!, 'owner');
    const ws = await owner.workspaces.create({ name: 'Disk drill' });
    const project = await owner.tracking.projects.create(ws.id, { name: 'Board', key: 'DSK' });
    const task = await owner.tracking.tasks.create(project.id, { title: 'Holds the files' });
    const doc = await owner.documents.create(ws.id, { title: 'Typed through the full disk' });

    // Files stored before the disk fills: their bytes are what must survive.
    const before: { id: string; sha256: string }[] = [];
    for (const [i, size] of [40_000, 300_000, 1_000_000].entries()) {
      const bytes = randomBytes(size);
      const target = i % 2 ? { documentId: doc.id } : { taskId: task.id };
      const file = await owner.files.upload(target, new Blob([bytes]), { name: `before-${i}.bin` });
      expect(file.sha256).toBe(sha256(bytes));
      before.push({ id: file.id, sha256: file.sha256 });
    }
    const typist = startTypist('disk', await synced(track(connect(owner, doc.id, new Y.Doc()))), 100);
    await sleep(500);
    expect((await readiness(node!.url)).body).toMatchObject({ status: 'ok', checks: { disk: true, database: true, storage: true } });

    // Nearly full: 256 KiB left, and a 2 MiB upload that starts writing and runs out part-way.
    fill(256 * 1024);
    const stored = filesOnDisk();
    const big = randomBytes(2 * 1024 * 1024);
    const partWay = await answer(() => owner.files.upload({ taskId: task.id }, new Blob([big]), { name: 'big.bin' }));
    expectDiskFull(partWay);
    expect(filesOnDisk()).toEqual(stored);
    expect(freeBytes()).toBeGreaterThan(128 * 1024); // what it wrote before running out was given back
    const nearlyFull = await readiness(node!.url);
    expect(nearlyFull.status).toBe(200);
    expect(nearlyFull.body).toMatchObject({ status: 'degraded', checks: { disk: false, database: true, storage: true } });

    // Full: no room at all.
    fill(0);
    expect(freeBytes()).toBe(0);
    const small = randomBytes(16_000);
    const refusedUpload = await answer(() => owner.files.upload({ documentId: doc.id }, new Blob([small]), { name: 'small.bin' }));
    expectDiskFull(refusedUpload);
    expect(filesOnDisk()).toEqual(stored);
    expect((await owner.files.forTask(task.id)).items.map((f) => f.name).sort()).toEqual(['before-0.bin', 'before-2.bin']);

    // Task writes with large descriptions until PostgreSQL has no room either: each answered 201 or 507.
    const description = randomBytes(15_000).toString('base64');
    const tasks: { title: string; answer: Answer }[] = [];
    for (let n = 0; n < 100 && !tasks.some((t) => t.answer.status === 507); n++) {
      const title = `written while full ${n}`;
      tasks.push({ title, answer: await answer(() => owner.tracking.tasks.create(project.id, { title, description })) });
    }
    const documentWrite = await answer(() => owner.documents.create(ws.id, { title: 'Created while full' }));
    const writes = [...tasks.map((t) => t.answer), documentWrite];
    expect(writes.filter((a) => a.status !== 200 && a.status !== 507)).toEqual([]);
    for (const a of writes.filter((w) => w.status === 507)) expectDiskFull(a);
    expect(tasks.at(-1)!.answer.status).toBe(507); // PostgreSQL ran out too, and said so as 507

    // What was stored before is readable and intact; the node and its PostgreSQL are alive.
    for (const f of before) expect(sha256(await download(owner, f.id))).toBe(f.sha256);
    expect((await fetch(`${node!.url}/health/live`)).status).toBe(200);
    const full = await readiness(node!.url);
    expect(full.body).toMatchObject({ status: 'degraded', checks: { disk: false, database: true } });
    expect(await (await fetch(`${node!.url}/metrics`)).text()).toMatch(/^tandem_data_disk_free_bytes 0$/m);
    expect(node!.child.exitCode).toBeNull();
    await sleep(1000); // the typist goes on typing into the full disk

    // Room again: no restart.
    rmSync(filler());
    const back = await within('readiness to be ok again', 10_000, async () => (await readiness(node!.url)).body.status === 'ok');
    const retried = await owner.files.upload({ taskId: task.id }, new Blob([big]), { name: 'big.bin' });
    expect(sha256(await download(owner, retried.id))).toBe(sha256(big));
    const after = await owner.tracking.tasks.create(project.id, { title: 'written after', description });
    expect(after.description).toBe(description);
    await sleep(500);
    await typist.stop();

    // Nothing earlier lost or corrupted: files, answered tasks (and no refused one), every typed line once.
    for (const f of before) expect(sha256(await download(owner, f.id))).toBe(f.sha256);
    const { rows: fileRows } = await pool!.query<{ id: string; sha256: string }>(
      'SELECT id, sha256 FROM "File" WHERE "workspaceId" = $1 ORDER BY "createdAt"',
      [ws.id],
    );
    expect(fileRows).toEqual([...before, { id: retried.id, sha256: sha256(big) }].map((f) => expect.objectContaining(f)));
    const board = (await owner.tracking.tasks.list(project.id, { limit: 200 })).items;
    for (const t of tasks) {
      const found = board.filter((b) => b.title === t.title);
      if (t.answer.status === 200) expect(found.map((b) => b.description)).toEqual([description]);
      else expect(found).toEqual([]);
    }
    const typed = [...typist.typed].sort();
    await within('every typed line to be stored', 30_000, async () => (await storedParagraphs(pool!, doc.id)).length >= typed.length);
    const lines = await storedParagraphs(pool!, doc.id);
    expect(duplicates(lines)).toEqual([]);
    expect([...lines].sort()).toEqual(typed);

    const refusedWrites = writes.filter((w) => w.status === 507).length;
    console.log(
      `disk-full drill: ${tasks.length} task writes while full (${refusedWrites} refused with 507), ` +
        `document write ${documentWrite.status}, ${typed.length} lines typed, ready again ${back} ms after the filler went, ` +
        `${Date.now() - started} ms in all`,
    );
  }, 120_000);
});
