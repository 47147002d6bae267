// One backup = one tar archive: `db/<table>.copy.gz` (each table in COPY text format), then
// `files/<key>` (every stored object, as stored), then `manifest.json` (version, schema migrations,
// row and file counts, and a SHA-256 per entry). Restore verifies every checksum in a first pass and
// only then changes anything; the database is replaced in one transaction and the stored files it
// added are removed again if that transaction fails, so a restore is all or nothing.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import * as tar from 'tar-stream';
import { appliedMigrations, assertNotNewer, knownMigrations, migrate, migrationsDir } from '../database/migrator.js';
import { AppError } from '../errors/app-error.js';
import { assertKey, type ObjectStorage } from '../storage/object-storage.js';
import { copyIn, copyOut, dropSchemaObjects, listTables, type TableDump, withConstraintsDeferred } from './database-dump.js';

export const BACKUP_FORMAT = 1;

export interface BackupManifest {
  format: number;
  tandemVersion: string;
  createdAt: string;
  /** Migrations applied to the database when it was dumped, in order. */
  migrations: string[];
  tables: Record<string, { columns: string[]; rows: number }>;
  files: { count: number; bytes: number };
  /** SHA-256 (hex) of every other entry of the archive, by entry name. */
  checksums: Record<string, string>;
}

export class BackupError extends Error {}

/** Counts rows (lines) and bytes of a COPY text stream as it passes. */
class LineCounter extends Transform {
  lines = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines++;
    this.push(chunk);
    done();
  }
}

class Hasher extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.push(chunk);
    done();
  }
  hex() {
    return this.hash.digest('hex');
  }
}

async function addEntry(pack: tar.Pack, name: string, size: number, body: Readable): Promise<string> {
  const hasher = new Hasher();
  const entry = pack.entry({ name, size, mode: 0o600 });
  await pipeline(body, hasher, entry);
  return hasher.hex();
}

export interface BackupResult {
  path: string;
  manifest: BackupManifest;
  bytes: number;
}

/** Writes a backup of the database at `databaseUrl` and of `storage` to `outPath` (atomically). */
export async function createBackup(opts: {
  databaseUrl: string;
  storage: ObjectStorage | null;
  outPath: string;
  tandemVersion: string;
}): Promise<BackupResult> {
  const work = await mkdtemp(join(tmpdir(), 'tandem-backup-'));
  const partial = `${opts.outPath}.${randomBytes(4).toString('hex')}.partial`;
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  try {
    const pack = tar.pack();
    const written = pipeline(pack, createWriteStream(partial, { mode: 0o600 }));
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      tandemVersion: opts.tandemVersion,
      createdAt: new Date().toISOString(),
      migrations: [],
      tables: {},
      files: { count: 0, bytes: 0 },
      checksums: {},
    };
    // One snapshot for every table: rows written meanwhile are either all in or all out.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    manifest.migrations = await appliedMigrations(client);
    for (const table of await listTables(client)) {
      const file = join(work, `${table.name}.copy.gz`);
      const counter = new LineCounter();
      const out = new PassThrough();
      const done = pipeline(out, counter, createGzip({ level: 3 }), createWriteStream(file));
      await copyOut(client, table, out);
      await done;
      const name = `db/${table.name}.copy.gz`;
      manifest.tables[table.name] = { columns: table.columns, rows: counter.lines };
      manifest.checksums[name] = await addEntry(pack, name, (await stat(file)).size, createReadStream(file));
      await unlink(file);
    }
    await client.query('COMMIT');
    // Stored bytes are immutable under content addresses: copying them after the snapshot keeps
    // every object the snapshot refers to (cleanup only removes bytes long unreferenced).
    if (opts.storage) {
      for await (const obj of opts.storage.list()) {
        const name = `files/${obj.key}`;
        manifest.checksums[name] = await addEntry(pack, name, obj.size, await opts.storage.get(obj.key));
        manifest.files.count++;
        manifest.files.bytes += obj.size;
      }
    }
    const body = Buffer.from(JSON.stringify(manifest, null, 2));
    await new Promise<void>((res, rej) =>
      pack.entry({ name: 'manifest.json', size: body.length, mode: 0o600 }, body, (e) => (e ? rej(e) : res())),
    );
    pack.finalize();
    await written;
    await rename(partial, opts.outPath);
    return { path: opts.outPath, manifest, bytes: (await stat(opts.outPath)).size };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  } finally {
    await client.end().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

type EntryHandler = (name: string, body: Readable) => Promise<void>;

/** Reads every entry of the archive in order; a truncated archive rejects. */
async function readArchive(path: string, onEntry: EntryHandler): Promise<void> {
  const extract = tar.extract();
  const finished = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, source, next) => {
      const stream = source as unknown as Readable;
      onEntry(header.name, stream).then(
        () => {
          stream.resume();
          next();
        },
        (err) => {
          stream.resume();
          extract.destroy(err);
        },
      );
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  await Promise.all([pipeline(createReadStream(path), extract), finished]).catch((err: Error) => {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`the archive is damaged or truncated (${err.message})`);
  });
}

