// Creates notifications (one row per recipient, committed) and pushes each to its recipient's
// `user:<id>` room through a domain event. Never notifies the actor about their own action.
import { Injectable } from '@nestjs/common';
import { PrismaClient } from '../../base/database/database.js';
import { DomainEvents } from '../../base/events/domain-events.js';

export interface NotificationInput {
  type: string;
  workspaceId: string;
  actorId: string | null;
  taskId?: string | null;
  documentId?: string | null;
  data?: Record<string, unknown>;
}

@Injectable()
export class Notifier {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: DomainEvents,
  ) {}

  async notify(recipients: Iterable<string>, input: NotificationInput): Promise<void> {
    const userIds = [...new Set(recipients)].filter((id) => id !== input.actorId);
    if (userIds.length === 0) return;
    const rows = await this.prisma.notification.createManyAndReturn({
      data: userIds.map((userId) => ({
        userId,
        type: input.type,
        workspaceId: input.workspaceId,
        actorId: input.actorId,
        taskId: input.taskId ?? null,
        documentId: input.documentId ?? null,
        data: (input.data ?? {}) as object,
      })),
    });
    for (const row of rows) {
      await this.events.emit({
        type: 'notification.created',
        workspaceId: input.workspaceId,
        actorId: input.actorId,
        userIds: [row.userId],
        data: notificationView(row),
      });
    }
  }
}

export function notificationView(n: {
  id: string;
  type: string;
  workspaceId: string | null;
  actorId: string | null;
  taskId: string | null;
  documentId: string | null;
  data: unknown;
  readAt: Date | null;
  createdAt: Date;
}) {
  return {
    id: n.id,
    type: n.type,
    workspaceId: n.workspaceId,
    actorId: n.actorId,
    taskId: n.taskId,
    documentId: n.documentId,
    data: n.data,
    read: n.readAt !== null,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}
