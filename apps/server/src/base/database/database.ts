// Opens the database the deployment uses: DATABASE_URL, or the embedded PostgreSQL. Applies
// migrations (unless disabled) and exposes one pg pool shared by Prisma and the raw-SQL paths
// (update log, counters) that need it.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { Gauge, type Registry } from 'prom-client';
import { PrismaClient } from '../../../generated/prisma/index.js';
import type { Config } from '../config/config.js';
import { logger } from '../logger/logger.js';
import { EmbeddedDatabase } from './embedded-postgres.js';
import { markIdempotentCommits } from './idempotent-request.js';
import { knownMigrations, migrate, migrationsDir, pendingMigrations } from './migrator.js';

const log = logger('database');

export class Database {
  private constructor(
    readonly url: string,
    readonly pool: pg.Pool,
    readonly prisma: PrismaClient,
    private readonly embedded: EmbeddedDatabase | null,
  ) {}

  /**
   * `beforeMigrating` runs when migrations are about to be applied to a database that already has
   * some applied (an upgrade, not a first start), e.g. to back it up.
   */
  static async open(
    config: Config,
    hooks: { beforeMigrating?: (url: string, pending: string[]) => Promise<unknown> } = {},
  ): Promise<Database> {
    let embedded: EmbeddedDatabase | null = null;
    let url = config.DATABASE_URL;
    if (!url) {
      embedded = new EmbeddedDatabase(config.dataDir);
      url = await embedded.start();
    }
    try {
      if (config.TANDEM_MIGRATE_ON_START) {
        if (hooks.beforeMigrating) {
          const pending = await pendingMigrations(url, migrationsDir(config.TANDEM_MIGRATIONS_DIR));
          const upgrading = pending.length > 0 && pending.length < knownMigrations(migrationsDir(config.TANDEM_MIGRATIONS_DIR)).length;
          if (upgrading) await hooks.beforeMigrating(url, pending);
        }
        const { applied, total } = await migrate(url, migrationsDir(config.TANDEM_MIGRATIONS_DIR));
        log.info({ applied: applied.length, total }, 'database schema up to date');
      } else {
        // Never serve a schema this version does not know (a newer version migrated it).
        await pendingMigrations(url, migrationsDir(config.TANDEM_MIGRATIONS_DIR));
      }
      const pool = new pg.Pool({
        connectionString: url,
        max: config.DATABASE_POOL_SIZE,
        idleTimeoutMillis: 30_000,
        // Bounds both the wait for a free connection and opening a new one; past it, 503 (error.filter.ts).
        connectionTimeoutMillis: config.DATABASE_POOL_WAIT_MS,
      });
      pool.on('error', (err) => log.warn({ err }, 'idle database connection failed'));
      // 'minimal': an error's message is what failed, not a code frame of the bundled client (unreadable in logs).
      const prisma = markIdempotentCommits(
        new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: false }), errorFormat: 'minimal' }),
      );
      return new Database(url, pool, prisma, embedded);
    } catch (err) {
      await embedded?.stop();
      throw err;
    }
  }

  /**
   * The pool's gauges: connections open and idle, and requests waiting for one. Waiting that does not
   * drain means the pool (DATABASE_POOL_SIZE) is what holds requests back, not the node's CPU.
   */
  registerMetrics(registry: Registry): void {
    const pool = this.pool;
    new Gauge({
      name: 'tandem_db_pool_connections',
      help: 'Database connections this node holds, by state (idle, in use)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      },
    });
    new Gauge({
      name: 'tandem_db_pool_waiting',
      help: 'Queries waiting for a free database connection of this node',
      registers: [registry],
      collect() {
        this.set(pool.waitingCount);
      },
    });
  }

  /** True when the database answers a trivial query within the timeout. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.pool.query('SELECT 1'),
        new Promise((_, rej) => {
          timer = setTimeout(() => rej(new Error('timeout')), timeoutMs);
        }),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    await this.embedded?.stop();
  }
}

export type { Prisma, User } from '../../../generated/prisma/index.js';
export { PrismaClient };
