// Reads task views straight from PostgreSQL: one statement builds the view (key, labels,
// checklist done/total) for one task or a filtered page, so a board page costs one round trip.
// PostgreSQL renders each view as JSON text; a page is sent as that text, never parsed and
// re-serialized here (the list is the hottest read of the tracker). Pages are also kept in memory
// until anything changes in their workspace (ChangeClock): a board many people look at costs one
// query per change, not one per look.
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TaskListQuery, TaskView } from '@tandem/protocol';
import { LRUCache } from 'lru-cache';
import { Database } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { ChangeClock } from '../../base/events/change-clock.js';
import { decodeCursor, toPage } from '../../base/http/page-cursor.js';
import { isId } from '../../base/http/validation.js';

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** The view's columns of task `t` (and its project `p`). */
const VIEW_COLUMNS = `t.id, p.key || '-' || t.number AS key, t.number, t."projectId", t.title, t.description,
    t."statusId" AS status, t.type, t.priority, t."assigneeId", t."reporterId", t."parentId", t."sprintId",
    to_char(t."dueDate", 'YYYY-MM-DD') AS "dueDate", t.estimate, t.rank, t.version,
    COALESCE((SELECT json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color) ORDER BY l.name)
      FROM "TaskLabel" tl JOIN "Label" l ON l.id = tl."labelId" WHERE tl."taskId" = t.id), '[]'::json) AS labels,
    (SELECT json_build_object('done', count(*) FILTER (WHERE c.done), 'total', count(*))
      FROM "ChecklistItem" c WHERE c."taskId" = t.id) AS checklist,
    t."archivedAt" IS NOT NULL AS archived,
    to_char(t."createdAt", ${ISO}) AS "createdAt", to_char(t."updatedAt", ${ISO}) AS "updatedAt"`;
const VIEW = `
  SELECT row_to_json(v)::text AS json, v.rank, v.id, v.number FROM (SELECT ${VIEW_COLUMNS}
  FROM "Task" t JOIN "Project" p ON p.id = t."projectId"`;
const END = ') v';

/** The view of task `t` (of project `p`) as JSON text, as a column of a statement that has both. */
export const VIEW_JSON = `(SELECT row_to_json(v)::text FROM (SELECT ${VIEW_COLUMNS}) v)`;

/**
 * The view (as JSON text, column `json`) of the rows of `source`, a CTE or table with the columns
 * of "Task": e.g. the RETURNING of an update, so a write answers with what it wrote without a
 * second statement. Labels and checklist are read as of the statement's start.
 */
export const viewOf = (source: string) =>
  `SELECT row_to_json(v)::text AS json FROM (SELECT ${VIEW_COLUMNS} FROM ${source} t JOIN "Project" p ON p.id = t."projectId") v`;

type ViewRow = { json: string; rank: string; id: string; number: number };

@Injectable()
export class TaskQueries {
  /** Statement names by SQL text: each filter combination is parsed and planned once per connection. */
  private readonly names = new Map<string, string>();
  /** Page JSON by project and query; sized by characters (about 32 MB of text at most). */
  private readonly pages = new LRUCache<string, { json: string; at: number }>({
    maxSize: 16_000_000,
    sizeCalculation: (p) => p.json.length + 100,
    ttl: 60_000,
  });

  constructor(
    private readonly db: Database,
    private readonly clock: ChangeClock,
  ) {}

  private query(text: string, values: unknown[]) {
    let name = this.names.get(text);
    if (!name) {
      name = `task_view_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.names.set(text, name);
    }
    return this.db.pool.query<ViewRow>({ name, text, values });
  }

  async view(taskId: string): Promise<TaskView> {
    const { rows } = await this.query(`${VIEW} WHERE t.id = $1${END}`, [taskId]);
    if (!rows[0]) throw AppError.notFound('Task');
    return JSON.parse(rows[0].json) as TaskView;
  }

  /** A page as the JSON text of `{items, nextCursor}`, for a project of `workspaceId`. */
  async list(projectId: string, workspaceId: string, q: TaskListQuery): Promise<string> {
    const key = projectId + JSON.stringify(q);
    const hit = this.pages.get(key);
    if (hit && this.clock.fresh(hit.at, workspaceId, 'data')) return hit.json;
    const at = this.clock.now();
    const json = await this.readPage(projectId, q);
    if (at !== null) this.pages.set(key, { json, at });
    return json;
  }

  private async readPage(projectId: string, q: TaskListQuery): Promise<string> {
    const params: unknown[] = [projectId];
    const where = ['t."projectId" = $1'];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    where.push(q.archived === 'true' ? 't."archivedAt" IS NOT NULL' : 't."archivedAt" IS NULL');
    if (q.status) where.push(`t."statusId" = ${param(q.status)}`);
    if (q.assigneeId === 'none') where.push('t."assigneeId" IS NULL');
    else if (q.assigneeId) where.push(`t."assigneeId" = ${param(q.assigneeId)}`);
    if (q.sprint === 'backlog') where.push('t."sprintId" IS NULL');
    else if (q.sprint) where.push(`t."sprintId" = ${param(q.sprint)}`);
    if (q.parentId) where.push(`t."parentId" = ${param(q.parentId)}`);
    if (q.label) {
      const byId = isId(q.label) ? `l.id = ${param(q.label)}` : `lower(l.name) = lower(${param(q.label)})`;
      where.push(`EXISTS (SELECT 1 FROM "TaskLabel" tl JOIN "Label" l ON l.id = tl."labelId" WHERE tl."taskId" = t.id AND ${byId})`);
    }
    if (q.q) {
      const pattern = param(`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(t.title ILIKE ${pattern} OR t.description ILIKE ${pattern})`);
    }
    const byRank = (q.order ?? (q.status ? 'rank' : 'newest')) === 'rank';
    const after = decodeCursor(q.cursor, byRank ? ['string', 'id'] : ['int']);
    if (after && byRank) where.push(`(t.rank, t.id) > (${param(after[0])}, ${param(after[1])}::uuid)`);
    if (after && !byRank) where.push(`t.number < ${param(after[0])}`);
    const order = byRank ? 't.rank, t.id' : 't.number DESC';
    const outer = byRank ? 'v.rank, v.id' : 'v.number DESC';
    const { rows } = await this.query(
      `${VIEW} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${param(q.limit + 1)}${END} ORDER BY ${outer}`,
      params,
    );
    const page = toPage(rows, q.limit, (last) => (byRank ? [last.rank, last.id] : [last.number]));
    return `{"items":[${page.items.map((r) => r.json).join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}}`;
  }
}
