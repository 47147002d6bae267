// Who hears about a task change: the new assignee ("assigned") and the task's watchers when the
// status changes ("status_changed"). Runs after the change has committed.
import { Injectable } from '@nestjs/common';
import type { TaskView } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { Notifier } from '../notifications/notifier.js';

/** The names of the old and new status and the task's watchers, for a `status_changed` notification. */
export interface StatusChangeFacts {
  fromName: string | null;
  toName: string | null;
  watchers: string[];
}

@Injectable()
export class TaskNotifications {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly notifier: Notifier,
  ) {}

  async afterChange(
    actorId: string,
    workspaceId: string,
    task: TaskView,
    change: { assignedTo: string | null; statusFrom: string | null },
    /** What a status change needs, when the caller read it with its change. */
    known?: StatusChangeFacts,
  ): Promise<void> {
    const about = { taskKey: task.key, title: task.title };
    const groups: Parameters<Notifier['notifyEach']>[0] = [];
    if (change.assignedTo) {
      groups.push({ recipients: [change.assignedTo], input: { type: 'assigned', workspaceId, actorId, taskId: task.id, data: about } });
    }
    if (change.statusFrom) {
      // The two column names and the watchers in one statement.
      const facts =
        known ??
        (
          await this.prisma.$queryRaw<StatusChangeFacts[]>`
            SELECT (SELECT name FROM "Status" WHERE id = ${change.statusFrom}::uuid) AS "fromName",
              (SELECT name FROM "Status" WHERE id = ${task.status}::uuid) AS "toName",
              ARRAY(SELECT w."userId"::text FROM "TaskWatcher" w WHERE w."taskId" = ${task.id}::uuid) AS watchers`
        )[0];
      groups.push({
        recipients: facts?.watchers ?? [],
        input: {
          type: 'status_changed',
          workspaceId,
          actorId,
          taskId: task.id,
          data: { ...about, from: facts?.fromName ?? null, to: facts?.toName ?? null },
        },
      });
    }
    if (groups.length > 0) await this.notifier.notifyEach(groups);
  }
}
