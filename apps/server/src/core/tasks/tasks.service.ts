// Task reads, deletion and watching; creation, edits and moves live in their own commands.
import { Injectable } from '@nestjs/common';
import type { TaskListQuery, TaskView } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { recordActivity } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { TaskQueries, VIEW_JSON } from './task-queries.js';

@Injectable()
export class TasksService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly queries: TaskQueries,
    private readonly events: DomainEvents,
  ) {}

  /** The page as JSON text (see TaskQueries.list). */
  async list(actor: Actor, projectId: string, query: TaskListQuery): Promise<string> {
    const access = await this.policy.authorize(actor.id, { project: projectId }, 'task.read');
    return this.queries.list(projectId, access.workspaceId, query);
  }

  /** Authorized and read in one statement. */
  async get(actor: Actor, taskId: string): Promise<TaskView> {
    const { row } = await this.policy.authorizeTaskRow<{ json: string }>(actor.id, taskId, 'task.read', {
      name: 'view',
      columns: `${VIEW_JSON} AS json`,
    });
    return JSON.parse(row.json) as TaskView;
  }

  async remove(actor: Actor, taskId: string): Promise<void> {
    const access = await this.policy.authorize(actor.id, { task: taskId }, 'task.delete');
    await this.prisma.$transaction(async (tx) => {
      const task = await tx.task.delete({ where: { id: taskId }, select: { number: true, title: true } });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId: access.projectId,
        taskId,
        actorId: actor.id,
        action: 'task.deleted',
        changes: { number: task.number, title: task.title },
      });
    });
    await this.events.emit({
      type: 'task.deleted',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      taskId,
      actorId: actor.id,
      data: { id: taskId },
    });
  }

  /** Anyone who can read a task may watch it. */
  async watch(actor: Actor, taskId: string, on: boolean): Promise<{ watching: boolean }> {
    await this.policy.authorize(actor.id, { task: taskId }, 'task.read');
    if (on) await this.prisma.taskWatcher.createMany({ data: [{ taskId, userId: actor.id }], skipDuplicates: true });
    else await this.prisma.taskWatcher.deleteMany({ where: { taskId, userId: actor.id } });
    return { watching: on };
  }
}
