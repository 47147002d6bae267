// Who hears about a task change: the new assignee ("assigned") and the task's watchers when the
// status changes ("status_changed"). Runs after the change has committed.
import { Injectable } from '@nestjs/common';
import type { TaskView } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { Notifier } from '../notifications/notifier.js';

@Injectable()
export class TaskNotifications {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly notifier: Notifier,
  ) {}

  async watchers(taskId: string): Promise<string[]> {
    const rows = await this.prisma.taskWatcher.findMany({ where: { taskId }, select: { userId: true } });
    return rows.map((r) => r.userId);
  }

  async afterChange(
    actorId: string,
    workspaceId: string,
    task: TaskView,
    change: { assignedTo: string | null; statusFrom: string | null },
  ): Promise<void> {
    const about = { taskKey: task.key, title: task.title };
    if (change.assignedTo) {
      await this.notifier.notify([change.assignedTo], { type: 'assigned', workspaceId, actorId, taskId: task.id, data: about });
    }
    if (change.statusFrom) {
      const names = await this.prisma.status.findMany({ where: { id: { in: [change.statusFrom, task.status] } } });
      const name = (id: string) => names.find((s) => s.id === id)?.name ?? null;
      await this.notifier.notify(await this.watchers(task.id), {
        type: 'status_changed',
        workspaceId,
        actorId,
        taskId: task.id,
        data: { ...about, from: name(change.statusFrom), to: name(task.status) },
      });
    }
  }
}
