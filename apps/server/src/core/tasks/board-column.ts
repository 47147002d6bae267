// Ranks within one board column (a status). Ranks are unique per column (the unique index
// "Task_statusId_rank_key"). A move places a card optimistically: it reads its neighbours' ranks,
// computes its rank and writes it in one statement, without a transaction; a write that computed
// the same rank as a concurrent one fails on the constraint and is tried again (a clash). The rarer
// writes that append or rewrite a column (create, a status change, deleting a status, a rebalance)
// hold the column's transaction-scoped advisory lock, which serializes them with each other, and
// are also tried again on a clash with a move. A rebalance bumps the column's `rankEpoch` under a
// row lock first; a move checks the epoch it read under a share lock of that row, so a move
// computed against the old ranks never lands after the rewrite.

import { REBALANCE_LENGTH, rankBetween, spreadRanks } from '@tandem/protocol';
import { AppError } from '../../base/errors/app-error.js';
import { anyCause } from '../../base/errors/error.filter.js';
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

/** Where a move puts its card: after a card, before a card, or at the end of the column. */
export type Placement = 'after' | 'before' | 'end';

/**
 * SQL for the columns `lo` and `hi`: the ranks a card placed in column `status` goes between (the
 * moving card `task` ignored as a neighbour); `anchor` is the card it goes after or before. A null
 * `lo` after a card (or `hi` before one) means that card is not in the column.
 */
export function neighbourColumns(placement: Placement, task: string, status: string, anchor: string): string {
  if (placement === 'after')
    return `(SELECT a.rank FROM "Task" a WHERE a.id = ${anchor} AND a."statusId" = ${status}) AS lo,
      (SELECT n.rank FROM "Task" a JOIN "Task" n ON n."statusId" = a."statusId" AND n.rank > a.rank AND n.id <> ${task}
        WHERE a.id = ${anchor} AND a."statusId" = ${status} ORDER BY n.rank LIMIT 1) AS hi`;
  if (placement === 'before')
    return `(SELECT n.rank FROM "Task" b JOIN "Task" n ON n."statusId" = b."statusId" AND n.rank < b.rank AND n.id <> ${task}
        WHERE b.id = ${anchor} AND b."statusId" = ${status} ORDER BY n.rank DESC LIMIT 1) AS lo,
      (SELECT b.rank FROM "Task" b WHERE b.id = ${anchor} AND b."statusId" = ${status}) AS hi`;
  return `(SELECT n.rank FROM "Task" n WHERE n."statusId" = ${status} AND n.id <> ${task} ORDER BY n.rank DESC LIMIT 1) AS lo,
      NULL::text AS hi`;
}

/** The rank between neighbours read by `neighbourColumns`; a missing anchor is a 400. */
export function rankFromNeighbours(placement: Placement, lo: string | null, hi: string | null): string {
  if (placement === 'after' && lo === null) throw notInColumn('afterId');
  if (placement === 'before' && hi === null) throw notInColumn('beforeId');
  return rankBetween(lo, hi);
}

const RANK_INDEX = 'Task_statusId_rank_key';

/** Whether `err` is a write that computed a rank another write took first (try it again). */
export function isRankClash(err: unknown): boolean {
  // pg names the index in its error; Prisma keeps pg's message (in its own, and as originalMessage).
  return anyCause(
    err,
    (e) =>
      (e.code === '23505' && e.constraint === RANK_INDEX) ||
      [e.message, e.originalMessage].some((m) => typeof m === 'string' && m.includes(`"${RANK_INDEX}"`)),
  );
}

const notInColumn = (what: string) => AppError.badRequest(`${what} is not a task of the target column`, { field: what });

/**
 * Rewrites a column with evenly spaced short ranks when `rank` has grown too long (lock held).
 * Returns the new ranks of the cards it rewrote by task id, or null when it was not needed.
 */
export async function rebalanceIfLong(tx: Tx, statusId: string, rank: string): Promise<Record<string, string> | null> {
  if (rank.length <= REBALANCE_LENGTH) return null;
  // First the epoch, under the column row's exclusive lock: it waits for the moves into this column
  // that checked the old epoch to commit (the read below then sees them), and every later one fails
  // its check and is computed again against the new ranks.
  await tx.$executeRaw`
    WITH locked AS (SELECT id FROM "Status" WHERE id = ${statusId}::uuid FOR UPDATE)
    UPDATE "Status" SET "rankEpoch" = "rankEpoch" + 1 WHERE id IN (SELECT id FROM locked)`;
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Task" WHERE "statusId" = ${statusId}::uuid ORDER BY rank, id`;
  const ranks = spreadRanks(rows.length);
  const ids = rows.map((r) => r.id);
  // Only cards still in the column: one moved out meanwhile keeps the rank its move gave it. In two
  // steps, through placeholders no rank can equal ('~' sorts after the alphabet), since the unique
  // index is checked row by row and a new rank may be another card's old one.
  await tx.$executeRaw`UPDATE "Task" SET rank = '~' || id::text WHERE id = ANY(${ids}::uuid[]) AND "statusId" = ${statusId}::uuid`;
  const rewritten = await tx.$queryRaw<{ id: string; rank: string }[]>`
    UPDATE "Task" t SET rank = v.rank FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${ranks}::text[]) AS rank) v
    WHERE t.id = v.id AND t."statusId" = ${statusId}::uuid
    RETURNING t.id, t.rank`;
  return Object.fromEntries(rewritten.map((r) => [r.id, r.rank]));
}
