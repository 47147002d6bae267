// Comment threads on a document's text. Anyone who can read the document reads its threads;
// editors start, answer, resolve and reopen them (the policy's `document.comment`). Each change
// commits, then is announced on the document's room so every open margin updates at once.
// Mentions (`@Display Name`, `@email`) of people who can read the document notify them.
import { Injectable } from '@nestjs/common';
import type { ThreadCommentView, ThreadView } from '@tandem/protocol';
import * as Y from 'yjs';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import type { Actor } from '../auth/current-user.js';
import { findMentions } from '../comments/mentions.js';
import { Notifier } from '../notifications/notifier.js';
import { type Access, PermissionPolicy } from '../permission/policy.js';

const withComments = {
  comments: { orderBy: { createdAt: 'asc' }, include: { author: { select: { displayName: true } } } },
} as const;

type CommentRow = { id: string; threadId: string; authorId: string; body: string; createdAt: Date; author: { displayName: string } };
type ThreadRow = {
  id: string;
  documentId: string;
  anchorStart: Uint8Array;
  anchorEnd: Uint8Array;
  quote: string;
  createdById: string;
  resolvedAt: Date | null;
  resolvedById: string | null;
  createdAt: Date;
  updatedAt: Date;
  comments: CommentRow[];
};

const commentView = (c: CommentRow, mentions: string[] = []): ThreadCommentView => ({
  id: c.id,
  threadId: c.threadId,
  authorId: c.authorId,
  authorName: c.author.displayName,
  body: c.body,
  mentions,
  createdAt: c.createdAt.toISOString(),
});

const threadView = (t: ThreadRow): ThreadView => ({
  id: t.id,
  documentId: t.documentId,
  anchor: { start: Buffer.from(t.anchorStart).toString('base64'), end: Buffer.from(t.anchorEnd).toString('base64') },
  quote: t.quote,
  createdById: t.createdById,
  resolvedAt: t.resolvedAt?.toISOString() ?? null,
  resolvedById: t.resolvedById,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
  comments: t.comments.map((c) => commentView(c)),
});

/** A relative position from the client: must decode as one, or the request is refused. */
function position(encoded: string, field: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(Buffer.from(encoded, 'base64'));
  try {
    Y.decodeRelativePosition(bytes);
  } catch {
    throw AppError.validation([{ path: ['anchor', field], message: 'not a Yjs relative position' }], 'The anchor is not a text position');
  }
  return bytes;
}

