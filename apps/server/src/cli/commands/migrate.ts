// `tandem migrate [--dry-run]` and `tandem version`.

import { knownMigrations, migrate, migrationsDir, pendingMigrations } from '../../base/database/migrator.js';
import { SERVER_VERSION } from '../../base/version.js';
import { commandConfig, openDatabaseUrl } from '../context.js';

export async function runMigrations(opts: { dryRun?: boolean }): Promise<string> {
  const config = commandConfig();
  const dir = migrationsDir(config.TANDEM_MIGRATIONS_DIR);
  const { url, release } = await openDatabaseUrl(config);
  try {
    if (opts.dryRun) {
      const pending = await pendingMigrations(url, dir);
      return pending.length === 0 ? 'no migrations to apply' : `would apply ${pending.length}:\n${pending.map((n) => `  ${n}`).join('\n')}`;
    }
    const { applied, total } = await migrate(url, dir);
    return `migrations: ${applied.length} applied, ${total} total`;
  } finally {
    await release();
  }
}

export function versionLine(): string {
  const config = commandConfig();
  const migrations = knownMigrations(migrationsDir(config.TANDEM_MIGRATIONS_DIR));
  return `tandem ${SERVER_VERSION} (schema ${migrations.at(-1) ?? 'none'}, ${migrations.length} migrations; node ${process.versions.node})`;
}
