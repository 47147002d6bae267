// The PostgreSQL engine: one statement per page over "SearchEntry" (kept by triggers, see
// prisma/manual.sql). Each query word matches when it is
//   - a whole word after English stemming ("deployments" finds "deploy"),
//   - the start of a word while typing ("deplo" finds "deployment"), or
//   - a substring of the folded text (pg_trgm; words of 3+ letters, and CJK text of any length).
// Every word must match. Ranking: all words are title words (stemmed or started), then all are in
// the title at all, then ts_rank, then the newest. Permission filtering is in the WHERE clause.
import { Injectable } from '@nestjs/common';
import type { SearchHit, SearchKind } from '@tandem/protocol';
import { Database } from '../../base/database/database.js';
import { encodeCursor } from '../../base/http/page-cursor.js';
import type { SearchEngine, SearchRequest } from './search-engine.js';
import { highlightRanges, type QueryWord, snippetOf } from './search-text.js';

interface Row {
  kind: SearchKind;
  entityId: string;
  workspaceId: string;
  projectId: string | null;
  taskId: string | null;
  documentId: string | null;
  title: string;
  label: string;
  body: string;
  updatedAt: Date;
  path: string | null;
}

/** Builds the SQL and its parameters (exported for the benchmark's comparison and the tests). */
export function buildSearchSql(req: SearchRequest, mode: 'match' | 'fuzzy'): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const where: string[] = ['NOT e.trashed'];
  const { scope } = req;
  where.push(`(e."workspaceId" = ANY(${p(scope.workspaceIds)}::uuid[]) OR e."documentPath" && ${p(scope.sharedDocumentIds)}::uuid[])`);
  if (req.kinds) where.push(`e.kind = ANY(${p(req.kinds)}::text[])`);
  if (req.projectId) where.push(`e."projectId" = ${p(req.projectId)}::uuid`);
  if (req.assigneeId) where.push(`e."assigneeId" = ${p(req.assigneeId)}::uuid`);
  if (req.status) where.push(`EXISTS (SELECT 1 FROM "Status" s WHERE s.id = e."statusId" AND lower(s.name) = lower(${p(req.status)}))`);
  if (req.updatedSince) where.push(`e."updatedAt" >= ${p(req.updatedSince)}`);

  const order: string[] = [];
  if (mode === 'match') {
    const inTitleWords: string[] = [];
    const inTitle: string[] = [];
    for (const w of req.words) where.push(wordMatch(w, p));
    for (const w of req.words) {
      const like = `e."titleFolded" LIKE ${p(`%${w.text}%`)}`;
      // A title word (stemmed, or started while typing): the A-weighted part of `words`.
      const word = w.cjk
        ? like
        : `e.words @@ (to_tsquery('simple', ${p(`'${w.text}':*A`)}) || to_tsquery('english', ${p(`'${w.text}':A`)}))`;
      inTitleWords.push(word);
      inTitle.push(w.cjk ? like : `(${word} OR ${like})`);
    }
    if (req.words.length) {
      order.push(`(CASE WHEN ${inTitleWords.join(' AND ')} THEN 2 WHEN ${inTitle.join(' AND ')} THEN 1 ELSE 0 END) DESC`);
      const latin = req.words.filter((w) => !w.cjk).map((w) => w.text);
      if (latin.length) {
        const prefixes = p(latin.map((t) => `'${t}':*`).join(' & '));
        const stems = p(latin.map((t) => `'${t}'`).join(' & '));
        order.push(`ts_rank(e.words, to_tsquery('simple', ${prefixes}) || to_tsquery('english', ${stems})) DESC`);
      }
    }
  } else {
    // Typo tolerance: titles whose words look like the query (trigram word similarity).
    const q = req.words.map((w) => w.text).join(' ');
    where.push(`${p(q)} <% e."titleFolded"`);
    order.push(`word_similarity(${p(q)}, e."titleFolded") DESC`);
  }

  const text = `
    SELECT e.kind, e."entityId", e."workspaceId", e."projectId", e."taskId", e."documentId", e.title, e.label,
           left(e.body, 20000) AS body, e."updatedAt",
           CASE WHEN e.kind = 'document' THEN
             (SELECT string_agg(d.title, ' / ' ORDER BY a.ord DESC) FROM unnest(e."documentPath"[2:]) WITH ORDINALITY a(id, ord)
              JOIN "Document" d ON d.id = a.id)
           ELSE (SELECT pr.name FROM "Project" pr WHERE pr.id = e."projectId") END AS path
    FROM "SearchEntry" e
    WHERE ${where.join('\n      AND ')}
    ORDER BY ${[...order, 'e."updatedAt" DESC', 'e."entityId"'].join(', ')}
    LIMIT ${p(req.limit + 1)} OFFSET ${p(req.offset)}`;
  return { text, values };
}

