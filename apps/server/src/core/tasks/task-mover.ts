// Moves a task on the board: into a column (status) and between two neighbours. The task is read
// with its neighbours' ranks (and authorized) in one statement, and written with its activity entry
// in a second one, without a transaction or a lock. A write that clashes with a concurrent one (the
// same rank taken, the column's ranks rewritten, the task changed in between) is computed again the
// locked way, as is a rank grown too long, which then rewrites the column (board-column.ts).
import { Injectable } from '@nestjs/common';
import { type MoveTaskBody, REBALANCE_LENGTH, type TaskView } from '@tandem/protocol';
import { LRUCache } from 'lru-cache';
import { v7 as uuidv7 } from 'uuid';
import { PrismaClient } from '../../base/database/database.js';
import { oneStatement } from '../../base/database/idempotent-request.js';
import { TX_OPTIONS } from '../../base/database/transaction.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import type { Tx } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import type { Access } from '../permission/policy.js';
import { PermissionPolicy } from '../permission/policy.js';
import { isRankClash, lockColumns, neighbourColumns, type Placement, rankFromNeighbours, rebalanceIfLong } from './board-column.js';
import { type StatusChangeFacts, TaskNotifications } from './task-notifications.js';
import { TaskQueries, viewOf } from './task-queries.js';
import { STATUS_INVALID } from './task-rules.js';
import { stale } from './task-updater.js';

/** The task, the target column's epoch (null: not a status of the task's project) and the neighbours' ranks. */
type Current = { statusId: string; version: number; rank: string; epoch: number | null; lo: string | null; hi: string | null };

/**
 * The move, its activity entry, the new view and what a status change notification needs, in one
 * statement. It applies only to the version read and, unless $11 is null, only while the target
 * column's epoch is the one read (checked under a share lock of the column's row, which a rewrite
 * of the column waits for); no row: a clash.
 */
const MOVE = `
  WITH col AS (
    SELECT id FROM "Status" WHERE id = $3::uuid AND ($11::int IS NULL OR "rankEpoch" = $11::int) FOR KEY SHARE
  ), upd AS (
    UPDATE "Task" SET "statusId" = $3::uuid, rank = $4, version = version + 1, "updatedAt" = $5::timestamptz AT TIME ZONE 'UTC'
    WHERE id = $1::uuid AND version = $2::int AND EXISTS (SELECT 1 FROM col)
    RETURNING *
  ), activity AS (
    INSERT INTO "ActivityEvent" (id, "workspaceId", "projectId", "taskId", "actorId", action, changes, "createdAt")
    SELECT $6::uuid, $7::uuid, upd."projectId", upd.id, $8::uuid, 'task.moved', $9::jsonb, $5::timestamptz AT TIME ZONE 'UTC'
    FROM upd
  )
  SELECT v.json, (SELECT name FROM "Status" WHERE id = $10::uuid) AS "fromName", (SELECT name FROM "Status" WHERE id = $3::uuid) AS "toName",
    ARRAY(SELECT w."userId"::text FROM "TaskWatcher" w WHERE w."taskId" = $1::uuid) AS watchers
  FROM (${viewOf('upd')}) v`;

/** How long a column where moves clashed has its moves queue on its lock rather than race. */
const BUSY_COLUMN_MS = 2_000;

/** How many times a move that keeps clashing is computed again before it answers 409. */
const MOVE_ATTEMPTS = 8;

type Moved = { view: TaskView; facts: StatusChangeFacts; rebalanced: Record<string, string> | null };

