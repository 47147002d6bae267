// Creates a task: next number from the project's counter (row-locked, so keys never collide),
// a rank at the end of its column, labels, automatic watchers and the activity entry, in one
// transaction; then one `task.created` event and an `assigned` notification. The writes are one
// statement: concurrent creates in a project queue on its counter row for as short as possible.
import { Injectable } from '@nestjs/common';
import type { CreateTaskBody, TaskView } from '@tandem/protocol';
import { v7 as uuidv7 } from 'uuid';
import { PrismaClient } from '../../base/database/database.js';
import { retriedWhile, TX_OPTIONS } from '../../base/database/transaction.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import type { Actor } from '../auth/current-user.js';
import { Notifier } from '../notifications/notifier.js';
import { PermissionPolicy } from '../permission/policy.js';
import { endOfColumn, isRankClash, lockColumns } from './board-column.js';
import { TaskQueries } from './task-queries.js';
import { TaskRules } from './task-rules.js';

@Injectable()
export class TaskCreator {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly rules: TaskRules,
    private readonly queries: TaskQueries,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
  ) {}

  async create(actor: Actor, projectId: string, body: CreateTaskBody): Promise<TaskView> {
    const access = await this.policy.authorize(actor.id, { project: projectId }, 'task.create');
    const [project] = await this.prisma.$queryRaw<{ archived: boolean; firstStatus: string | null }[]>`
      SELECT p."archivedAt" IS NOT NULL AS archived,
        (SELECT s.id FROM "Status" s WHERE s."projectId" = p.id ORDER BY s.position LIMIT 1) AS "firstStatus"
      FROM "Project" p WHERE p.id = ${projectId}::uuid`;
    if (!project) throw AppError.notFound('Project');
    if (project.archived) throw AppError.badRequest('The project is archived');
    let statusId = body.status;
    if (statusId) await this.rules.status(projectId, statusId);
    else if (project.firstStatus) statusId = project.firstStatus;
    else throw AppError.badRequest('The project has no statuses');
    if (body.assigneeId) await this.rules.assignee(projectId, body.assigneeId);
    if (body.sprintId) await this.rules.sprint(projectId, body.sprintId);
    if (body.labelIds?.length) await this.rules.labels(access.workspaceId, body.labelIds);

    const id = uuidv7();
    const watchers = [...new Set([actor.id, ...(body.assigneeId ? [body.assigneeId] : [])])];
    const labelIds = [...new Set(body.labelIds ?? [])];
    const changes = JSON.stringify({ title: body.title, status: statusId });
    // Again if a concurrent move took the end-of-column rank first (board-column.ts).
    await retriedWhile(isRankClash, () =>
      this.prisma.$transaction(async (tx) => {
        if (body.parentId) await this.rules.parent(tx, projectId, null, body.parentId);
        await lockColumns(tx, [statusId]);
        const rank = await endOfColumn(tx, statusId);
        // One statement takes the next number and writes the task, its labels, watchers and activity
        // entry, so the project's counter row stays locked only for that statement and the commit.
        await tx.$executeRaw`
        WITH counter AS (
          UPDATE "Project" SET "taskCounter" = "taskCounter" + 1 WHERE id = ${projectId}::uuid RETURNING "taskCounter"
        ), task AS (
          INSERT INTO "Task" (id, "projectId", number, title, description, "statusId", type, priority, "assigneeId",
            "reporterId", "parentId", "sprintId", "dueDate", estimate, rank, "updatedAt")
          SELECT ${id}::uuid, ${projectId}::uuid, counter."taskCounter", ${body.title}, ${body.description ?? ''},
            ${statusId}::uuid, ${body.type ?? (body.parentId ? 'subtask' : 'task')}::"TaskType",
            ${body.priority ?? 'none'}::"TaskPriority", ${body.assigneeId ?? null}::uuid, ${actor.id}::uuid,
            ${body.parentId ?? null}::uuid, ${body.sprintId ?? null}::uuid, ${body.dueDate ?? null}::date,
            ${body.estimate ?? null}::double precision, ${rank}, now()
          FROM counter RETURNING id
        ), labels AS (
          INSERT INTO "TaskLabel" ("taskId", "labelId") SELECT task.id, l FROM task, unnest(${labelIds}::uuid[]) l
        ), watchers AS (
          INSERT INTO "TaskWatcher" ("taskId", "userId") SELECT task.id, w FROM task, unnest(${watchers}::uuid[]) w
        )
        INSERT INTO "ActivityEvent" (id, "workspaceId", "projectId", "taskId", "actorId", action, changes)
        SELECT ${uuidv7()}::uuid, ${access.workspaceId}::uuid, ${projectId}::uuid, task.id, ${actor.id}::uuid,
          'task.created', ${changes}::jsonb
        FROM task`;
      }, TX_OPTIONS),
    );

    const view = await this.queries.view(id);
    await this.events.emit({ type: 'task.created', workspaceId: access.workspaceId, projectId, taskId: id, actorId: actor.id, data: view });
    if (body.assigneeId) {
      await this.notifier.notify([body.assigneeId], {
        type: 'assigned',
        workspaceId: access.workspaceId,
        actorId: actor.id,
        taskId: id,
        data: { taskKey: view.key, title: view.title },
      });
    }
    return view;
  }
}
