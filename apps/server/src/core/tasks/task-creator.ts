// Creates a task: next number from the project's counter (row-locked, so keys never collide),
// a rank at the end of its column, labels, automatic watchers and the activity entry, in one
// transaction; then one `task.created` event and an `assigned` notification.
import { Injectable } from '@nestjs/common';
import type { CreateTaskBody, TaskView } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { TX_OPTIONS } from '../../base/database/transaction.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { recordActivity } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import { Notifier } from '../notifications/notifier.js';
import { PermissionPolicy } from '../permission/policy.js';
import { endOfColumn, lockColumns } from './board-column.js';
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
    const project = await this.prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: { archivedAt: true } });
    if (project.archivedAt) throw AppError.badRequest('The project is archived');
    let statusId = body.status;
    if (statusId) await this.rules.status(projectId, statusId);
    else {
      const first = await this.prisma.status.findFirst({ where: { projectId }, orderBy: { position: 'asc' }, select: { id: true } });
      if (!first) throw AppError.badRequest('The project has no statuses');
      statusId = first.id;
    }
    if (body.assigneeId) await this.rules.assignee(projectId, body.assigneeId);
    if (body.sprintId) await this.rules.sprint(projectId, body.sprintId);
    if (body.labelIds?.length) await this.rules.labels(access.workspaceId, body.labelIds);

    const id = await this.prisma.$transaction(async (tx) => {
      if (body.parentId) await this.rules.parent(tx, projectId, null, body.parentId);
      const [counter] = await tx.$queryRaw<{ taskCounter: number }[]>`
        UPDATE "Project" SET "taskCounter" = "taskCounter" + 1 WHERE id = ${projectId}::uuid RETURNING "taskCounter"`;
      await lockColumns(tx, [statusId]);
      const rank = await endOfColumn(tx, statusId);
      const task = await tx.task.create({
        data: {
          projectId,
          number: counter!.taskCounter,
          title: body.title,
          description: body.description ?? '',
          statusId,
          type: body.type ?? (body.parentId ? 'subtask' : 'task'),
          priority: body.priority ?? 'none',
          assigneeId: body.assigneeId ?? null,
          reporterId: actor.id,
          parentId: body.parentId ?? null,
          sprintId: body.sprintId ?? null,
          dueDate: body.dueDate ? new Date(`${body.dueDate}T00:00:00Z`) : null,
          estimate: body.estimate ?? null,
          rank,
        },
        select: { id: true },
      });
      if (body.labelIds?.length) {
        await tx.taskLabel.createMany({ data: [...new Set(body.labelIds)].map((labelId) => ({ taskId: task.id, labelId })) });
      }
      const watchers = new Set([actor.id, ...(body.assigneeId ? [body.assigneeId] : [])]);
      await tx.taskWatcher.createMany({ data: [...watchers].map((userId) => ({ taskId: task.id, userId })) });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId,
        taskId: task.id,
        actorId: actor.id,
        action: 'task.created',
        changes: { title: body.title, status: statusId },
      });
      return task.id;
    }, TX_OPTIONS);

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
