// `tandem backup --out FILE` and `tandem restore --in FILE [--force]`.
import { resolve } from 'node:path';
import { BackupError, createBackup, restoreBackup } from '../../base/backup/backup-archive.js';
import { openObjectStorage } from '../../base/storage/open-object-storage.js';
import { SERVER_VERSION } from '../../base/version.js';
import { CommandError, commandConfig, openDatabaseUrl } from '../context.js';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export async function backupCommand(opts: { out?: string }): Promise<string> {
  if (!opts.out) throw new CommandError('--out FILE is required');
  const config = commandConfig();
  const started = Date.now();
  const { url, release } = await openDatabaseUrl(config);
  try {
    const storage = await openObjectStorage(config);
    const { manifest, bytes, path } = await createBackup({
      databaseUrl: url,
      storage,
      outPath: resolve(opts.out),
      tandemVersion: SERVER_VERSION,
    });
    const rows = Object.values(manifest.tables).reduce((n, t) => n + t.rows, 0);
    const secs = (Date.now() - started) / 1000;
    return `backup written to ${path}: ${Object.keys(manifest.tables).length} tables, ${rows} rows, ${manifest.files.count} files (${mb(manifest.files.bytes)}); archive ${mb(bytes)} in ${secs.toFixed(1)} s`;
  } finally {
    await release();
  }
}

export async function restoreCommand(opts: { input?: string; force: boolean }): Promise<string> {
  if (!opts.input) throw new CommandError('--in FILE is required');
  const config = commandConfig();
  const { url, release } = await openDatabaseUrl(config);
  try {
    const storage = await openObjectStorage(config);
    const { manifest, upgraded } = await restoreBackup({
      databaseUrl: url,
      storage,
      inPath: resolve(opts.input),
      force: opts.force,
      migrationsDir: config.TANDEM_MIGRATIONS_DIR,
    });
    const rows = Object.values(manifest.tables).reduce((n, t) => n + t.rows, 0);
    return `restored the backup of ${manifest.createdAt} (Tandem ${manifest.tandemVersion}): ${rows} rows, ${manifest.files.count} files${
      upgraded.length ? `; then applied ${upgraded.length} newer migration(s)` : ''
    }. Restart every Tandem node.`;
  } catch (err) {
    if (err instanceof BackupError) throw new CommandError(err.message);
    throw err;
  } finally {
    await release();
  }
}