async function drain(body: Readable): Promise<string> {
  const hasher = new Hasher();
  await pipeline(body, hasher, new PassThrough().resume());
  return hasher.hex();
}

/** First pass: every entry's checksum against the manifest. Returns the manifest. */
export async function verifyBackup(path: string): Promise<BackupManifest> {
  const seen: Record<string, string> = {};
  let manifest: BackupManifest | null = null;
  await readArchive(path, async (name, body) => {
    if (name === 'manifest.json') {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      try {
        manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BackupManifest;
      } catch {
        throw new BackupError('the archive is damaged: its manifest is not readable');
      }
      return;
    }
    seen[name] = await drain(body);
  });
  const m = manifest as BackupManifest | null;
  if (!m) throw new BackupError('the archive is damaged or truncated: it has no manifest');
  if (m.format !== BACKUP_FORMAT) throw new BackupError(`unsupported backup format ${m.format} (this version reads ${BACKUP_FORMAT})`);
  for (const [name, sum] of Object.entries(m.checksums)) {
    if (!(name in seen)) throw new BackupError(`the archive is damaged or truncated: ${name} is missing`);
    if (seen[name] !== sum) throw new BackupError(`the archive is damaged: checksum mismatch on ${name}`);
  }
  for (const name of Object.keys(seen)) {
    if (!(name in m.checksums)) throw new BackupError(`the archive is damaged: unexpected entry ${name}`);
    if (!entryNameAllowed(name, m))
      throw new BackupError(`the archive is not a Tandem backup: entry ${JSON.stringify(name)} is not allowed`);
  }
  return m;
}

/**
 * Whether an entry name is one a backup writes: a table of the manifest, or a stored file under a
 * valid storage key. Anything else (`files/../x`, an absolute path, a table the manifest does not
 * list) is refused before restore touches the database or the file store.
 */
function entryNameAllowed(name: string, manifest: BackupManifest): boolean {
  const table = /^db\/([A-Za-z0-9_]+)\.copy\.gz$/.exec(name)?.[1];
  if (table) return Object.hasOwn(manifest.tables, table);
  if (!name.startsWith('files/')) return false;
  try {
    assertKey(name.slice('files/'.length));
    return true;
  } catch {
    return false;
  }
}

/** True when the database or the store already holds a deployment's data. */
export async function deploymentHasData(databaseUrl: string, storage: ObjectStorage | null): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const t = await client.query(`SELECT to_regclass('"User"') AS u, to_regclass('"Workspace"') AS w`);
    if (t.rows[0]?.u) {
      const n = await client.query(`SELECT (SELECT count(*) FROM "User") + (SELECT count(*) FROM "Workspace") AS n`);
      if (Number(n.rows[0].n) > 0) return true;
    }
  } finally {
    await client.end();
  }
  if (storage) for await (const _ of storage.list()) return true;
  return false;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Migrations applied after the restore (the archive came from an older version). */
  upgraded: string[];
}

export async function restoreBackup(opts: {
  databaseUrl: string;
  storage: ObjectStorage | null;
  inPath: string;
  force: boolean;
  migrationsDir?: string;
}): Promise<RestoreResult> {
  const dir = migrationsDir(opts.migrationsDir);
  const manifest = await verifyBackup(opts.inPath);
  const known = knownMigrations(dir);
  try {
    assertNotNewer(manifest.migrations, known);
  } catch {
    throw new BackupError(
      `this backup was made by a newer version of Tandem (${manifest.tandemVersion}): restore it with that version or newer`,
    );
  }
  if (manifest.files.count > 0 && !opts.storage) throw new BackupError('the backup holds files but no file storage is configured');
  if (!opts.force && (await deploymentHasData(opts.databaseUrl, opts.storage))) {
    throw new BackupError('the target deployment already holds data: restore into an empty one, or pass --force to replace it');
  }
  const added: string[] = [];
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    // The schema exactly as it was when the backup was taken; newer migrations run after the load.
    await dropSchemaObjects(client);
    await client.query(
      `CREATE TABLE _tandem_migrations (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { readFile } = await import('node:fs/promises');
    for (const name of manifest.migrations) {
      if (name === '_tandem_migrations') continue;
      await client.query(await readFile(join(dir, name, 'migration.sql'), 'utf8'));
    }
    const tables = Object.keys(manifest.tables);
    await withConstraintsDeferred(client, tables, () =>
      readArchive(opts.inPath, async (name, body) => {
        if (name.startsWith('db/')) {
          const table = name.slice(3, -'.copy.gz'.length);
          const dump: TableDump = { name: table, columns: manifest.tables[table]!.columns };
          await copyIn(client, dump, body.pipe(createGunzip()));
        } else if (name.startsWith('files/') && opts.storage) {
          const key = name.slice(6);
          if (await opts.storage.stat(key)) return;
          await opts.storage.put(key, body);
          added.push(key);
        }
      }),
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    for (const key of added) await opts.storage?.delete(key).catch(() => undefined);
    if (err instanceof BackupError || err instanceof AppError) throw err;
    throw new BackupError(`restore failed and nothing was changed: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const { applied } = await migrate(opts.databaseUrl, dir);
  return { manifest, upgraded: applied };
}
