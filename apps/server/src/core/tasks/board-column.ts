// Ranks within one board column (a status). Every write that hands out a rank in a column holds
// that column's transaction-scoped advisory lock and reads its neighbours after taking it, so two
// concurrent moves into the same gap see each other and never get equal ranks.

import { REBALANCE_LENGTH, rankBetween, spreadRanks } from '@tandem/protocol';
import { AppError } from '../../base/errors/app-error.js';
import type { Tx } from '../activity/activity-log.js';

/** Locks columns in a fixed order so two transactions locking the same pair cannot deadlock. */
export async function lockColumns(tx: Tx, statusIds: string[]): Promise<void> {
  const keys = [...new Set(statusIds)].sort().map((id) => `column:${id}`);
  // One statement, taking the locks in the array's order (a function scan keeps it).
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${keys}::text[]) AS k`;
}

/** The rank at the end of a column (lock held). */
export async function endOfColumn(tx: Tx, statusId: string): Promise<string> {
  const rows = await tx.$queryRaw<{ rank: string }[]>`
    SELECT rank FROM "Task" WHERE "statusId" = ${statusId}::uuid ORDER BY rank DESC LIMIT 1`;
  return rankBetween(rows[0]?.rank ?? null, null);
}

/**
 * The rank for `taskId` placed after `afterId` / before `beforeId` in a column (lock held). The
 * moving task itself is ignored as a neighbour.
 */
export async function rankInColumn(tx: Tx, statusId: string, taskId: string, afterId?: string | null, beforeId?: string | null) {
  if (afterId === taskId || beforeId === taskId) throw AppError.badRequest('A task cannot be placed next to itself');
  if (afterId) {
    // The neighbour's rank and the next one up, in one round trip (the column's lock is held meanwhile).
    const rows = await tx.$queryRaw<{ lo: string; hi: string | null }[]>`
      SELECT a.rank AS lo, (SELECT t.rank FROM "Task" t WHERE t."statusId" = a."statusId" AND t.rank > a.rank AND t.id <> ${taskId}::uuid
        ORDER BY t.rank LIMIT 1) AS hi
      FROM "Task" a WHERE a.id = ${afterId}::uuid AND a."statusId" = ${statusId}::uuid`;
    if (!rows[0]) throw notInColumn('afterId');
    return rankBetween(rows[0].lo, rows[0].hi);
  }
  if (beforeId) {
    const rows = await tx.$queryRaw<{ lo: string | null; hi: string }[]>`
      SELECT b.rank AS hi, (SELECT t.rank FROM "Task" t WHERE t."statusId" = b."statusId" AND t.rank < b.rank AND t.id <> ${taskId}::uuid
        ORDER BY t.rank DESC LIMIT 1) AS lo
      FROM "Task" b WHERE b.id = ${beforeId}::uuid AND b."statusId" = ${statusId}::uuid`;
    if (!rows[0]) throw notInColumn('beforeId');
    return rankBetween(rows[0].lo, rows[0].hi);
  }
  const last = await tx.$queryRaw<{ rank: string }[]>`
    SELECT rank FROM "Task" WHERE "statusId" = ${statusId}::uuid AND id <> ${taskId}::uuid ORDER BY rank DESC LIMIT 1`;
  return rankBetween(last[0]?.rank ?? null, null);
}

const notInColumn = (what: string) => AppError.badRequest(`${what} is not a task of the target column`, { field: what });

/**
 * Rewrites a column with evenly spaced short ranks when `rank` has grown too long (lock held).
 * Returns the new ranks by task id, or null when nothing was rewritten.
 */
export async function rebalanceIfLong(tx: Tx, statusId: string, rank: string): Promise<Record<string, string> | null> {
  if (rank.length <= REBALANCE_LENGTH) return null;
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Task" WHERE "statusId" = ${statusId}::uuid ORDER BY rank, id`;
  const ranks = spreadRanks(rows.length);
  const ids = rows.map((r) => r.id);
  await tx.$executeRaw`
    UPDATE "Task" t SET rank = v.rank FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${ranks}::text[]) AS rank) v
    WHERE t.id = v.id`;
  return Object.fromEntries(ids.map((id, i) => [id, ranks[i]!]));
}
