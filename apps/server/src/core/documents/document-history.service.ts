// Content and history: export of the live content (from memory when this node holds the document,
// else from snapshot + log), the list of versions, a version's content, and restore. A restore
// first saves the current state as a version, then rewrites the live document through the same
// path as an edit (stored in the log, broadcast, relayed), so open editors see it at once.
import { Injectable } from '@nestjs/common';
import type { DocumentFormat, DocumentVersionView, ProseMirrorNode } from '@tandem/protocol';
import * as Y from 'yjs';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import type { Actor } from '../auth/current-user.js';
import { DocumentStore } from '../collab/document-store.js';
import { DocumentUpdateLog } from '../collab/document-update-log.js';
import type { Author } from '../collab/live-document.js';
import { OpenDocuments } from '../collab/open-documents.js';
import { PermissionPolicy } from '../permission/policy.js';
import { CONTENT_FRAGMENT, toHtml, toMarkdown, toProseMirror, toText, writeProseMirror } from './document-content.js';
import { documentView } from './document-view.js';

export type RenderedContent = { format: 'json'; body: ProseMirrorNode } | { format: 'text' | 'markdown' | 'html'; body: string };

function render(doc: Y.Doc, format: DocumentFormat): RenderedContent {
  const tree = toProseMirror(doc);
  if (format === 'json') return { format, body: tree };
  return { format, body: format === 'text' ? toText(tree) : format === 'html' ? toHtml(tree) : toMarkdown(tree) };
}

const VERSION_FIELDS = { id: true, documentId: true, reason: true, name: true, size: true, createdById: true, createdAt: true } as const;

function versionView(v: Omit<DocumentVersionView, 'createdAt'> & { createdAt: Date }): DocumentVersionView {
  return { ...v, createdAt: v.createdAt.toISOString() };
}

@Injectable()
export class DocumentHistoryService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
    private readonly store: DocumentStore,
    private readonly open: OpenDocuments,
    private readonly updateLog: DocumentUpdateLog,
  ) {}

  async content(actor: Actor, id: string, format: DocumentFormat): Promise<RenderedContent> {
    await this.policy.authorize(actor.id, { document: id }, 'document.read');
    const live = this.open.peek(id);
    if (live) return render(live.doc, format);
    const doc = await this.store.loadDoc(id);
    try {
      return render(doc, format);
    } finally {
      doc.destroy();
    }
  }

  async versions(actor: Actor, id: string): Promise<{ items: DocumentVersionView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { document: id }, 'document.read');
    const rows = await this.prisma.documentVersion.findMany({
      where: { documentId: id },
      orderBy: { createdAt: 'desc' },
      take: 500,
      select: VERSION_FIELDS,
    });
    return { items: rows.map(versionView), nextCursor: null };
  }

  /** "Save version": the document as stored now (this node's accepted edits included), under a name. */
  async saveNamed(actor: Actor, id: string, name: string): Promise<DocumentVersionView> {
    const access = await this.policy.authorize(actor.id, { document: id }, 'document.update');
    if (access.trashed) throw AppError.conflict('Restore the document from the trash first');
    await this.updateLog.settled(id);
    const versionId = await this.store.saveVersion(id, 'manual', actor.id, name);
    const row = await this.prisma.documentVersion.findUniqueOrThrow({ where: { id: versionId }, select: VERSION_FIELDS });
    return versionView(row);
  }

  private async version(id: string, versionId: string) {
    const doc = await this.store.loadVersion(id, versionId);
    if (!doc) throw AppError.notFound('Version');
    return doc;
  }

  async versionContent(actor: Actor, id: string, versionId: string, format: DocumentFormat): Promise<RenderedContent> {
    await this.policy.authorize(actor.id, { document: id }, 'document.read');
    const doc = await this.version(id, versionId);
    try {
      return render(doc, format);
    } finally {
      doc.destroy();
    }
  }

  async restore(actor: Actor, id: string, versionId: string) {
    const access = await this.policy.authorize(actor.id, { document: id }, 'document.update');
    if (access.trashed) throw AppError.conflict('Restore the document from the trash first');
    const old = await this.version(id, versionId);
    const live = await this.open.acquire(id);
    try {
      // What this node accepted is stored first, so the saved version holds it.
      await this.updateLog.settled(id);
      await this.store.saveVersion(id, 'restore', actor.id);
      const author: Author = { userId: actor.id };
      const content = toProseMirror(old).content ?? [];
      live.doc.transact(() => writeProseMirror(live.doc.getXmlFragment(CONTENT_FRAGMENT), content), author);
      await author.stored;
    } finally {
      old.destroy();
      this.open.release(id);
    }
    const view = documentView(await this.prisma.document.findUniqueOrThrow({ where: { id } }));
    await this.events.emit({
      type: 'document.updated',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      documentId: id,
      actorId: actor.id,
      data: view,
    });
    return view;
  }
}