@Injectable()
export class DocumentThreadsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
  ) {}

  async list(actor: Actor, documentId: string): Promise<{ items: ThreadView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { document: documentId }, 'document.read');
    const rows = await this.prisma.documentThread.findMany({ where: { documentId }, orderBy: { createdAt: 'asc' }, include: withComments });
    return { items: rows.map(threadView), nextCursor: null };
  }

  async create(actor: Actor, documentId: string, body: { anchor: { start: string; end: string }; quote: string; body: string }) {
    const access = await this.policy.authorize(actor.id, { document: documentId }, 'document.comment');
    if (access.trashed) throw AppError.conflict('Restore the document before commenting on it');
    const anchorStart = position(body.anchor.start, 'start');
    const anchorEnd = position(body.anchor.end, 'end');
    const mentioned = await this.mentionsIn(access, documentId, body.body);
    const row = await this.prisma.documentThread.create({
      data: {
        documentId,
        createdById: actor.id,
        anchorStart,
        anchorEnd,
        quote: body.quote,
        comments: { create: { authorId: actor.id, body: body.body } },
      },
      include: withComments,
    });
    const view = threadView(row);
    if (view.comments[0]) view.comments[0].mentions = mentioned;
    await this.announce('thread.created', actor, access, view);
    await this.notifyMentions(actor, access, documentId, view.id, mentioned, body.body);
    return view;
  }

  async reply(actor: Actor, threadId: string, body: string): Promise<ThreadCommentView> {
    const { access, thread } = await this.find(actor, threadId, 'document.comment');
    const mentioned = await this.mentionsIn(access, thread.documentId, body);
    const row = await this.prisma.$transaction(async (tx) => {
      const c = await tx.documentThreadComment.create({
        data: { threadId, authorId: actor.id, body },
        include: { author: { select: { displayName: true } } },
      });
      await tx.documentThread.update({ where: { id: threadId }, data: { updatedAt: new Date() } });
      return c;
    });
    const view = commentView(row, mentioned);
    await this.announce('thread.updated', actor, access, await this.view(threadId));
    const notice = {
      workspaceId: access.workspaceId,
      actorId: actor.id,
      documentId: thread.documentId,
      data: await this.about(thread.documentId, threadId, body),
    };
    await this.notifier.notifyEach([
      { recipients: mentioned, input: { type: 'mentioned', ...notice } },
      // The thread's starter hears about answers even when not mentioned.
      { recipients: [thread.createdById].filter((id) => !mentioned.includes(id)), input: { type: 'thread_reply', ...notice } },
    ]);
    return view;
  }

  async setResolved(actor: Actor, threadId: string, resolved: boolean): Promise<ThreadView> {
    const { access } = await this.find(actor, threadId, 'document.comment');
    await this.prisma.documentThread.update({
      where: { id: threadId },
      data: resolved ? { resolvedAt: new Date(), resolvedById: actor.id } : { resolvedAt: null, resolvedById: null },
    });
    const view = await this.view(threadId);
    await this.announce('thread.updated', actor, access, view);
    return view;
  }

  private async find(actor: Actor, threadId: string, action: 'document.comment') {
    const thread = await this.prisma.documentThread.findUnique({
      where: { id: threadId },
      select: { documentId: true, createdById: true },
    });
    if (!thread) throw AppError.notFound('Thread');
    const access = await this.policy.authorize(actor.id, { document: thread.documentId }, action);
    if (access.trashed) throw AppError.conflict('Restore the document before commenting on it');
    return { access, thread };
  }

  private async view(threadId: string): Promise<ThreadView> {
    return threadView(await this.prisma.documentThread.findUniqueOrThrow({ where: { id: threadId }, include: withComments }));
  }

  private announce(type: string, actor: Actor, access: Access, view: ThreadView) {
    return this.events.emit({
      type,
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      documentId: view.documentId,
      actorId: actor.id,
      data: view,
    });
  }

  /** Workspace members and people the document is shared with, who can read it. */
  private async mentionsIn(access: Access, documentId: string, body: string): Promise<string[]> {
    if (!body.includes('@')) return [];
    const [members, shares] = await Promise.all([
      this.prisma.workspaceMember.findMany({
        where: { workspaceId: access.workspaceId },
        select: { userId: true, user: { select: { email: true, displayName: true } } },
      }),
      this.prisma.documentShare.findMany({
        where: { documentId },
        select: { userId: true, user: { select: { email: true, displayName: true } } },
      }),
    ]);
    const found = findMentions(
      body,
      [...members, ...shares].map((m) => ({ userId: m.userId, email: m.user.email, displayName: m.user.displayName })),
    );
    const readers: string[] = [];
    for (const userId of found) {
      const can = await this.policy.authorize(userId, { document: documentId }, 'document.read').then(
        () => true,
        () => false,
      );
      if (can) readers.push(userId);
    }
    return readers;
  }

  private async notifyMentions(actor: Actor, access: Access, documentId: string, threadId: string, mentioned: string[], body: string) {
    if (!mentioned.length) return;
    await this.notifier.notify(mentioned, {
      type: 'mentioned',
      workspaceId: access.workspaceId,
      actorId: actor.id,
      documentId,
      data: await this.about(documentId, threadId, body),
    });
  }

  private async about(documentId: string, threadId: string, body: string) {
    const doc = await this.prisma.document.findUniqueOrThrow({ where: { id: documentId }, select: { title: true } });
    return { documentTitle: doc.title, threadId, excerpt: body.slice(0, 140) };
  }
}
