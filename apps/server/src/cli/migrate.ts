// `pnpm migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits.
import { loadConfig } from '../base/config/config.js';
import { EmbeddedDatabase } from '../base/database/embedded-postgres.js';
import { migrate, migrationsDir } from '../base/database/migrator.js';
import { configureLogger } from '../base/logger/logger.js';

const config = loadConfig();
configureLogger(config.LOG_LEVEL);
const embedded = config.DATABASE_URL ? null : new EmbeddedDatabase(config.dataDir);
const url = config.DATABASE_URL ?? (await embedded!.start());
try {
  const { applied, total } = await migrate(url, migrationsDir(config.TANDEM_MIGRATIONS_DIR));
  process.stdout.write(`migrations: ${applied.length} applied, ${total} total\n`);
} finally {
  await embedded?.stop();
}
