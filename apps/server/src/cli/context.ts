// What every admin command starts from: the server's own configuration (same environment) and its
// database — DATABASE_URL, or the embedded PostgreSQL of TANDEM_DATA_DIR (joined when a running
// server already started it; started for the command's duration otherwise).
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/index.js';
import { type Config, loadConfig } from '../base/config/config.js';
import { EmbeddedDatabase } from '../base/database/embedded-postgres.js';
import { configureLogger } from '../base/logger/logger.js';

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface CommandContext {
  config: Config;
  databaseUrl: string;
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

export function commandConfig(): Config {
  const config = loadConfig();
  // Admin commands print their own lines; the server's logs would bury them.
  configureLogger(process.env.LOG_LEVEL ?? 'warn');
  return config;
}

/** The database URL for a command, and how to let go of it afterwards. */
export async function openDatabaseUrl(config: Config): Promise<{ url: string; release: () => Promise<void> }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, release: async () => {} };
  const embedded = new EmbeddedDatabase(config.dataDir);
  const running = embedded.running();
  if (running) return { url: running, release: async () => {} };
  const url = await embedded.start();
  return { url, release: () => embedded.stop() };
}

export async function openContext(config = commandConfig()): Promise<CommandContext> {
  const { url, release } = await openDatabaseUrl(config);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: false }), errorFormat: 'minimal' });
  return {
    config,
    databaseUrl: url,
    pool,
    prisma,
    async close() {
      await prisma.$disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await release();
    },
  };
}
