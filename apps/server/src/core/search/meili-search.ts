// The Meilisearch engine. Entries reach Meilisearch through the "SearchOutbox" table (filled by a
// trigger in the same transaction as each change while this engine is on), drained in order by a
// job: nothing is lost while Meilisearch is down, it catches up when it is back. `reindex` builds a
// fresh index and swaps it in atomically. The caller's visibility is part of the filter of every
// search, like the PostgreSQL engine's WHERE clause.
import type { SearchHit } from '@tandem/protocol';
import type pg from 'pg';
import { encodeCursor } from '../../base/http/page-cursor.js';
import type { SearchEngine, SearchRequest } from './search-engine.js';
import { highlightRanges, snippetOf } from './search-text.js';

export const MEILI_INDEX = 'tandem-entries';

/** What this engine needs of the official client (`new Meilisearch({host, apiKey})`), so tests can stand in for the server. */
export interface MeiliClient {
  health(): Promise<unknown>;
  index(uid: string): MeiliIndex;
  createIndex(uid: string, options?: { primaryKey?: string }): { waitTask(): Promise<unknown> };
  deleteIndex(uid: string): { waitTask(): Promise<unknown> };
  swapIndexes(params: { indexes: [string, string] }[]): { waitTask(): Promise<unknown> };
}
export interface MeiliIndex {
  search(q: string, options: Record<string, unknown>): Promise<{ hits: Record<string, unknown>[]; estimatedTotalHits?: number }>;
  addDocuments(docs: MeiliDocument[]): { waitTask(): Promise<{ status?: string }> };
  deleteDocuments(ids: string[]): { waitTask(): Promise<{ status?: string }> };
  updateSettings(settings: Record<string, unknown>): { waitTask(): Promise<unknown> };
}

export interface MeiliDocument {
  id: string;
  kind: string;
  entityId: string;
  workspaceId: string;
  projectId: string | null;
  taskId: string | null;
  documentId: string | null;
  documentPath: string[];
  title: string;
  label: string;
  body: string;
  assigneeId: string | null;
  statusName: string | null;
  trashed: boolean;
  updatedAt: number;
  path: string;
}

export const MEILI_SETTINGS = {
  searchableAttributes: ['title', 'label', 'body'],
  filterableAttributes: ['workspaceId', 'documentPath', 'kind', 'projectId', 'assigneeId', 'statusName', 'trashed', 'updatedAt'],
  sortableAttributes: ['updatedAt'],
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
};

const docId = (kind: string, entityId: string) => `${kind}-${entityId}`;
/** A filter value: ids are validated uuids; free text (a status name) is quoted and escaped. */
const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The Meilisearch search request for a SearchRequest: permission filter first, then the user's filters. */
export function buildMeiliSearch(req: SearchRequest): { q: string; options: Record<string, unknown> } {
  const { scope } = req;
  const visible: string[] = [];
  if (scope.workspaceIds.length) visible.push(`workspaceId IN [${scope.workspaceIds.map(quote).join(', ')}]`);
  if (scope.sharedDocumentIds.length) visible.push(`documentPath IN [${scope.sharedDocumentIds.map(quote).join(', ')}]`);
  const filter: string[] = [visible.length ? `(${visible.join(' OR ')})` : 'workspaceId IN []', 'trashed = false'];
  if (req.kinds) filter.push(`kind IN [${req.kinds.map(quote).join(', ')}]`);
  if (req.projectId) filter.push(`projectId = ${quote(req.projectId)}`);
  if (req.assigneeId) filter.push(`assigneeId = ${quote(req.assigneeId)}`);
  if (req.status) filter.push(`statusName = ${quote(req.status.toLowerCase())}`);
  if (req.updatedSince) filter.push(`updatedAt >= ${req.updatedSince.getTime()}`);
  return {
    // Only the query's words (letters and digits): Meilisearch's own phrase syntax never applies.
    q: req.words.map((w) => w.text).join(' '),
    options: {
      filter: filter.join(' AND '),
      limit: req.limit + 1,
      offset: req.offset,
      ...(req.words.length ? {} : { sort: ['updatedAt:desc'] }),
      attributesToRetrieve: [
        'kind',
        'entityId',
        'workspaceId',
        'projectId',
        'taskId',
        'documentId',
        'title',
        'label',
        'body',
        'updatedAt',
        'path',
      ],
    },
  };
}

export class MeiliSearchEngine implements SearchEngine {
  readonly name = 'meilisearch' as const;

  constructor(private readonly client: MeiliClient) {}

  async search(req: SearchRequest) {
    const { q, options } = buildMeiliSearch(req);
    const res = await this.client.index(MEILI_INDEX).search(q, options);
    const items: SearchHit[] = res.hits.slice(0, req.limit).map((h) => {
      const title = String(h.title ?? '');
      const { snippet, highlights } = snippetOf(String(h.body ?? ''), req.words);
      const hit: SearchHit = {
        type: h.kind as SearchHit['type'],
        id: String(h.entityId),
        title,
        snippet,
        highlights,
        titleHighlights: highlightRanges(title, req.words),
        workspaceId: String(h.workspaceId),
        path: String(h.path ?? ''),
        updatedAt: new Date(Number(h.updatedAt)).toISOString(),
      };
      if (h.taskId) hit.taskId = String(h.taskId);
      if (h.documentId) hit.documentId = String(h.documentId);
      if (h.projectId) hit.projectId = String(h.projectId);
      if (h.label) hit.taskKey = String(h.label);
      return hit;
    });
    const nextCursor = res.hits.length > req.limit ? encodeCursor([req.offset + req.limit]) : null;
    return { items, nextCursor, engine: this.name };
  }
}

