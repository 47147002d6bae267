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

async function rankOf(tx: Tx, statusId: string, taskId: string, what: string): Promise<string> {
  const rows = await tx.$queryRaw<{ rank: string }[]>`
    SELECT rank FROM "Task" WHERE id = ${taskId}::uuid AND "statusId" = ${statusId}::uuid`;
  if (!rows[0]) throw AppError.badRequest(`${what} is not a task of the target column`, { field: what });
  return rows[0].rank;
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
    const lo = await rankOf(tx, statusId, afterId, 'afterId');
    const next = await tx.$queryRaw<{ rank: string }[]>`
      SELECT rank FROM "Task" WHERE "statusId" = ${statusId}::uuid AND rank > ${lo} AND id <> ${taskId}::uuid
      ORDER BY rank LIMIT 1`;
    return rankBetween(lo, next[0]?.rank ?? null);
  }
  if (beforeId) {
    const hi = await rankOf(tx, statusId, beforeId, 'beforeId');
    const prev = await tx.$queryRaw<{ rank: string }[]>`
      SELECT rank FROM "Task" WHERE "statusId" = ${statusId}::uuid AND rank < ${hi} AND id <> ${taskId}::uuid
      ORDER BY rank DESC LIMIT 1`;
    return rankBetween(prev[0]?.rank ?? null, hi);
  }
  const last = await tx.$queryRaw<{ rank: string }[]>`
    SELECT rank FROM "Task" WHERE "statusId" = ${statusId}::uuid AND id <> ${taskId}::uuid ORDER BY rank DESC LIMIT 1`;
  return rankBetween(last[0]?.rank ?? null, null);
}

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
