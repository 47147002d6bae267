// Moves a task on the board: into a column (status) and between two neighbours. One row is
// written (plus, rarely, a rewrite of the column when its ranks have grown long).
import { Injectable } from '@nestjs/common';
import type { MoveTaskBody, TaskView } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { TX_OPTIONS } from '../../base/database/transaction.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { recordActivity } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { lockColumns, rankInColumn, rebalanceIfLong } from './board-column.js';
import { TaskNotifications } from './task-notifications.js';
import { TaskQueries } from './task-queries.js';
import { TaskRules } from './task-rules.js';
import { stale } from './task-updater.js';

@Injectable()
export class TaskMover {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly rules: TaskRules,
    private readonly queries: TaskQueries,
    private readonly events: DomainEvents,
    private readonly notifications: TaskNotifications,
  ) {}

  async move(actor: Actor, taskId: string, body: MoveTaskBody): Promise<TaskView> {
    const access = await this.policy.authorize(actor.id, { task: taskId }, 'task.update');
    const projectId = access.projectId!;
    await this.rules.status(projectId, body.status);

    const { from, rebalanced } = await this.prisma.$transaction(async (tx) => {
      const current = await tx.task.findUniqueOrThrow({ where: { id: taskId }, select: { statusId: true, version: true, rank: true } });
      if (body.version !== undefined && body.version !== current.version) throw stale(current.version);
      await lockColumns(tx, [current.statusId, body.status]);
      const rank = await rankInColumn(tx, body.status, taskId, body.afterId, body.beforeId);
      const { count } = await tx.task.updateMany({
        where: { id: taskId, version: current.version },
        data: { statusId: body.status, rank, version: { increment: 1 } },
      });
      if (count === 0) throw stale(current.version + 1);
      const changes: Record<string, unknown> = { rank: { from: current.rank, to: rank } };
      if (current.statusId !== body.status) changes.status = { from: current.statusId, to: body.status };
      await recordActivity(tx, { workspaceId: access.workspaceId, projectId, taskId, actorId: actor.id, action: 'task.moved', changes });
      return { from: current.statusId, rebalanced: await rebalanceIfLong(tx, body.status, rank) };
    }, TX_OPTIONS);

    const view = await this.queries.view(taskId);
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
    await this.notifications.afterChange(actor.id, access.workspaceId, view, {
      assignedTo: null,
      statusFrom: from !== body.status ? from : null,
    });
    return view;
  }
}
