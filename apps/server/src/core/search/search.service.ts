// GET /api/v1/search: resolves what the caller may read (as the engine's filter) and asks the engine
// in charge — Meilisearch when configured and reachable, PostgreSQL otherwise.
import { Injectable } from '@nestjs/common';
import { type SearchKind, SearchQuery, type SearchResults } from '@tandem/protocol';
import type { z } from 'zod';
import { Database } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { decodeCursor } from '../../base/http/page-cursor.js';
import type { Actor } from '../auth/current-user.js';
import type { SearchRequest, SearchScope } from './search-engine.js';
import { SearchEngines } from './search-engines.js';
import { queryWords } from './search-text.js';

@Injectable()
export class SearchService {
  constructor(
    private readonly db: Database,
    private readonly engines: SearchEngines,
  ) {}

  async scope(userId: string, workspaceId?: string): Promise<SearchScope> {
    const ws = workspaceId ?? null;
    const [members, shares] = await Promise.all([
      this.db.pool.query<{ id: string }>({
        name: 'search_scope_members',
        text: `SELECT m."workspaceId" AS id FROM "WorkspaceMember" m JOIN "Workspace" w ON w.id = m."workspaceId" AND w."deletedAt" IS NULL
               WHERE m."userId" = $1::uuid AND ($2::uuid IS NULL OR m."workspaceId" = $2::uuid)`,
        values: [userId, ws],
      }),
      this.db.pool.query<{ id: string }>({
        name: 'search_scope_shares',
        text: `SELECT s."documentId" AS id FROM "DocumentShare" s JOIN "Document" d ON d.id = s."documentId"
               JOIN "Workspace" w ON w.id = d."workspaceId" AND w."deletedAt" IS NULL
               WHERE s."userId" = $1::uuid AND ($2::uuid IS NULL OR d."workspaceId" = $2::uuid)`,
        values: [userId, ws],
      }),
    ]);
    return { userId, workspaceIds: members.rows.map((r) => r.id), sharedDocumentIds: shares.rows.map((r) => r.id) };
  }

  async search(actor: Actor, query: z.infer<typeof SearchQuery>): Promise<SearchResults> {
    const scope = await this.scope(actor.id, query.workspaceId);
    if (query.workspaceId && scope.workspaceIds.length === 0 && scope.sharedDocumentIds.length === 0) throw AppError.notFound('Workspace');
    const offset = (decodeCursor(query.cursor, ['number'])?.[0] as number | undefined) ?? 0;
    if (offset < 0 || offset > 10_000 || !Number.isInteger(offset))
      throw AppError.validation([{ field: 'cursor', message: 'Invalid cursor' }]);
    const req: SearchRequest = {
      scope,
      q: query.q,
      words: queryWords(query.q),
      kinds: query.type ? ([...new Set(query.type.split(','))] as SearchKind[]) : null,
      projectId: query.projectId,
      assigneeId: query.assigneeId,
      status: query.status,
      updatedSince: query.updatedSince ? new Date(query.updatedSince) : undefined,
      limit: query.limit,
      offset,
    };
    // A query of operators and punctuation only finds nothing (an empty one lists recent items).
    if (query.q.trim() && req.words.length === 0) return { items: [], nextCursor: null, engine: 'postgres' };
    return this.engines.search(req);
  }
}
