// Document templates of a workspace: "Save as template" copies a document's content as it is now
// (ProseMirror JSON, from the live Y.Doc when this node holds it); "New from template" starts a new
// document from a fresh copy (DocumentsService.create with `templateId`). Members list them;
// editors save and delete them; a template of another workspace is a 404 like anything unseen.
import { Injectable } from '@nestjs/common';
import type { DocumentTemplateView, ProseMirrorNode } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { proseMirrorToUpdate } from './document-content.js';
import { DocumentHistoryService } from './document-history.service.js';

/** Enough for any template people keep; more is a workspace's junk drawer. */
const MAX_TEMPLATES = 200;

function templateView(t: {
  id: string;
  workspaceId: string;
  title: string;
  createdById: string | null;
  createdAt: Date;
}): DocumentTemplateView {
  return { id: t.id, workspaceId: t.workspaceId, title: t.title, createdById: t.createdById, createdAt: t.createdAt.toISOString() };
}

@Injectable()
export class DocumentTemplatesService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
    private readonly history: DocumentHistoryService,
  ) {}

  async save(actor: Actor, workspaceId: string, body: { documentId: string; title?: string }): Promise<DocumentTemplateView> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'document.create');
    const source = await this.policy.authorize(actor.id, { document: body.documentId }, 'document.read');
    if (source.workspaceId !== workspaceId || source.trashed) throw AppError.notFound('Document');
    const count = await this.prisma.documentTemplate.count({ where: { workspaceId } });
    if (count >= MAX_TEMPLATES) throw AppError.conflict(`A workspace keeps at most ${MAX_TEMPLATES} templates; delete one first`);
    const content = await this.history.content(actor, body.documentId, 'json');
    const title =
      body.title ?? (await this.prisma.document.findUniqueOrThrow({ where: { id: body.documentId }, select: { title: true } })).title;
    const row = await this.prisma.documentTemplate.create({
      data: { workspaceId, title, content: content.body as object, createdById: actor.id },
    });
    const view = templateView(row);
    await this.events.emit({ type: 'template.created', workspaceId, actorId: actor.id, data: view });
    return view;
  }

  async list(actor: Actor, workspaceId: string): Promise<{ items: DocumentTemplateView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'document.read');
    const rows = await this.prisma.documentTemplate.findMany({
      where: { workspaceId },
      orderBy: [{ title: 'asc' }, { id: 'asc' }],
      select: { id: true, workspaceId: true, title: true, createdById: true, createdAt: true },
    });
    return { items: rows.map(templateView), nextCursor: null };
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const row = await this.prisma.documentTemplate.findUnique({ where: { id }, select: { workspaceId: true } });
    const access = row ? await this.policy.access(actor.id, { workspace: row.workspaceId }) : null;
    if (!row || !access) throw AppError.notFound('Template');
    await this.policy.authorize(actor.id, { workspace: row.workspaceId }, 'document.create');
    await this.prisma.documentTemplate.delete({ where: { id } });
    await this.events.emit({ type: 'template.deleted', workspaceId: row.workspaceId, actorId: actor.id, data: { id } });
  }

  /** A new document's first state from the workspace's template (after the caller may create there). */
  async initialState(workspaceId: string, templateId: string): Promise<Uint8Array> {
    const row = await this.prisma.documentTemplate.findFirst({ where: { id: templateId, workspaceId }, select: { content: true } });
    if (!row) throw AppError.notFound('Template');
    return proseMirrorToUpdate(row.content as unknown as ProseMirrorNode);
  }
}
