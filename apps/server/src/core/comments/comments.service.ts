// Comments on tasks. Authors edit and delete their own; owners may delete any. Mentions of members
// notify them ("mentioned"); the task's other watchers hear "commented"; commenters start watching.
import { Injectable } from '@nestjs/common';
import type { CommentView } from '@tandem/protocol';
import { v7 as uuidv7 } from 'uuid';
import { PrismaClient } from '../../base/database/database.js';
import { oneStatement } from '../../base/database/idempotent-request.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { decodeCursor, toPage } from '../../base/http/page-cursor.js';
import { recordActivity } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import { Notifier } from '../notifications/notifier.js';
import { type Access, PermissionPolicy, rules } from '../permission/policy.js';
import { findMentions } from './mentions.js';

type CommentRow = {
  id: string;
  taskId: string;
  authorId: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  mentions: { userId: string }[];
};

const view = (c: CommentRow): CommentView => ({
  id: c.id,
  taskId: c.taskId,
  authorId: c.authorId,
  body: c.body,
  mentions: c.mentions.map((m) => m.userId),
  createdAt: c.createdAt.toISOString(),
  editedAt: c.editedAt?.toISOString() ?? null,
});

const withMentions = { mentions: { select: { userId: true } } } as const;

@Injectable()
export class CommentsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
  ) {}

  async list(actor: Actor, taskId: string, limit: number, cursor?: string) {
    await this.policy.authorize(actor.id, { task: taskId }, 'task.read');
    const after = decodeCursor(cursor, ['id']);
    const rows = await this.prisma.comment.findMany({
      where: { taskId, deletedAt: null, ...(after ? { id: { gt: after[0] as string } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
      include: withMentions,
    });
    return toPage(rows.map(view), limit, (last) => [last.id]);
  }

  /**
   * The comment, its mentions, the author's watch and the activity entry are one statement, which
   * also reads what the notifications need (the task's key and title, its watchers).
   */
  async create(actor: Actor, taskId: string, body: string): Promise<CommentView> {
    const access = await this.policy.authorize(actor.id, { task: taskId }, 'comment.create');
    const mentioned = await this.mentionsIn(access, body);
    const id = uuidv7();
    const at = new Date();
    const [created] = await oneStatement(
      this.prisma,
      (db) => db.$queryRaw<{ taskKey: string; title: string; watchers: string[] }[]>`
        WITH task AS (
          SELECT t.id, p.key || '-' || t.number AS "taskKey", t.title FROM "Task" t JOIN "Project" p ON p.id = t."projectId"
          WHERE t.id = ${taskId}::uuid
        ), comment AS (
          INSERT INTO "Comment" (id, "taskId", "authorId", body, "createdAt", "updatedAt")
          SELECT ${id}::uuid, task.id, ${actor.id}::uuid, ${body}, ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC',
            ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
          FROM task RETURNING id
        ), mentions AS (
          INSERT INTO "Mention" (id, "commentId", "userId", "createdAt")
          SELECT m.id, comment.id, m."userId", ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
          FROM comment, unnest(${mentioned.map(() => uuidv7())}::uuid[], ${mentioned}::uuid[]) AS m(id, "userId")
        ), watch AS (
          INSERT INTO "TaskWatcher" ("taskId", "userId", "createdAt")
          SELECT ${taskId}::uuid, ${actor.id}::uuid, ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC' FROM comment
          ON CONFLICT DO NOTHING
        ), activity AS (
          INSERT INTO "ActivityEvent" (id, "workspaceId", "projectId", "taskId", "actorId", action, changes, "createdAt")
          SELECT ${uuidv7()}::uuid, ${access.workspaceId}::uuid, ${access.projectId}::uuid, ${taskId}::uuid, ${actor.id}::uuid,
            'comment.created', jsonb_build_object('commentId', comment.id), ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
          FROM comment
        )
        SELECT task."taskKey", task.title,
          ARRAY(SELECT w."userId"::text FROM "TaskWatcher" w WHERE w."taskId" = task.id) AS watchers
        FROM task, comment`,
    );
    // Deleted since it was authorized.
    if (!created) throw AppError.notFound('Task');
    const v: CommentView = {
      id,
      taskId,
      authorId: actor.id,
      body,
      mentions: mentioned,
      createdAt: at.toISOString(),
      editedAt: null,
    };
    const about = { taskKey: created.taskKey, title: created.title, commentId: id };
    const notice = { workspaceId: access.workspaceId, actorId: actor.id, taskId, data: about };
    // The event and the notifications go to different rooms: neither waits for the other.
    await Promise.all([
      this.events.emit({
        type: 'comment.created',
        workspaceId: access.workspaceId,
        projectId: access.projectId,
        taskId,
        actorId: actor.id,
        data: v,
      }),
      this.notifier.notifyEach([
        { recipients: mentioned, input: { type: 'mentioned', ...notice } },
        // Read with the insert, so without the author's own watch: the author is never notified anyway.
        { recipients: created.watchers.filter((userId) => !mentioned.includes(userId)), input: { type: 'commented', ...notice } },
      ]),
    ]);
    return v;
  }

  async update(actor: Actor, commentId: string, body: string): Promise<CommentView> {
    const { access, comment } = await this.find(actor, commentId);
    if (!rules.mayEditComment(access.role, comment.authorId === actor.id)) throw AppError.forbidden('Only the author can edit a comment');
    const mentioned = await this.mentionsIn(access, body);
    const known = new Set(comment.mentions.map((m) => m.userId));
    const added = mentioned.filter((id) => !known.has(id));
    const updated = await this.prisma.$transaction(async (tx) => {
      await tx.mention.deleteMany({ where: { commentId, userId: { notIn: mentioned } } });
      await tx.mention.createMany({ data: added.map((userId) => ({ commentId, userId })) });
      const c = await tx.comment.update({ where: { id: commentId }, data: { body, editedAt: new Date() }, include: withMentions });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId: access.projectId,
        taskId: comment.taskId,
        actorId: actor.id,
        action: 'comment.updated',
        changes: { commentId },
      });
      return c;
    });
    const v = view(updated);
    await this.events.emit({
      type: 'comment.updated',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      taskId: comment.taskId,
      actorId: actor.id,
      data: v,
    });
    await this.notifier.notify(added, {
      type: 'mentioned',
      workspaceId: access.workspaceId,
      actorId: actor.id,
      taskId: comment.taskId,
      data: await this.about(comment.taskId, commentId),
    });
    return v;
  }

  async remove(actor: Actor, commentId: string): Promise<void> {
    const { access, comment } = await this.find(actor, commentId);
    if (!rules.mayDeleteComment(access.role, comment.authorId === actor.id))
      throw AppError.forbidden('Only the author or an owner can delete a comment');
    await this.prisma.$transaction(async (tx) => {
      await tx.comment.update({ where: { id: commentId }, data: { deletedAt: new Date() } });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId: access.projectId,
        taskId: comment.taskId,
        actorId: actor.id,
        action: 'comment.deleted',
        changes: { commentId },
      });
    });
    await this.events.emit({
      type: 'comment.deleted',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      taskId: comment.taskId,
      actorId: actor.id,
      data: { id: commentId, taskId: comment.taskId },
    });
  }

  /** The comment and the caller's access to its task; 404 for a missing or deleted comment or an unreadable task. */
  private async find(actor: Actor, commentId: string) {
    const comment = await this.prisma.comment.findUnique({ where: { id: commentId }, include: withMentions });
    const access = comment && !comment.deletedAt ? await this.policy.access(actor.id, { task: comment.taskId }) : null;
    if (!comment || !access) throw AppError.notFound('Comment');
    return { access, comment };
  }

  /** Members of the task's workspace mentioned in `body` (everyone else is ignored). */
  private async mentionsIn(access: Access, body: string): Promise<string[]> {
    if (!body.includes('@')) return [];
    // The members with their names in one statement.
    const members = await this.prisma.$queryRaw<{ userId: string; email: string; displayName: string }[]>`
      SELECT wm."userId"::text AS "userId", u.email, u."displayName"
      FROM "WorkspaceMember" wm JOIN "User" u ON u.id = wm."userId"
      WHERE wm."workspaceId" = ${access.workspaceId}::uuid`;
    return findMentions(body, members);
  }

  private async about(taskId: string, commentId: string) {
    const t = await this.prisma.task.findUniqueOrThrow({
      where: { id: taskId },
      select: { number: true, title: true, project: { select: { key: true } } },
    });
    return { taskKey: `${t.project.key}-${t.number}`, title: t.title, commentId };
  }
}
