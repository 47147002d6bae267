// The document tree: create (also from Markdown or a template), rename, move without cycles, trash (children go
// with their parent) and restore, permanent delete. Each mutation commits, then emits one event.
import { Injectable } from '@nestjs/common';
import type { DocumentView } from '@tandem/protocol';
import { rankBetween } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { importedState } from './document-content.js';
import { DocumentTemplatesService } from './document-templates.service.js';
import { documentView } from './document-view.js';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface NewDocument {
  title: string;
  parentId?: string | null;
  projectId?: string | null;
  /** Start with a copy of this template of the workspace. */
  templateId?: string;
}

@Injectable()
export class DocumentsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
    private readonly templates: DocumentTemplatesService,
  ) {}

  /** Serializes tree changes per workspace so concurrent moves cannot build a cycle. */
  private lockTree(tx: Tx, workspaceId: string) {
    return tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`tandem:doctree:${workspaceId}`}, 0))::text AS locked`;
  }

  private async lastRank(tx: Tx, workspaceId: string, parentId: string | null): Promise<string | null> {
    const last = await tx.document.findFirst({ where: { workspaceId, parentId }, orderBy: { rank: 'desc' }, select: { rank: true } });
    return last?.rank ?? null;
  }

  /** Checks where a new document may go and returns its project. */
  private async placement(actor: Actor, workspaceId: string, body: NewDocument): Promise<string | null> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'document.create');
    let projectId = body.projectId ?? null;
    if (body.parentId) {
      const parent = await this.policy.authorize(actor.id, { document: body.parentId }, 'document.create');
      if (parent.workspaceId !== workspaceId || parent.trashed) throw AppError.notFound('Parent document');
      projectId ??= parent.projectId;
    }
    if (projectId) {
      const project = await this.policy.authorize(actor.id, { project: projectId }, 'document.create');
      if (project.workspaceId !== workspaceId) throw AppError.notFound('Project');
    }
    return projectId;
  }

  async create(actor: Actor, workspaceId: string, body: NewDocument, initialState?: Uint8Array): Promise<DocumentView> {
    const projectId = await this.placement(actor, workspaceId, body);
    const parentId = body.parentId ?? null;
    const state = initialState ?? (body.templateId ? await this.templates.initialState(workspaceId, body.templateId) : undefined);
    const doc = await this.prisma.$transaction(async (tx) => {
      await this.lockTree(tx, workspaceId);
      const rank = rankBetween(await this.lastRank(tx, workspaceId, parentId), null);
      const created = await tx.document.create({
        data: { workspaceId, projectId, parentId, title: body.title, rank, createdById: actor.id },
      });
      if (state) await tx.documentUpdate.create({ data: { documentId: created.id, data: Buffer.from(state), userId: actor.id } });
      return created;
    });
    const view = documentView(doc);
    await this.events.emit({ type: 'document.created', workspaceId, projectId, documentId: doc.id, actorId: actor.id, data: view });
    return view;
  }

  async importContent(actor: Actor, workspaceId: string, body: NewDocument & { markdown?: string; html?: string }): Promise<DocumentView> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'document.create');
    return this.create(actor, workspaceId, body, importedState(body));
  }

  async list(actor: Actor, workspaceId: string, trashed: boolean): Promise<{ items: DocumentView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'document.read');
    const rows = await this.prisma.document.findMany({
      where: { workspaceId, deletedAt: trashed ? { not: null } : null },
      orderBy: trashed ? [{ deletedAt: 'desc' }] : [{ parentId: 'asc' }, { rank: 'asc' }],
    });
    // The trash shows what was trashed, not every descendant that went with it.
    const trashedIds = new Set(rows.map((r) => r.id));
    const items = trashed ? rows.filter((r) => !r.parentId || !trashedIds.has(r.parentId)) : rows;
    return { items: items.map(documentView), nextCursor: null };
  }

  async get(actor: Actor, id: string): Promise<DocumentView & { role: string }> {
    const access = await this.policy.authorize(actor.id, { document: id }, 'document.read');
    return { ...documentView(await this.prisma.document.findUniqueOrThrow({ where: { id } })), role: access.role };
  }

  async rename(actor: Actor, id: string, title: string): Promise<DocumentView> {
    const access = await this.policy.authorize(actor.id, { document: id }, 'document.update');
    const view = documentView(await this.prisma.document.update({ where: { id }, data: { title } }));
    await this.emit('document.updated', actor, access.workspaceId, view);
    return view;
  }

  async move(actor: Actor, id: string, body: { parentId: string | null; afterId?: string; beforeId?: string }): Promise<DocumentView> {
    const access = await this.policy.authorize(actor.id, { document: id }, 'document.update');
    if (access.trashed) throw AppError.conflict('Restore the document before moving it');
    if (body.parentId) {
      const target = await this.policy.authorize(actor.id, { document: body.parentId }, 'document.create');
      if (target.workspaceId !== access.workspaceId || target.trashed) throw AppError.notFound('Parent document');
    } else {
      await this.policy.authorize(actor.id, { workspace: access.workspaceId }, 'document.create');
    }
    const doc = await this.prisma.$transaction(async (tx) => {
      await this.lockTree(tx, access.workspaceId);
      if (body.parentId) {
        const cycle = await tx.$queryRaw<{ id: string }[]>`
          WITH RECURSIVE up AS (
            SELECT id, "parentId" FROM "Document" WHERE id = ${body.parentId}::uuid
            UNION ALL SELECT d.id, d."parentId" FROM "Document" d JOIN up ON d.id = up."parentId"
          ) SELECT id FROM up WHERE id = ${id}::uuid`;
        if (cycle.length) throw AppError.conflict('A document cannot move under itself or its descendants');
      }
      const rank = await this.rankAmong(tx, access.workspaceId, body.parentId, id, body.afterId, body.beforeId);
      return tx.document.update({ where: { id }, data: { parentId: body.parentId, rank } });
    });
    const view = documentView(doc);
    await this.emit('document.moved', actor, access.workspaceId, view);
    return view;
  }

  private async rankAmong(tx: Tx, workspaceId: string, parentId: string | null, self: string, afterId?: string, beforeId?: string) {
    const sibling = async (siblingId: string) => {
      const s = await tx.document.findFirst({ where: { id: siblingId, workspaceId, parentId, NOT: { id: self } }, select: { rank: true } });
      if (!s)
        throw AppError.validation([{ field: afterId === siblingId ? 'afterId' : 'beforeId', message: 'is not a sibling at the target' }]);
      return s.rank;
    };
    const neighbour = async (rank: string, dir: 'after' | 'before') => {
      const n = await tx.document.findFirst({
        where: { workspaceId, parentId, NOT: { id: self }, rank: dir === 'after' ? { gt: rank } : { lt: rank } },
        orderBy: { rank: dir === 'after' ? 'asc' : 'desc' },
        select: { rank: true },
      });
      return n?.rank ?? null;
    };
    if (afterId) {
      const a = await sibling(afterId);
      return rankBetween(a, beforeId ? await sibling(beforeId) : await neighbour(a, 'after'));
    }
    if (beforeId) {
      const b = await sibling(beforeId);
      return rankBetween(await neighbour(b, 'before'), b);
    }
    const last = await tx.document.findFirst({
      where: { workspaceId, parentId, NOT: { id: self } },
      orderBy: { rank: 'desc' },
      select: { rank: true },
    });
    return rankBetween(last?.rank ?? null, null);
  }

  /** Moves the document and its live descendants to the trash, stamped with one time. */
  async trash(actor: Actor, id: string): Promise<void> {
    const access = await this.policy.authorize(actor.id, { document: id }, 'document.trash');
    if (access.trashed) return;
    await this.prisma.$transaction(async (tx) => {
      const moved = await tx.$executeRaw`
        WITH RECURSIVE sub AS (
          SELECT id FROM "Document" WHERE id = ${id}::uuid
          UNION ALL SELECT d.id FROM "Document" d JOIN sub ON d."parentId" = sub.id WHERE d."deletedAt" IS NULL
        ) UPDATE "Document" SET "deletedAt" = now(), "deletedById" = ${actor.id}::uuid WHERE id IN (SELECT id FROM sub)`;
      const doc = await tx.document.findUniqueOrThrow({ where: { id }, select: { title: true } });
      await recordAudit(tx, {
        workspaceId: access.workspaceId,
        actorId: actor.id,
        action: 'document.deleted',
        target: { type: 'document', id },
        // `moved` counts the document and the descendants that went to the trash with it.
        details: { title: doc.title, permanent: false, documents: moved },
      });
    });
    await this.events.emit({
      type: 'document.deleted',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      documentId: id,
      actorId: actor.id,
      data: { id },
    });
  }

  /** Restores what was trashed together with it; under a still-trashed parent it returns to the root. */
  async restore(actor: Actor, id: string): Promise<DocumentView> {
    const access = await this.policy.authorize(actor.id, { document: id }, 'document.trash');
    const doc = await this.prisma.document.findUniqueOrThrow({ where: { id } });
    if (!doc.deletedAt) throw AppError.conflict('The document is not in the trash');
    const parentTrashed = doc.parentId ? (await this.policy.access(actor.id, { document: doc.parentId }))?.trashed !== false : false;
    const restored = await this.prisma.$transaction(async (tx) => {
      await this.lockTree(tx, doc.workspaceId);
      await tx.$executeRaw`
        WITH RECURSIVE sub AS (
          SELECT id FROM "Document" WHERE id = ${id}::uuid
          UNION ALL SELECT d.id FROM "Document" d JOIN sub ON d."parentId" = sub.id WHERE d."deletedAt" = (SELECT "deletedAt" FROM "Document" WHERE id = ${id}::uuid)
        ) UPDATE "Document" SET "deletedAt" = NULL, "deletedById" = NULL WHERE id IN (SELECT id FROM sub)`;
      if (!parentTrashed) return tx.document.findUniqueOrThrow({ where: { id } });
      const rank = rankBetween(await this.lastRank(tx, doc.workspaceId, null), null);
      return tx.document.update({ where: { id }, data: { parentId: null, rank } });
    });
    const view = documentView(restored);
    await this.emit('document.restored', actor, access.workspaceId, view);
    return view;
  }

  async purge(actor: Actor, id: string): Promise<void> {
    const access = await this.policy.authorize(actor.id, { document: id }, 'document.purge');
    await this.prisma.$transaction(async (tx) => {
      const doc = await tx.document.delete({ where: { id } });
      await recordAudit(tx, {
        workspaceId: access.workspaceId,
        actorId: actor.id,
        action: 'document.deleted',
        target: { type: 'document', id },
        details: { title: doc.title, permanent: true },
      });
    });
    await this.events.emit({
      type: 'document.purged',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      documentId: id,
      actorId: actor.id,
      data: { id },
    });
  }

  private emit(type: string, actor: Actor, workspaceId: string, view: DocumentView) {
    return this.events.emit({ type, workspaceId, projectId: view.projectId, documentId: view.id, actorId: actor.id, data: view });
  }
}
