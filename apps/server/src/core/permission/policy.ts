// The one permission policy. Every controller, socket gateway and collab connection asks here.
// Effective role: the workspace member role, overridden per project, raised by direct document
// shares (on the document or any ancestor). Anyone without a role gets 404 (existence never leaks);
// a role too weak for the action gets 403.
import { Injectable } from '@nestjs/common';
import { type Action, allows, type Role, strongerRole } from '@tandem/protocol';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { Database } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { ChangeClock } from '../../base/events/change-clock.js';
import { isId } from '../../base/http/validation.js';

// What each action needs lives in @tandem/protocol, so clients gate their controls on the same table.
export { type Action, ActionRoles, allows, rules } from '@tandem/protocol';

export type ResourceRef = { workspace: string } | { project: string } | { task: string } | { document: string };

export interface Access {
  role: Role;
  workspaceId: string;
  projectId: string | null;
  taskId?: string;
  documentId?: string;
  /** A document in the trash (or under a trashed ancestor). */
  trashed?: boolean;
}

/** The caller ($1)'s workspace role and project override for project `p` (of a live workspace). */
const PROJECT_ROLE_SELECT = `SELECT p."workspaceId", p.id AS "projectId", wm.role AS "wsRole", pm.role AS "projectRole"`;
const PROJECT_ROLE_JOINS = `
  JOIN "Workspace" w ON w.id = p."workspaceId" AND w."deletedAt" IS NULL
  LEFT JOIN "WorkspaceMember" wm ON wm."workspaceId" = p."workspaceId" AND wm."userId" = $1::uuid
  LEFT JOIN "ProjectMember" pm ON pm."projectId" = p.id AND pm."userId" = $1::uuid`;

type Row = { workspaceId: string; projectId: string | null; wsRole: Role | null; projectRole: Role | null };

@Injectable()
export class PermissionPolicy {
  /**
   * Workspace and project answers, per user, kept until an access change in their workspace
   * (membership, role, override, project or workspace lifecycle) is heard of: see ChangeClock.
   * Only grants are kept; a miss or a refusal always asks the database.
   */
  private readonly granted = new LRUCache<string, { access: Readonly<Access>; at: number }>({ max: 50_000, ttl: 30_000 });

  constructor(
    private readonly db: Database,
    private readonly clock: ChangeClock,
  ) {}

  private async remembered(key: string, load: () => Promise<Access | null>): Promise<Access | null> {
    const hit = this.granted.get(key);
    if (hit && this.clock.fresh(hit.at, hit.access.workspaceId, 'access')) return hit.access;
    const at = this.clock.now();
    const access = await load();
    if (access && at !== null) this.granted.set(key, { access: Object.freeze(access), at });
    return access;
  }