@Injectable()
export class TaskMover {
  /** Columns where a move clashed lately (this node): their moves take the lock at once. */
  private readonly busy = new LRUCache<string, true>({ max: 10_000, ttl: BUSY_COLUMN_MS });

  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly queries: TaskQueries,
    private readonly events: DomainEvents,
    private readonly notifications: TaskNotifications,
  ) {}

  async move(actor: Actor, taskId: string, body: MoveTaskBody): Promise<TaskView> {
    const placement: Placement = body.afterId ? 'after' : body.beforeId ? 'before' : 'end';
    if ((body.afterId ?? body.beforeId) === taskId) throw AppError.badRequest('A task cannot be placed next to itself');
    for (let attempt = 1; ; attempt++) {
      // Authorized, read, the target column checked and the neighbours' ranks read, in one statement.
      // A caller who sent a version gets 409 once the task is no longer at it.
      const { access, row: current } = await this.policy.authorizeTaskRow<Current>(actor.id, taskId, 'task.update', {
        name: `move_${placement}`,
        columns: `t."statusId", t.version, t.rank,
          (SELECT s."rankEpoch" FROM "Status" s WHERE s.id = $3::uuid AND s."projectId" = t."projectId") AS epoch,
          ${neighbourColumns(placement, 't.id', '$3::uuid', '$4::uuid')}`,
        values: placement === 'end' ? [body.status] : [body.status, body.afterId ?? body.beforeId],
      });
      if (current.epoch === null) throw AppError.validation([{ field: 'status', message: STATUS_INVALID }], STATUS_INVALID);
      if (body.version !== undefined && body.version !== current.version) throw stale(current.version);
      const rank = rankFromNeighbours(placement, current.lo, current.hi);

      // The first try is optimistic, unless the column is busy; after a clash (a hot spot such as the
      // end of a busy column, where every mover computes the same rank) the move queues on the
      // column's lock instead of racing again, and so do the column's next moves for a while.
      const locked = attempt > 1 || rank.length > REBALANCE_LENGTH || this.busy.has(body.status);
      let moved: Moved | null;
      try {
        moved = locked
          ? await this.moveLocked(actor, access, taskId, current, body.status, placement, body.afterId ?? body.beforeId ?? null)
          : await oneStatement(this.prisma, async (db) => {
              const written = await this.write(db, actor, access, taskId, current, body.status, rank, current.epoch);
              return written && { ...written, rebalanced: null };
            });
      } catch (err) {
        if (!isRankClash(err)) throw err;
        this.busy.set(body.status, true);
        moved = null;
      }
      if (moved) return this.announce(actor, access, taskId, current, body.status, moved);
      if (attempt >= MOVE_ATTEMPTS) throw AppError.conflict('The task is changing faster than it can be moved; try again');
      // Someone else's change to the task itself (a caller without a version asked for none): a short
      // random pause spreads out writers of one task.
      if (locked) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  /**
   * A move after a clash, or whose rank has grown past REBALANCE_LENGTH: under the target column's
   * lock, the neighbours are read again, the task written, and the column rewritten with short ranks
   * if its ranks grew long. No rewrite can run meanwhile (it holds the same lock), so no epoch check.
   */
  private moveLocked(
    actor: Actor,
    access: Access,
    taskId: string,
    current: Current,
    status: string,
    placement: Placement,
    anchor: string | null,
  ) {
    return this.prisma.$transaction(async (tx): Promise<Moved | null> => {
      await lockColumns(tx, [status]);
      const [n] = await tx.$queryRawUnsafe<{ lo: string | null; hi: string | null }[]>(
        `SELECT ${neighbourColumns(placement, '$1::uuid', '$2::uuid', '$3::uuid')}`,
        ...(placement === 'end' ? [taskId, status] : [taskId, status, anchor]),
      );
      const rank = rankFromNeighbours(placement, n?.lo ?? null, n?.hi ?? null);
      const written = await this.write(tx, actor, access, taskId, current, status, rank, null);
      return written && { ...written, rebalanced: await rebalanceIfLong(tx, status, rank) };
    }, TX_OPTIONS);
  }

  /** Runs MOVE; null when it found the task at another version or the column rewritten. */
  private async write(
    db: Tx,
    actor: Actor,
    access: Access,
    taskId: string,
    current: Current,
    status: string,
    rank: string,
    epoch: number | null,
  ) {
    const changes: Record<string, unknown> = { rank: { from: current.rank, to: rank } };
    if (current.statusId !== status) changes.status = { from: current.statusId, to: status };
    const rows = await db.$queryRawUnsafe<({ json: string } & StatusChangeFacts)[]>(
      MOVE,
      taskId,
      current.version,
      status,
      rank,
      new Date().toISOString(),
      uuidv7(),
      access.workspaceId,
      actor.id,
      JSON.stringify(changes),
      current.statusId,
      epoch,
    );
    if (!rows[0]) return null;
    const { json, ...facts } = rows[0];
    return { view: JSON.parse(json) as TaskView, facts };
  }

  private async announce(actor: Actor, access: Access, taskId: string, current: Current, status: string, moved: Moved): Promise<TaskView> {
    const projectId = access.projectId!;
    // A rewritten column (rare) gave the task another rank than the one the statement returned.
    const view = moved.rebalanced ? await this.queries.view(taskId) : moved.view;
    await this.events.emit({ type: 'task.moved', workspaceId: access.workspaceId, projectId, taskId, actorId: actor.id, data: view });
    if (moved.rebalanced) {
      await this.events.emit({
        type: 'status.rebalanced',
        workspaceId: access.workspaceId,
        projectId,
        actorId: actor.id,
        data: { statusId: status, ranks: moved.rebalanced },
      });
    }
    await this.notifications.afterChange(
      actor.id,
      access.workspaceId,
      view,
      { assignedTo: null, statusFrom: current.statusId !== status ? current.statusId : null },
      moved.facts,
    );
    return view;
  }
}
