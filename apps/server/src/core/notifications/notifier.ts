// Creates notifications (one row per recipient, committed) and pushes each to its recipient's
// `user:<id>` room through a domain event. Never notifies the actor about their own action, nor
// anyone who may not read what the notification is about (a removed member who still watched a
// task, a mention of someone outside the project): the policy decides, as for every read.
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { PrismaClient } from '../../base/database/database.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { PermissionPolicy, type ResourceRef } from '../permission/policy.js';

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
    private readonly policy: PermissionPolicy,
  ) {}

  async notify(recipients: Iterable<string>, input: NotificationInput): Promise<void> {
    const candidates = [...new Set(recipients)].filter((id) => id !== input.actorId);
    const subject: ResourceRef = input.taskId
      ? { task: input.taskId }
      : input.documentId
        ? { document: input.documentId }
        : { workspace: input.workspaceId };
    const userIds = await this.policy.readersAmong(candidates, subject);
    if (userIds.length === 0) return;
    // One statement for every recipient, returning the actor's current name with the rows.
    const at = new Date();
    const created = await this.prisma.$queryRaw<{ id: string; userId: string; actorName: string | null }[]>`
      WITH inserted AS (
        INSERT INTO "Notification" (id, "userId", "workspaceId", "actorId", type, "taskId", "documentId", data, "createdAt")
        SELECT r.id, r."userId", ${input.workspaceId}::uuid, ${input.actorId}::uuid, ${input.type}, ${input.taskId ?? null}::uuid,
          ${input.documentId ?? null}::uuid, ${JSON.stringify(input.data ?? {})}::jsonb, ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
        FROM unnest(${userIds.map(() => uuidv7())}::uuid[], ${userIds}::uuid[]) AS r(id, "userId")
        RETURNING id, "userId", "actorId"
      )
      SELECT inserted.id::text, inserted."userId"::text, u."displayName" AS "actorName"
      FROM inserted LEFT JOIN "User" u ON u.id = inserted."actorId"`;
    const rows = created.map((r) => ({
      id: r.id,
      userId: r.userId,
      type: input.type,
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      actor: r.actorName === null ? null : { displayName: r.actorName },
      taskId: input.taskId ?? null,
      documentId: input.documentId ?? null,
      data: input.data ?? {},
      readAt: null,
      createdAt: at,
    }));
    // Each to its own recipient's room; their order between recipients does not matter.
    await Promise.all(
      rows.map((row) =>
        this.events.emit({
          type: 'notification.created',
          workspaceId: input.workspaceId,
          actorId: input.actorId,
          userIds: [row.userId],
          data: notificationView(row),
        }),
      ),
    );
  }
}

/** Loads the actor's current name with a notification (someone outside the reader's workspaces too). */
export const withActorName = { actor: { select: { displayName: true } } } as const;

export function notificationView(n: {
  id: string;
  type: string;
  workspaceId: string | null;
  actorId: string | null;
  actor?: { displayName: string } | null;
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
    actorName: n.actor?.displayName ?? null,
    taskId: n.taskId,
    documentId: n.documentId,
    data: n.data,
    read: n.readAt !== null,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}