  /**
   * Every request asks here at least once, so these queries go straight to the pg pool as named
   * prepared statements (parsed and planned once per connection), not through the ORM.
   */
  private async rows<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    return (await this.db.pool.query<T & pg.QueryResultRow>({ name: `policy_${name}`, text, values })).rows;
  }

  private effective(row: Row): Role | null {
    if (!row.wsRole) return null; // project overrides apply to workspace members only
    if (row.wsRole === 'owner') return 'owner'; // no override can lock a workspace owner out of a project
    return row.projectRole ?? row.wsRole;
  }

  async workspaceAccess(userId: string, workspaceId: string): Promise<Access | null> {
    if (!isId(workspaceId)) return null;
    return this.remembered(`w${userId}${workspaceId}`, () => this.loadWorkspaceAccess(userId, workspaceId));
  }

  private async loadWorkspaceAccess(userId: string, workspaceId: string): Promise<Access | null> {
    const rows = await this.rows<{ role: Role }>(
      'workspace',
      `SELECT m.role FROM "WorkspaceMember" m JOIN "Workspace" w ON w.id = m."workspaceId"
      WHERE m."workspaceId" = $1::uuid AND m."userId" = $2::uuid AND w."deletedAt" IS NULL`,
      [workspaceId, userId],
    );
    const role = rows[0]?.role;
    return role ? { role, workspaceId, projectId: null } : null;
  }

  async projectAccess(userId: string, projectId: string): Promise<Access | null> {
    if (!isId(projectId)) return null;
    return this.remembered(`p${userId}${projectId}`, () => this.loadProjectAccess(userId, projectId));
  }

  private async loadProjectAccess(userId: string, projectId: string): Promise<Access | null> {
    const rows = await this.rows<Row>('project', `${PROJECT_ROLE_SELECT} FROM "Project" p ${PROJECT_ROLE_JOINS} WHERE p.id = $2::uuid`, [
      userId,
      projectId,
    ]);
    const row = rows[0];
    const role = row && this.effective(row);
    return row && role ? { role, workspaceId: row.workspaceId, projectId } : null;
  }

  async taskAccess(userId: string, taskId: string): Promise<Access | null> {
    if (!isId(taskId)) return null;
    const rows = await this.rows<Row>(
      'task',
      `${PROJECT_ROLE_SELECT} FROM "Task" t JOIN "Project" p ON p.id = t."projectId" ${PROJECT_ROLE_JOINS} WHERE t.id = $2::uuid`,
      [userId, taskId],
    );
    const row = rows[0];
    const role = row && this.effective(row);
    return row && role ? { role, workspaceId: row.workspaceId, projectId: row.projectId, taskId } : null;
  }

  /**
   * `authorize` on a task that also reads what the caller needs of it in the same statement: one
   * round trip instead of two on the write paths. `read.from` names the task `t` (joined from what
   * `read.where` picks by id, e.g. a checklist item); `read.columns` must not reuse the names
   * workspaceId, projectId, taskId, wsRole or projectRole, and may use `read.values` as $3, $4, ….
   * Missing or unreadable: 404 `notFoundName`.
   */
  async authorizeTaskRow<T extends object>(
    userId: string,
    id: string,
    action: Action,
    read: { name: string; columns: string; from?: string; where?: string; values?: unknown[] },
    notFoundName = 'Task',
  ): Promise<{ access: Access; row: T }> {
    const rows = isId(id)
      ? await this.rows<Row & { taskId: string } & T>(
          `task_${read.name}`,
          `${PROJECT_ROLE_SELECT}, t.id AS "taskId", ${read.columns} FROM ${read.from ?? '"Task" t'}
          JOIN "Project" p ON p.id = t."projectId" ${PROJECT_ROLE_JOINS} WHERE ${read.where ?? 't.id'} = $2::uuid`,
          [userId, id, ...(read.values ?? [])],
        )
      : [];
    const row = rows[0];
    const role = row && this.effective(row);
    if (!row || !role) throw AppError.notFound(notFoundName);
    if (!allows(role, action)) throw AppError.forbidden();
    return { access: { role, workspaceId: row.workspaceId, projectId: row.projectId, taskId: row.taskId }, row };
  }

  async documentAccess(userId: string, documentId: string): Promise<Access | null> {
    if (!isId(documentId)) return null;
    const rows = await this.rows<Row & { shareRole: Role | null; trashed: boolean }>(
      'document',
      `WITH RECURSIVE chain AS (
        SELECT d.id, d."parentId", d."deletedAt" FROM "Document" d WHERE d.id = $2::uuid
        UNION ALL
        SELECT p.id, p."parentId", p."deletedAt" FROM "Document" p JOIN chain c ON p.id = c."parentId"
      )
      SELECT d."workspaceId", d."projectId", wm.role AS "wsRole", pm.role AS "projectRole",
        (SELECT s.role FROM "DocumentShare" s WHERE s."userId" = $1::uuid AND s."documentId" IN (SELECT id FROM chain)
          ORDER BY CASE s.role WHEN 'owner' THEN 3 WHEN 'editor' THEN 2 ELSE 1 END DESC LIMIT 1) AS "shareRole",
        EXISTS (SELECT 1 FROM chain WHERE chain."deletedAt" IS NOT NULL) AS trashed
      FROM "Document" d
      JOIN "Workspace" w ON w.id = d."workspaceId" AND w."deletedAt" IS NULL
      LEFT JOIN "WorkspaceMember" wm ON wm."workspaceId" = d."workspaceId" AND wm."userId" = $1::uuid
      LEFT JOIN "ProjectMember" pm ON pm."projectId" = d."projectId" AND pm."userId" = $1::uuid
      WHERE d.id = $2::uuid`,
      [userId, documentId],
    );
    const row = rows[0];
    if (!row) return null;
    const role = strongerRole(this.effective(row), row.shareRole);
    return role ? { role, workspaceId: row.workspaceId, projectId: row.projectId, documentId, trashed: row.trashed } : null;
  }

  /**
   * Documents the user may read through a share (on the document or an ancestor) in live
   * workspaces, whether or not they are also a member: what a share-only reader's inbox may show.
   */
  async sharedDocumentIds(userId: string): Promise<string[]> {
    if (!isId(userId)) return [];
    const rows = await this.rows<{ id: string }>(
      'shared_documents',
      `WITH RECURSIVE tree AS (
        SELECT s."documentId" AS id FROM "DocumentShare" s WHERE s."userId" = $1::uuid
        UNION
        SELECT c.id FROM "Document" c JOIN tree ON c."parentId" = tree.id
      )
      SELECT tree.id FROM tree
      JOIN "Document" d ON d.id = tree.id
      JOIN "Workspace" w ON w.id = d."workspaceId" AND w."deletedAt" IS NULL`,
      [userId],
    );
    return rows.map((r) => r.id);
  }

  /** The caller's access to a resource, or null when they may not see it. */
  access(userId: string, ref: ResourceRef): Promise<Access | null> {
    if ('workspace' in ref) return this.workspaceAccess(userId, ref.workspace);
    if ('project' in ref) return this.projectAccess(userId, ref.project);
    if ('task' in ref) return this.taskAccess(userId, ref.task);
    return this.documentAccess(userId, ref.document);
  }

  /**
   * Which of `userIds` may read `ref` (with any role). For a task, one statement whatever their number
   * (a comment on a task many people watch); otherwise one check each, as `access`.
   */
  async readersAmong(userIds: string[], ref: ResourceRef): Promise<string[]> {
    const ids = userIds.filter(isId);
    if (ids.length === 0) return [];
    if ('task' in ref) {
      if (!isId(ref.task)) return [];
      const rows = await this.rows<Row & { userId: string }>(
        'task_readers',
        `SELECT u.id AS "userId", p."workspaceId", p.id AS "projectId", wm.role AS "wsRole", pm.role AS "projectRole"
        FROM unnest($1::uuid[]) AS u(id)
        JOIN "Task" t ON t.id = $2::uuid
        JOIN "Project" p ON p.id = t."projectId"
        JOIN "Workspace" w ON w.id = p."workspaceId" AND w."deletedAt" IS NULL
        LEFT JOIN "WorkspaceMember" wm ON wm."workspaceId" = p."workspaceId" AND wm."userId" = u.id
        LEFT JOIN "ProjectMember" pm ON pm."projectId" = p.id AND pm."userId" = u.id`,
        [ids, ref.task],
      );
      const readers = new Set(rows.filter((r) => this.effective(r)).map((r) => r.userId));
      return ids.filter((id) => readers.has(id));
    }
    const allowed = await Promise.all(ids.map(async (id) => (await this.access(id, ref)) !== null));
    return ids.filter((_, i) => allowed[i]);
  }

  /**
   * Authorizes `action` on a resource: 404 when the caller cannot see it, 403 when they can but their
   * role is too weak. Returns the resolved access (ids and role) for the caller to use.
   */
  async authorize(userId: string, ref: ResourceRef, action: Action, notFoundName?: string): Promise<Access> {
    const access = await this.access(userId, ref);
    const what = Object.keys(ref)[0]!;
    // `notFoundName` names what the caller asked for (e.g. a Status, authorized through its project).
    if (!access) throw AppError.notFound(notFoundName ?? what[0]!.toUpperCase() + what.slice(1));
    if (!allows(access.role, action)) throw AppError.forbidden();
    return access;
  }
}