/** One word's match condition; only letters and digits ever reach the query (see search-text.ts). */
function wordMatch(w: QueryWord, p: (v: unknown) => string): string {
  if (w.cjk) return `e.folded LIKE ${p(`%${w.text}%`)}`;
  const words = `e.words @@ (to_tsquery('simple', ${p(`'${w.text}':*`)}) || to_tsquery('english', ${p(`'${w.text}'`)}))`;
  // Trigrams need three letters; shorter words are word starts only (a two-letter substring is everywhere).
  return w.text.length >= 3 ? `(${words} OR e.folded LIKE ${p(`%${w.text}%`)})` : words;
}

export function toHit(r: Row, words: QueryWord[]): SearchHit {
  const title = r.kind === 'comment' ? '' : r.title;
  const { snippet, highlights } = snippetOf(r.body, words);
  const hit: SearchHit = {
    type: r.kind,
    id: r.entityId,
    title,
    snippet,
    highlights,
    titleHighlights: highlightRanges(title, words),
    workspaceId: r.workspaceId,
    path: r.path ?? '',
    updatedAt: r.updatedAt.toISOString(),
  };
  if (r.taskId) hit.taskId = r.taskId;
  if (r.documentId) hit.documentId = r.documentId;
  if (r.projectId) hit.projectId = r.projectId;
  if (r.label) hit.taskKey = r.label;
  return hit;
}

@Injectable()
export class PostgresSearch implements SearchEngine {
  readonly name = 'postgres' as const;

  constructor(private readonly db: Database) {}

  async search(req: SearchRequest) {
    let rows = await this.run(req, 'match');
    // Nothing found on the first page: try typo tolerance on titles.
    if (rows.length === 0 && req.offset === 0 && req.words.some((w) => !w.cjk && w.text.length >= 4)) rows = await this.run(req, 'fuzzy');
    const items = rows.slice(0, req.limit).map((r) => toHit(r, req.words));
    await this.addCommentTitles(items);
    const nextCursor = rows.length > req.limit ? encodeCursor([req.offset + req.limit]) : null;
    return { items, nextCursor, engine: this.name };
  }

  private async run(req: SearchRequest, mode: 'match' | 'fuzzy'): Promise<Row[]> {
    if (req.words.length === 0 && mode === 'fuzzy') return [];
    const { text, values } = buildSearchSql(req, mode);
    return (await this.db.pool.query<Row>({ text, values })).rows;
  }

  /** A comment is shown under its task's title. */
  private async addCommentTitles(items: SearchHit[]) {
    const ids = [...new Set(items.filter((i) => i.type === 'comment' && i.taskId).map((i) => i.taskId!))];
    if (!ids.length) return;
    const { rows } = await this.db.pool.query<{ id: string; title: string }>(`SELECT id, title FROM "Task" WHERE id = ANY($1::uuid[])`, [
      ids,
    ]);
    const titles = new Map(rows.map((r) => [r.id, r.title]));
    for (const i of items) if (i.type === 'comment' && i.taskId) i.title = titles.get(i.taskId) ?? '';
  }
}
