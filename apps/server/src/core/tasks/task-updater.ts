// Edits a task's fields with optimistic concurrency: a stale `version` (or a concurrent edit that
// lands first) answers 409 and changes nothing. A status change appends the task to its new column.
import { Injectable } from '@nestjs/common';
import type { TaskView, UpdateTaskBody } from '@tandem/protocol';
import { v7 as uuidv7 } from 'uuid';
import { PrismaClient } from '../../base/database/database.js';
import { oneStatement } from '../../base/database/idempotent-request.js';
import { retriedWhile, TX_OPTIONS } from '../../base/database/transaction.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { fieldChanges, type Tx } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { endOfColumn, isRankClash, lockColumns } from './board-column.js';
import { TaskNotifications } from './task-notifications.js';
import { TaskQueries, viewOf } from './task-queries.js';
import { TaskRules } from './task-rules.js';

type Current = {
  version: number;
  title: string;
  description: string;
  statusId: string;
  type: TaskView['type'];
  priority: TaskView['priority'];
  assigneeId: string | null;
  parentId: string | null;
  sprintId: string | null;
  labelIds: string[];
  dueDate: string | null;
  estimate: number | null;
  archived: boolean;
};

/** What an edit compares against, read with the caller's access (PermissionPolicy.authorizeTaskRow). */
const CURRENT = {
  name: 'update',
  columns: `t.version, t.title, t.description, t."statusId", t.type::text AS type, t.priority::text AS priority, t."assigneeId",
    t."parentId", t."sprintId", ARRAY(SELECT tl."labelId"::text FROM "TaskLabel" tl WHERE tl."taskId" = t.id) AS "labelIds",
    to_char(t."dueDate", 'YYYY-MM-DD') AS "dueDate", t.estimate, t."archivedAt" IS NOT NULL AS archived`,
};

/**
 * The edit ($1 task, $2 the version it was read at; 409 when no row comes back), the new assignee's
 * watch ($17, or null), the activity entry and the new view, in one statement. Every field is
 * written, as before, so the search index hears of each edit.
 */
const UPDATE = `
  WITH upd AS (
    UPDATE "Task" SET title = $3, description = $4, "statusId" = $5::uuid, rank = COALESCE($6::text, rank), type = $7::"TaskType",
      priority = $8::"TaskPriority", "assigneeId" = $9::uuid, "parentId" = $10::uuid, "sprintId" = $11::uuid, "dueDate" = $12::date,
      estimate = $13::double precision,
      "archivedAt" = CASE WHEN $14::boolean THEN $15::timestamptz AT TIME ZONE 'UTC' ELSE "archivedAt" END,
      version = version + 1, "updatedAt" = $16::timestamptz AT TIME ZONE 'UTC'
    WHERE id = $1::uuid AND version = $2::int
    RETURNING *
  ), watch AS (
    INSERT INTO "TaskWatcher" ("taskId", "userId", "createdAt")
    SELECT upd.id, $17::uuid, $16::timestamptz AT TIME ZONE 'UTC' FROM upd WHERE $17::uuid IS NOT NULL
    ON CONFLICT DO NOTHING
  ), activity AS (
    INSERT INTO "ActivityEvent" (id, "workspaceId", "projectId", "taskId", "actorId", action, changes, "createdAt")
    SELECT $18::uuid, $19::uuid, upd."projectId", upd.id, $20::uuid, 'task.updated', $21::jsonb, $16::timestamptz AT TIME ZONE 'UTC'
    FROM upd
  )
  ${viewOf('upd')}`;

