// Direct shares: a document (and its subtree) shared with one user at a role, beyond their
// workspace role. Every change is announced so open sockets of that user re-check at once.
import { Injectable } from '@nestjs/common';
import { type DocumentShareView, type Role, type SharedDocumentView, strongerRole } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Actor } from '../auth/current-user.js';
import { SessionRegistry } from '../auth/sessions.js';
import { PermissionPolicy } from '../permission/policy.js';
import { type DocumentRow, documentView } from './document-view.js';

type ShareRow = { documentId: string; userId: string; role: Role; createdAt: Date; user: { email: string; displayName: string } };

const shareView = (s: ShareRow): DocumentShareView => ({
  documentId: s.documentId,
  userId: s.userId,
  email: s.user.email,
  displayName: s.user.displayName,
  role: s.role,
  createdAt: s.createdAt.toISOString(),
});

@Injectable()
export class DocumentSharesService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
    private readonly sessions: SessionRegistry,
  ) {}

  async list(actor: Actor, documentId: string): Promise<{ items: DocumentShareView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { document: documentId }, 'document.share');
    const rows = await this.prisma.documentShare.findMany({
      where: { documentId },
      include: { user: true },
      orderBy: { createdAt: 'asc' },
    });
    return { items: rows.map(shareView), nextCursor: null };
  }

  /**
   * "Shared with me": documents shared directly with the caller and everything under them (not in
   * the trash, in live workspaces), each with the strongest role a share on its path gives.
   */
  async sharedWith(actor: Actor): Promise<{ items: SharedDocumentView[]; nextCursor: null }> {
    const rows = await this.prisma.$queryRaw<(DocumentRow & { role: Role; workspaceName: string })[]>`
      WITH RECURSIVE tree AS (
        SELECT d.id, s.role FROM "DocumentShare" s JOIN "Document" d ON d.id = s."documentId"
        WHERE s."userId" = ${actor.id}::uuid AND d."deletedAt" IS NULL
        UNION ALL
        SELECT c.id, tree.role FROM "Document" c JOIN tree ON c."parentId" = tree.id WHERE c."deletedAt" IS NULL
      )
      SELECT d.*, tree.role::text AS role, w.name AS "workspaceName"
      FROM tree JOIN "Document" d ON d.id = tree.id
      JOIN "Workspace" w ON w.id = d."workspaceId" AND w."deletedAt" IS NULL
      ORDER BY w.name, w.id, d."parentId" NULLS FIRST, d.rank`;
    const byId = new Map<string, SharedDocumentView>();
    for (const r of rows) {
      const seen = byId.get(r.id);
      if (seen) seen.role = strongerRole(seen.role, r.role) ?? seen.role;
      else byId.set(r.id, { ...documentView(r), role: r.role, workspaceName: r.workspaceName });
    }
    return { items: [...byId.values()], nextCursor: null };
  }

  async put(actor: Actor, documentId: string, userId: string, role: Role): Promise<DocumentShareView> {
    const access = await this.policy.authorize(actor.id, { document: documentId }, 'document.share');
    const user = await this.prisma.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!user) throw AppError.notFound('User');
    const row = await this.prisma.$transaction(async (tx) => {
      const previous = await tx.documentShare.findUnique({ where: { documentId_userId: { documentId, userId } }, select: { role: true } });
      const share = await tx.documentShare.upsert({
        where: { documentId_userId: { documentId, userId } },
        create: { documentId, userId, role },
        update: { role },
        include: { user: true, document: { select: { title: true } } },
      });
      if (previous?.role !== role) {
        await recordAudit(tx, {
          workspaceId: access.workspaceId,
          actorId: actor.id,
          action: 'document.shared',
          target: { type: 'document', id: documentId },
          details: {
            title: share.document.title,
            userId,
            email: share.user.email,
            displayName: share.user.displayName,
            from: previous?.role ?? null,
            to: role,
          },
        });
      }
      return share;
    });
    const view = shareView(row);
    await this.changed(actor, access.workspaceId, access.projectId, documentId, userId, view);
    return view;
  }

  /** Shares with the user holding `email`; unknown addresses get 404 (only owners ever ask). */
  async putByEmail(actor: Actor, documentId: string, email: string, role: Role): Promise<DocumentShareView> {
    await this.policy.authorize(actor.id, { document: documentId }, 'document.share');
    const user = await this.prisma.user.findFirst({ where: { email: { equals: email, mode: 'insensitive' } }, select: { id: true } });
    if (!user) throw new AppError('not_found', 'Nobody has signed up with that email yet');
    return this.put(actor, documentId, user.id, role);
  }

  async remove(actor: Actor, documentId: string, userId: string): Promise<void> {
    const access = await this.policy.authorize(actor.id, { document: documentId }, 'document.share');
    await this.prisma.$transaction(async (tx) => {
      const share = await tx.documentShare.findUnique({
        where: { documentId_userId: { documentId, userId } },
        include: { user: { select: { email: true, displayName: true } }, document: { select: { title: true } } },
      });
      const removed = await tx.documentShare.deleteMany({ where: { documentId, userId } });
      if (!share || removed.count === 0) throw AppError.notFound('Share');
      await recordAudit(tx, {
        workspaceId: access.workspaceId,
        actorId: actor.id,
        action: 'document.unshared',
        target: { type: 'document', id: documentId },
        details: { title: share.document.title, userId, email: share.user.email, displayName: share.user.displayName, from: share.role },
      });
    });
    await this.changed(actor, access.workspaceId, access.projectId, documentId, userId, { documentId, userId, role: null });
  }

  private async changed(actor: Actor, workspaceId: string, projectId: string | null, documentId: string, userId: string, data: unknown) {
    await this.events.emit({ type: 'document.shared', workspaceId, projectId, documentId, actorId: actor.id, userIds: [userId], data });
    await this.sessions.announce({ kind: 'access.changed', userId, workspaceId });
  }
}
