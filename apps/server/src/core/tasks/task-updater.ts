// Edits a task's fields with optimistic concurrency: a stale `version` (or a concurrent edit that
// lands first) answers 409 and changes nothing. A status change appends the task to its new column.
import { Injectable } from '@nestjs/common';
import type { TaskView, UpdateTaskBody } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { TX_OPTIONS } from '../../base/database/transaction.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { fieldChanges, recordActivity } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { endOfColumn, lockColumns } from './board-column.js';
import { TaskNotifications } from './task-notifications.js';
import { TaskQueries } from './task-queries.js';
import { TaskRules } from './task-rules.js';

const dateOnly = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null;

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

  async update(actor: Actor, taskId: string, body: UpdateTaskBody): Promise<TaskView> {
    const access = await this.policy.authorize(actor.id, { task: taskId }, 'task.update');
    const projectId = access.projectId!;
    const current = await this.prisma.task.findUniqueOrThrow({ where: { id: taskId }, include: { labels: true } });
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
      labelIds: current.labels.map((l) => l.labelId).sort(),
      dueDate: dateOnly(current.dueDate),
      estimate: current.estimate,
      archived: current.archivedAt !== null,
    };
    const { version: _v, ...requested } = body;
    const after = { ...before, ...requested, labelIds: body.labelIds ? [...new Set(body.labelIds)].sort() : before.labelIds };
    const changes = fieldChanges(before, after);
    if (Object.keys(changes).length === 0) return this.queries.view(taskId);

    await this.prisma.$transaction(async (tx) => {
      if (changes.parentId && after.parentId) await this.rules.parent(tx, projectId, taskId, after.parentId);
      let rank: string | undefined;
      if (changes.status) {
        await lockColumns(tx, [after.status]);
        rank = await endOfColumn(tx, after.status);
      }
      const { count } = await tx.task.updateMany({
        where: { id: taskId, version: current.version },
        data: {
          title: after.title,
          description: after.description,
          statusId: after.status,
          rank,
          type: after.type,
          priority: after.priority,
          assigneeId: after.assigneeId,
          parentId: after.parentId,
          sprintId: after.sprintId,
          dueDate: after.dueDate ? new Date(`${after.dueDate}T00:00:00Z`) : null,
          estimate: after.estimate,
          archivedAt: changes.archived ? (after.archived ? new Date() : null) : undefined,
          version: { increment: 1 },
        },
      });
      if (count === 0) throw stale(current.version + 1);
      if (changes.labelIds) {
        await tx.taskLabel.deleteMany({ where: { taskId } });
        await tx.taskLabel.createMany({ data: after.labelIds.map((labelId) => ({ taskId, labelId })) });
      }
      if (changes.assigneeId && after.assigneeId) {
        await tx.taskWatcher.createMany({ data: [{ taskId, userId: after.assigneeId }], skipDuplicates: true });
      }
      const logged = { ...changes };
      // Descriptions can be long documents: the log records that one changed, not two full copies.
      if (logged.description) logged.description = { from: '(previous text)', to: '(new text)' };
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId,
        taskId,
        actorId: actor.id,
        action: 'task.updated',
        changes: logged,
      });
    }, TX_OPTIONS);

    const view = await this.queries.view(taskId);
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
