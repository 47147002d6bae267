// The default store: files under <TANDEM_DATA_DIR>/files, one file per key. Writes go to a
// temporary name first and are renamed into place, so a key is either complete or absent.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors/app-error.js';
import { assertKey, type ByteRange, ObjectStorage, type StoredObject } from './object-storage.js';

const PARTIAL = '.partial-';

export class LocalObjectStorage extends ObjectStorage {
  readonly kind = 'local' as const;

  constructor(readonly root: string) {
    super();
  }

  private path(key: string): string {
    assertKey(key);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Readable, _size?: number): Promise<StoredObject> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const partial = join(dirname(target), `${PARTIAL}${randomUUID()}`);
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      if (await exists(target)) await unlink(partial);
      else await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    const s = await stat(target);
    return { key, size: s.size, modifiedAt: s.mtime };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.path(key);
    // Open first so a missing key rejects here, not later on the stream.
    const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw AppError.notFound('File');
      throw err;
    });
    return handle.createReadStream({ autoClose: true, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const s = await stat(this.path(key));
      return { key, size: s.size, modifiedAt: s.mtime };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async move(from: string, to: string): Promise<void> {
    const source = this.path(from);
    const target = this.path(to);
    await mkdir(dirname(target), { recursive: true });
    if (await exists(target)) await rm(source, { force: true });
    else await rename(source, target);
  }

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    const walk = async function* (dir: string, root: string): AsyncIterable<StoredObject> {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const full = join(dir, e.name);
        if (e.isDirectory()) yield* walk(full, root);
        else if (e.isFile() && !e.name.startsWith(PARTIAL)) {
          const s = await stat(full).catch(() => null);
          if (s) yield { key: relative(root, full).split(sep).join('/'), size: s.size, modifiedAt: s.mtime };
        }
      }
    };
    for await (const o of walk(this.root, this.root)) if (o.key.startsWith(prefix)) yield o;
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