@Injectable()
export class TaskUpdater {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly rules: TaskRules,
    private readonly queries: TaskQueries,
    private readonly events: DomainEvents,
    private readonly notifications: TaskNotifications,
  ) {}

  update(actor: Actor, taskId: string, body: UpdateTaskBody): Promise<TaskView> {
    return retriedUnlessVersioned(body.version, () => this.updateOnce(actor, taskId, body));
  }

  private async updateOnce(actor: Actor, taskId: string, body: UpdateTaskBody): Promise<TaskView> {
    // Authorized and read in one statement.
    const { access, row: current } = await this.policy.authorizeTaskRow<Current>(actor.id, taskId, 'task.update', CURRENT);
    const projectId = access.projectId!;
    if (body.version !== undefined && body.version !== current.version) throw stale(current.version);
    if (body.status) await this.rules.status(projectId, body.status);
    if (body.assigneeId && body.assigneeId !== current.assigneeId) await this.rules.assignee(projectId, body.assigneeId);
    if (body.sprintId && body.sprintId !== current.sprintId) await this.rules.sprint(projectId, body.sprintId);
    if (body.labelIds) await this.rules.labels(access.workspaceId, body.labelIds);

    const before = {
      title: current.title,
      description: current.description,
      status: current.statusId,
      type: current.type,
      priority: current.priority,
      assigneeId: current.assigneeId,
      parentId: current.parentId,
      sprintId: current.sprintId,
      labelIds: [...current.labelIds].sort(),
      dueDate: current.dueDate,
      estimate: current.estimate,
      archived: current.archived,
    };
    const { version: _v, ...requested } = body;
    const after = { ...before, ...requested, labelIds: body.labelIds ? [...new Set(body.labelIds)].sort() : before.labelIds };
    const changes = fieldChanges(before, after);
    if (Object.keys(changes).length === 0) return this.queries.view(taskId);

    const logged = { ...changes };
    // Descriptions can be long documents: the log records that one changed, not two full copies.
    if (logged.description) logged.description = { from: '(previous text)', to: '(new text)' };
    const at = new Date().toISOString();
    const write = async (db: Tx, rank: string | null) => {
      const rows = await db.$queryRawUnsafe<{ json: string }[]>(
        UPDATE,
        taskId,
        current.version,
        after.title,
        after.description,
        after.status,
        rank,
        after.type,
        after.priority,
        after.assigneeId,
        after.parentId,
        after.sprintId,
        after.dueDate,
        after.estimate,
        changes.archived !== undefined,
        after.archived ? at : null,
        at,
        changes.assigneeId && after.assigneeId ? after.assigneeId : null,
        uuidv7(),
        access.workspaceId,
        actor.id,
        JSON.stringify(logged),
      );
      if (!rows[0]) throw stale(current.version + 1);
      return JSON.parse(rows[0].json) as TaskView;
    };
    let view: TaskView;
    if ((changes.parentId && after.parentId) || changes.status || changes.labelIds) {
      // Again if a concurrent move took the end-of-column rank first (board-column.ts).
      view =
        (await retriedWhile(isRankClash, () =>
          this.prisma.$transaction(async (tx) => {
            if (changes.parentId && after.parentId) await this.rules.parent(tx, projectId, taskId, after.parentId);
            let rank: string | null = null;
            if (changes.status) {
              await lockColumns(tx, [after.status]);
              rank = await endOfColumn(tx, after.status);
            }
            const written = await write(tx, rank);
            if (!changes.labelIds) return written;
            // After the task row is locked by its update, as every writer of a task does (no deadlock
            // with a delete); the view then has to be read again.
            await tx.taskLabel.deleteMany({ where: { taskId } });
            await tx.taskLabel.createMany({ data: after.labelIds.map((labelId) => ({ taskId, labelId })) });
            return null;
          }, TX_OPTIONS),
        )) ?? (await this.queries.view(taskId));
    } else {
      // The update, the assignee's watch, the activity entry and the view are one statement.
      view = await oneStatement(this.prisma, (db) => write(db, null));
    }

    await this.events.emit({ type: 'task.updated', workspaceId: access.workspaceId, projectId, taskId, actorId: actor.id, data: view });
    await this.notifications.afterChange(actor.id, access.workspaceId, view, {
      assignedTo: changes.assigneeId ? after.assigneeId : null,
      statusFrom: changes.status ? before.status : null,
    });
    return view;
  }
}

export function stale(currentVersion: number) {
  return AppError.conflict('The task was changed by someone else; reload it and try again', { currentVersion });
}

/**
 * A write that sends no `version` asked for no concurrency check: a change landing between the
 * task being read and written is not a conflict for its caller, so it is read again and retried
 * after a short random pause (up to 8 times; past that the task is changing faster than it can be
 * written, and it answers 409).
 */
export function retriedUnlessVersioned<T>(version: number | undefined, write: () => Promise<T>): Promise<T> {
  return retriedWhile((err) => version === undefined && err instanceof AppError && err.code === 'conflict', write);
}
