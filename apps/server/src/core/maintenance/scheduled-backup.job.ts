// Scheduled backups (BACKUP_DIR + BACKUP_CRON): one archive per run, named by time, the newest
// BACKUP_KEEP kept. Run under the job lock, so one node writes each backup.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createBackup } from '../../base/backup/backup-archive.js';
import type { ScheduledJob } from '../../base/jobs/job-registry.js';
import type { ObjectStorage } from '../../base/storage/object-storage.js';

export const BACKUP_PREFIX = 'tandem-backup-';

export function backupFileName(at = new Date()): string {
  return `${BACKUP_PREFIX}${at
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z')}.tar`;
}

/** Removes all but the newest `keep` backups in `dir` (names sort by time). */
export async function pruneBackups(dir: string, keep: number): Promise<number> {
  const names = (await readdir(dir)).filter((n) => n.startsWith(BACKUP_PREFIX) && n.endsWith('.tar')).sort();
  const old = names.slice(0, Math.max(0, names.length - keep));
  for (const n of old) await rm(join(dir, n), { force: true });
  return old.length;
}

export function scheduledBackupJob(opts: {
  databaseUrl: string;
  storage: ObjectStorage | null;
  dir: string;
  cron: string;
  keep: number;
  tandemVersion: string;
}): ScheduledJob {
  return {
    name: 'backup',
    cron: opts.cron,
    async run() {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(opts.dir, { recursive: true });
      const { manifest, bytes } = await createBackup({
        databaseUrl: opts.databaseUrl,
        storage: opts.storage,
        outPath: join(opts.dir, backupFileName()),
        tandemVersion: opts.tandemVersion,
      });
      const pruned = await pruneBackups(opts.dir, opts.keep);
      return { bytes, files: manifest.files.count, pruned };
    },
  };
}
