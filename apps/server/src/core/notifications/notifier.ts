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

  notify(recipients: Iterable<string>, input: NotificationInput): Promise<void> {
    return this.notifyEach([{ recipients, input }]);
  }

  /**
   * Several notifications of one action (a comment's "mentioned" and "commented", say): one read of
   * who may see each subject and one insert for all of them, not one of each per notification.
   */
  async notifyEach(groups: { recipients: Iterable<string>; input: NotificationInput }[]): Promise<void> {
    const readers = new Map<string, Promise<Set<string>>>();
    const wanted = groups.map(({ recipients, input }) => {
      const candidates = [...new Set(recipients)].filter((id) => id !== input.actorId);
      return { input, candidates, subject: subjectOf(input) };
    });
    // Who may read each subject, asked once per subject for every candidate of it.
    for (const key of new Set(wanted.filter((w) => w.candidates.length > 0).map((w) => w.subject.key))) {
      const about = wanted.filter((w) => w.subject.key === key);
      const ref = about[0]!.subject.ref;
      readers.set(
        key,
        this.policy.readersAmong([...new Set(about.flatMap((w) => w.candidates))], ref).then((ids) => new Set(ids)),
      );
    }
    const rows: { userId: string; input: NotificationInput }[] = [];
    for (const w of wanted) {
      const allowed = readers.get(w.subject.key);
      if (!allowed) continue;
      const ok = await allowed;
      for (const userId of w.candidates) if (ok.has(userId)) rows.push({ userId, input: w.input });
    }
    if (rows.length === 0) return;
    // One statement for every recipient, returning the actor's current name with the rows.
    const at = new Date();
    const ids = rows.map(() => uuidv7());
    const column = <T>(pick: (i: NotificationInput) => T) => rows.map((r) => pick(r.input));
    const created = await this.prisma.$queryRaw<{ id: string; actorName: string | null }[]>`
      WITH inserted AS (
        INSERT INTO "Notification" (id, "userId", "workspaceId", "actorId", type, "taskId", "documentId", data, "createdAt")
        SELECT r.id, r."userId", r."workspaceId", r."actorId", r.type, r."taskId", r."documentId", r.data,
          ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
        FROM unnest(${ids}::uuid[], ${rows.map((r) => r.userId)}::uuid[], ${column((i) => i.workspaceId)}::uuid[],
          ${column((i) => i.actorId)}::uuid[], ${column((i) => i.type)}::text[], ${column((i) => i.taskId ?? null)}::uuid[],
          ${column((i) => i.documentId ?? null)}::uuid[], ${column((i) => JSON.stringify(i.data ?? {}))}::jsonb[])
          AS r(id, "userId", "workspaceId", "actorId", type, "taskId", "documentId", data)
        RETURNING id, "actorId"
      )
      SELECT inserted.id::text, u."displayName" AS "actorName"
      FROM inserted LEFT JOIN "User" u ON u.id = inserted."actorId"`;
    const actorNames = new Map(created.map((r) => [r.id, r.actorName]));
    // Each to its own recipient's room; their order between recipients does not matter.
    await Promise.all(
      rows.map(({ userId, input }, i) => {
        const actorName = actorNames.get(ids[i]!) ?? null;
        return this.events.emit({
          type: 'notification.created',
          workspaceId: input.workspaceId,
          actorId: input.actorId,
          userIds: [userId],
          data: notificationView({
            id: ids[i]!,
            type: input.type,
            workspaceId: input.workspaceId,
            actorId: input.actorId,
            actor: actorName === null ? null : { displayName: actorName },
            taskId: input.taskId ?? null,
            documentId: input.documentId ?? null,
            data: input.data ?? {},
            readAt: null,
            createdAt: at,
          }),
        });
      }),
    );
  }
}

/** What a notification is about, as the policy is asked it (and a key to ask once per subject). */
function subjectOf(input: NotificationInput): { key: string; ref: ResourceRef } {
  if (input.taskId) return { key: `task:${input.taskId}`, ref: { task: input.taskId } };
  if (input.documentId) return { key: `document:${input.documentId}`, ref: { document: input.documentId } };
  return { key: `workspace:${input.workspaceId}`, ref: { workspace: input.workspaceId } };
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
