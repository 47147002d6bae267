// Which engine answers. PostgreSQL always works; with MEILI_URL set, Meilisearch answers while it is
// reachable and PostgreSQL takes over (same results contract, /health/ready "degraded") while it is
// not. Changes reach Meilisearch through the outbox, so nothing is lost while it is down.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { SearchResults } from '@tandem/protocol';
import { Meilisearch } from 'meilisearch';
import { CONFIG, type Config } from '../../base/config/config.js';
import { Database } from '../../base/database/database.js';
import { Degradations } from '../../base/health/degradations.js';
import { JobRegistry } from '../../base/jobs/job-registry.js';
import { logger } from '../../base/logger/logger.js';
import { drainOutbox, MEILI_INDEX, MEILI_SETTINGS, type MeiliClient, MeiliSearchEngine, reindexMeili } from './meili-search.js';
import { PostgresSearch } from './postgres-search.js';
import type { SearchRequest } from './search-engine.js';

const log = logger('search');
/** How long a failed Meilisearch stays out of rotation before it is tried again. */
const RETRY_MS = 5_000;

/**
 * Meilisearch with PostgreSQL as its stand-in. Separate from Nest so the fallback logic is unit-
 * tested with a client standing in for the server (which cannot run on the build machines).
 */
export class EngineFailover {
  private downSince: number | null = null;

  constructor(
    readonly primary: MeiliSearchEngine,
    private readonly fallback: PostgresSearch,
    private readonly now: () => number = Date.now,
  ) {}

  get healthy(): boolean {
    return this.downSince === null;
  }

  markDown(err: unknown) {
    if (this.downSince === null) log.warn({ err: (err as Error)?.message }, 'Meilisearch unreachable; searching with PostgreSQL');
    this.downSince = this.now();
  }

  markUp() {
    if (this.downSince !== null) log.info('Meilisearch reachable again');
    this.downSince = null;
  }

  async search(req: SearchRequest): Promise<SearchResults> {
    if (this.downSince !== null && this.now() - this.downSince < RETRY_MS) return this.fallback.search(req);
    try {
      const res = await this.primary.search(req);
      this.markUp();
      return res;
    } catch (err) {
      this.markDown(err);
      return this.fallback.search(req);
    }
  }
}

@Injectable()
export class SearchEngines implements OnModuleInit {
  private failover: EngineFailover | null = null;
  private client: MeiliClient | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly db: Database,
    private readonly postgres: PostgresSearch,
    private readonly jobs: JobRegistry,
    private readonly degradations: Degradations,
  ) {}

  async onModuleInit() {
    if (!this.config.MEILI_URL) {
      // PostgreSQL only: nothing queues changes for Meilisearch (a server that used it before stops).
      await this.db.pool.query(`DELETE FROM "SystemSetting" WHERE key = 'search.outbox'`);
      return;
    }
    this.client = new Meilisearch({ host: this.config.MEILI_URL, apiKey: this.config.MEILI_KEY }) as unknown as MeiliClient;
    this.failover = new EngineFailover(new MeiliSearchEngine(this.client), this.postgres);
    await this.db.pool.query(
      `INSERT INTO "SystemSetting" (key, value) VALUES ('search.outbox', 'on') ON CONFLICT (key) DO UPDATE SET value = 'on'`,
    );
    this.degradations.register('search', () => this.failover?.healthy ?? true);
    this.jobs.register({ name: 'search.meili-outbox', everyMs: 1_000, run: () => this.drain() });
    void this.prepare();
  }

  /** Applies the index settings; an index that does not exist yet is built from every entry. */
  private async prepare() {
    const client = this.client!;
    try {
      await client.health();
      const index = client.index(MEILI_INDEX);
      try {
        await index.updateSettings(MEILI_SETTINGS).waitTask();
        await index.search('', { limit: 0 });
      } catch {
        await this.reindex();
      }
      this.failover!.markUp();
    } catch (err) {
      this.failover!.markDown(err);
    }
  }

  private async drain(): Promise<Record<string, number>> {
    try {
      const r = await drainOutbox(this.db.pool, this.client!);
      this.failover!.markUp();
      return r;
    } catch (err) {
      this.failover!.markDown(err);
      return { failed: 1 };
    }
  }

  /** Rebuilds the Meilisearch index (a new one, swapped in atomically); PostgreSQL needs none. */
  async reindex(): Promise<{ entries: number }> {
    if (!this.client) return { entries: 0 };
    return reindexMeili(this.db.pool, this.client);
  }

  search(req: SearchRequest): Promise<SearchResults> {
    return this.failover ? this.failover.search(req) : this.postgres.search(req);
  }
}
