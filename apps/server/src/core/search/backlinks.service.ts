// "Mentioned in": the documents whose content refers to a document or a task (kept by
// DocumentIndexer), limited inside the query to documents the caller may read.
import { Injectable } from '@nestjs/common';
import type { BacklinkView, Page } from '@tandem/protocol';
import { Database } from '../../base/database/database.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { SearchService } from './search.service.js';

const MAX_BACKLINKS = 200;

@Injectable()
export class BacklinksService {
  constructor(
    private readonly db: Database,
    private readonly policy: PermissionPolicy,
    private readonly search: SearchService,
  ) {}

  async forDocument(actor: Actor, documentId: string): Promise<Page<BacklinkView>> {
    const access = await this.policy.authorize(actor.id, { document: documentId }, 'document.read');
    return this.list(actor, 'document', documentId, access.workspaceId);
  }

  async forTask(actor: Actor, taskId: string): Promise<Page<BacklinkView>> {
    const access = await this.policy.authorize(actor.id, { task: taskId }, 'task.read');
    return this.list(actor, 'task', taskId, access.workspaceId);
  }

  private async list(actor: Actor, kind: 'document' | 'task', targetId: string, workspaceId: string): Promise<Page<BacklinkView>> {
    const scope = await this.search.scope(actor.id, workspaceId);
    const { rows } = await this.db.pool.query<{ documentId: string; title: string; workspaceId: string; updatedAt: Date }>(
      `SELECT d.id AS "documentId", d.title, d."workspaceId", greatest(d."updatedAt", coalesce(d."contentAt", d."updatedAt")) AS "updatedAt"
       FROM "DocumentReference" r
       JOIN "Document" d ON d.id = r."documentId" AND d."deletedAt" IS NULL
       JOIN "SearchEntry" e ON e.kind = 'document' AND e."entityId" = d.id
       WHERE r."targetKind" = $1 AND r."targetId" = $2::uuid AND d.id <> $2::uuid
         AND (d."workspaceId" = ANY($3::uuid[]) OR e."documentPath" && $4::uuid[])
       ORDER BY 4 DESC, d.id LIMIT ${MAX_BACKLINKS}`,
      [kind, targetId, scope.workspaceIds, scope.sharedDocumentIds],
    );
    return { items: rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() })), nextCursor: null };
  }
}
