// `tandem reindex`: rebuilds the Meilisearch index from the database (a new index, swapped in
// atomically). PostgreSQL search needs no rebuild: its entries are written by the database in the
// same transaction as every change.
import { Meilisearch } from 'meilisearch';
import { type MeiliClient, reindexMeili } from '../../core/search/meili-search.js';
import { openContext } from '../context.js';

export async function reindexCommand(): Promise<string> {
  const ctx = await openContext();
  try {
    if (!ctx.config.MEILI_URL) {
      const { rows } = await ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "SearchEntry"`);
      return `PostgreSQL search holds ${rows[0]!.n} entries, kept in the same transaction as each change: nothing to rebuild`;
    }
    const client = new Meilisearch({ host: ctx.config.MEILI_URL, apiKey: ctx.config.MEILI_KEY }) as unknown as MeiliClient;
    const { entries } = await reindexMeili(ctx.pool, client);
    return `Meilisearch index rebuilt with ${entries} entries and swapped in`;
  } finally {
    await ctx.close();
  }
}
