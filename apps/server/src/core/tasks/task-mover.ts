// Moves a task on the board: into a column (status) and between two neighbours. One row is
// written (plus, rarely, a rewrite of the column when its ranks have grown long).
import { Injectable } from '@nestjs/common';
import type { MoveTaskBody, TaskView } from '@tandem/protocol';
import { v7 as uuidv7 } from 'uuid';
import { PrismaClient } from '../../base/database/database.js';
import { TX_OPTIONS } from '../../base/database/transaction.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { lockColumns, rankInColumn, rebalanceIfLong } from './board-column.js';
import { type StatusChangeFacts, TaskNotifications } from './task-notifications.js';
import { TaskQueries, viewOf } from './task-queries.js';
import { STATUS_INVALID } from './task-rules.js';
import { retriedUnlessVersioned, stale } from './task-updater.js';

type Current = { statusId: string; version: number; rank: string; statusOk: boolean };

const MOVE = `
  WITH upd AS (
    UPDATE "Task" SET "statusId" = $3::uuid, rank = $4, version = version + 1, "updatedAt" = $5::timestamptz AT TIME ZONE 'UTC'
    WHERE id = $1::uuid AND version = $2::int
    RETURNING *
  ), activity AS (
    INSERT INTO "ActivityEvent" (id, "workspaceId", "projectId", "taskId", "actorId", action, changes, "createdAt")
    SELECT $6::uuid, $7::uuid, upd."projectId", upd.id, $8::uuid, 'task.moved', $9::jsonb, $5::timestamptz AT TIME ZONE 'UTC'
    FROM upd
  )
  SELECT v.json, (SELECT name FROM "Status" WHERE id = $10::uuid) AS "fromName", (SELECT name FROM "Status" WHERE id = $3::uuid) AS "toName",
    ARRAY(SELECT w."userId"::text FROM "TaskWatcher" w WHERE w."taskId" = $1::uuid) AS watchers
  FROM (${viewOf('upd')}) v`;

@Injectable()
export class TaskMover {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly queries: TaskQueries,
    private readonly events: DomainEvents,
    private readonly notifications: TaskNotifications,
  ) {}

  move(actor: Actor, taskId: string, body: MoveTaskBody): Promise<TaskView> {
    return retriedUnlessVersioned(body.version, () => this.moveOnce(actor, taskId, body));
  }

  private async moveOnce(actor: Actor, taskId: string, body: MoveTaskBody): Promise<TaskView> {
    // Authorized, read, and the target column checked, in one statement. The row is read before the
    // transaction: the update below only applies to the version read, so a move or edit that lands
    // in between is a conflict (409 to a caller who sent a version; tried again for one who did not).
    const { access, row: current } = await this.policy.authorizeTaskRow<Current>(actor.id, taskId, 'task.update', {
      name: 'move',
      columns: `t."statusId", t.version, t.rank,
        EXISTS (SELECT 1 FROM "Status" s WHERE s.id = $3::uuid AND s."projectId" = t."projectId") AS "statusOk"`,
      values: [body.status],
    });
    const projectId = access.projectId!;
    if (!current.statusOk) throw AppError.validation([{ field: 'status', message: STATUS_INVALID }], STATUS_INVALID);
    if (body.version !== undefined && body.version !== current.version) throw stale(current.version);

    const at = new Date().toISOString();
    const {
      view: written,
      facts,
      rebalanced,
    } = await this.prisma.$transaction(async (tx) => {
      await lockColumns(tx, [current.statusId, body.status]);
      const rank = await rankInColumn(tx, body.status, taskId, body.afterId, body.beforeId);
      const changes: Record<string, unknown> = { rank: { from: current.rank, to: rank } };
      if (current.statusId !== body.status) changes.status = { from: current.statusId, to: body.status };
      // The move, its activity entry, the new view and what a status change notification needs, in
      // one statement; no row: moved or edited since.
      const rows = await tx.$queryRawUnsafe<({ json: string } & StatusChangeFacts)[]>(
        MOVE,
        taskId,
        current.version,
        body.status,
        rank,
        at,
        uuidv7(),
        access.workspaceId,
        actor.id,
        JSON.stringify(changes),
        current.statusId,
      );
      if (!rows[0]) throw stale(current.version + 1);
      const { json, ...facts } = rows[0];
      return { view: JSON.parse(json) as TaskView, facts, rebalanced: await rebalanceIfLong(tx, body.status, rank) };
    }, TX_OPTIONS);

    // A rewritten column (rare) gave the task another rank than the one the statement returned.
    const view = rebalanced ? await this.queries.view(taskId) : written;
    await this.events.emit({ type: 'task.moved', workspaceId: access.workspaceId, projectId, taskId, actorId: actor.id, data: view });
    if (rebalanced) {
      await this.events.emit({
        type: 'status.rebalanced',
        workspaceId: access.workspaceId,
        projectId,
        actorId: actor.id,
        data: { statusId: body.status, ranks: rebalanced },
      });
    }
    await this.notifications.afterChange(
      actor.id,
      access.workspaceId,
      view,
      { assignedTo: null, statusFrom: current.statusId !== body.status ? current.statusId : null },
      facts,
    );
    return view;
  }
}
