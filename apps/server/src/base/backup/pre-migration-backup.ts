// Upgrades are safe: with BACKUP_DIR set, a server about to apply migrations to a database that
// already holds data first writes a full backup (database and stored files) there. Its name says
// which migration it precedes; the scheduled backups' retention never deletes it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '../logger/logger.js';
import type { ObjectStorage } from '../storage/object-storage.js';
import { SERVER_VERSION } from '../version.js';
import { createBackup } from './backup-archive.js';

export const PRE_MIGRATION_PREFIX = 'tandem-before-migration-';
const log = logger('backup');

export async function backupBeforeMigrating(opts: {
  databaseUrl: string;
  storage: ObjectStorage | null;
  dir: string;
  /** The migrations about to be applied, oldest first. */
  pending: string[];
}): Promise<string> {
  await mkdir(opts.dir, { recursive: true });
  const at = new Date()
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z');
  const outPath = join(opts.dir, `${PRE_MIGRATION_PREFIX}${at}-${opts.pending[0]}.tar`);
  log.warn({ pending: opts.pending.length, path: outPath }, 'backing up before applying migrations');
  const { bytes } = await createBackup({ databaseUrl: opts.databaseUrl, storage: opts.storage, outPath, tandemVersion: SERVER_VERSION });
  log.warn({ path: outPath, bytes }, 'backup written; applying migrations');
  return outPath;
}