/** Entries as Meilisearch documents (comments carry their task's title). */
export async function loadMeiliDocuments(db: pg.Pool | pg.PoolClient, where: string, values: unknown[]): Promise<MeiliDocument[]> {
  const { rows } = await db.query<Omit<MeiliDocument, 'id' | 'updatedAt'> & { updatedAt: Date }>(
    `SELECT e.kind, e."entityId", e."workspaceId", e."projectId", e."taskId", e."documentId", e."documentPath",
            CASE WHEN e.kind = 'comment' THEN coalesce(t.title, '') ELSE e.title END AS title, e.label, e.body, e."assigneeId",
            lower(s.name) AS "statusName", e.trashed, e."updatedAt",
            coalesce(CASE WHEN e.kind = 'document' THEN
              (SELECT string_agg(d.title, ' / ' ORDER BY a.ord DESC) FROM unnest(e."documentPath"[2:]) WITH ORDINALITY a(id, ord) JOIN "Document" d ON d.id = a.id)
            ELSE pr.name END, '') AS path
     FROM "SearchEntry" e LEFT JOIN "Task" t ON t.id = e."taskId" LEFT JOIN "Status" s ON s.id = e."statusId"
     LEFT JOIN "Project" pr ON pr.id = e."projectId"
     WHERE ${where}`,
    values,
  );
  return rows.map((r) => ({ ...r, id: docId(r.kind, r.entityId), updatedAt: r.updatedAt.getTime() }));
}

/**
 * Pushes queued changes in order: the current state of each changed entry (or its removal when it
 * is gone), then deletes exactly the outbox rows it pushed. Anything that fails stays queued.
 */
export async function drainOutbox(pool: pg.Pool, client: MeiliClient, batch = 500): Promise<{ pushed: number; removed: number }> {
  const { rows } = await pool.query<{ id: string; kind: string; entityId: string }>(
    `SELECT id::text, kind, "entityId" FROM "SearchOutbox" ORDER BY id LIMIT $1`,
    [batch],
  );
  if (!rows.length) return { pushed: 0, removed: 0 };
  const keys = [...new Map(rows.map((r) => [docId(r.kind, r.entityId), r])).values()];
  const docs = await loadMeiliDocuments(pool, `(e.kind, e."entityId") IN (SELECT * FROM unnest($1::text[], $2::uuid[]))`, [
    keys.map((k) => k.kind),
    keys.map((k) => k.entityId),
  ]);
  const present = new Set(docs.map((d) => d.id));
  const gone = keys.map((k) => docId(k.kind, k.entityId)).filter((id) => !present.has(id));
  const index = client.index(MEILI_INDEX);
  if (docs.length) await checked(index.addDocuments(docs).waitTask());
  if (gone.length) await checked(index.deleteDocuments(gone).waitTask());
  await pool.query(`DELETE FROM "SearchOutbox" WHERE id <= $1::bigint`, [rows[rows.length - 1]!.id]);
  return { pushed: docs.length, removed: gone.length };
}

async function checked(task: Promise<{ status?: string }>) {
  const t = await task;
  if (t.status && t.status !== 'succeeded') throw new Error(`Meilisearch task ${t.status}`);
}

/** Builds a new index from every entry and swaps it with the live one in one atomic step. */
export async function reindexMeili(pool: pg.Pool, client: MeiliClient, batch = 1000): Promise<{ entries: number }> {
  const next = `${MEILI_INDEX}-${Date.now()}`;
  await client.createIndex(next, { primaryKey: 'id' }).waitTask();
  const index = client.index(next);
  await index.updateSettings(MEILI_SETTINGS).waitTask();
  // The outbox keeps what changes meanwhile; it is drained into the swapped index afterwards.
  let entries = 0;
  let after: [string, string] = ['', '00000000-0000-0000-0000-000000000000'];
  for (;;) {
    const docs = await loadMeiliDocuments(
      pool,
      `(e.kind, e."entityId") > ($1, $2::uuid) ORDER BY e.kind, e."entityId" LIMIT ${batch}`,
      after,
    );
    if (!docs.length) break;
    await checked(index.addDocuments(docs).waitTask());
    entries += docs.length;
    const last = docs[docs.length - 1]!;
    after = [last.kind, last.entityId];
  }
  await client
    .createIndex(MEILI_INDEX, { primaryKey: 'id' })
    .waitTask()
    .catch(() => undefined);
  await client.swapIndexes([{ indexes: [MEILI_INDEX, next] }]).waitTask();
  await client.deleteIndex(next).waitTask();
  return { entries };
}
