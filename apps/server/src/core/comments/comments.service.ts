// Comments on tasks. Authors edit and delete their own; owners may delete any. Mentions of members
// notify them ("mentioned"); the task's other watchers hear "commented"; commenters start watching.
import { Injectable } from '@nestjs/common';
import type { CommentView } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
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

  async create(actor: Actor, taskId: string, body: string): Promise<CommentView> {
    const access = await this.policy.authorize(actor.id, { task: taskId }, 'comment.create');
    const mentioned = await this.mentionsIn(access, body);
    const comment = await this.prisma.$transaction(async (tx) => {
      const c = await tx.comment.create({
        data: { taskId, authorId: actor.id, body, mentions: { create: mentioned.map((userId) => ({ userId })) } },
        include: withMentions,
      });
      await tx.taskWatcher.createMany({ data: [{ taskId, userId: actor.id }], skipDuplicates: true });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId: access.projectId,
        taskId,
        actorId: actor.id,
        action: 'comment.created',
        changes: { commentId: c.id },
      });
      return c;
    });
    const v = view(comment);
    await this.events.emit({
      type: 'comment.created',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      taskId,
      actorId: actor.id,
      data: v,
    });
    const about = await this.about(taskId, comment.id);
    await this.notifier.notify(mentioned, { type: 'mentioned', workspaceId: access.workspaceId, actorId: actor.id, taskId, data: about });
    const watchers = await this.prisma.taskWatcher.findMany({ where: { taskId }, select: { userId: true } });
    await this.notifier.notify(
      watchers.map((w) => w.userId).filter((id) => !mentioned.includes(id)),
      { type: 'commented', workspaceId: access.workspaceId, actorId: actor.id, taskId, data: about },
    );
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
    const members = await this.prisma.workspaceMember.findMany({
      where: { workspaceId: access.workspaceId },
      select: { userId: true, user: { select: { email: true, displayName: true } } },
    });
    return findMentions(
      body,
      members.map((m) => ({ userId: m.userId, email: m.user.email, displayName: m.user.displayName })),
    );
  }

  private async about(taskId: string, commentId: string) {
    const t = await this.prisma.task.findUniqueOrThrow({
      where: { id: taskId },
      select: { number: true, title: true, project: { select: { key: true } } },
    });
    return { taskKey: `${t.project.key}-${t.number}`, title: t.title, commentId };
  }
}
