// Checks on what a task may point at. A reference the caller may not use is a 400 naming the
// field; nothing here reveals more than "not usable here".
import { Injectable } from '@nestjs/common';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import type { Tx } from '../activity/activity-log.js';
import { PermissionPolicy, rules } from '../permission/policy.js';

const invalid = (field: string, message: string) => AppError.validation([{ field, message }], message);
export const STATUS_INVALID = 'The status is not one of this project';

@Injectable()
export class TaskRules {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
  ) {}

  async status(projectId: string, statusId: string): Promise<void> {
    const s = await this.prisma.status.findUnique({ where: { id: statusId }, select: { projectId: true } });
    if (!s || s.projectId !== projectId) throw invalid('status', STATUS_INVALID);
  }

  /** The assignee must be able to edit tasks of the project (a member who is not a viewer). */
  async assignee(projectId: string, userId: string): Promise<void> {
    const access = await this.policy.access(userId, { project: projectId });
    if (!rules.mayBeAssigned(access?.role)) throw invalid('assigneeId', 'The assignee must be a project member who may edit tasks');
  }

  async sprint(projectId: string, sprintId: string): Promise<void> {
    const s = await this.prisma.sprint.findUnique({ where: { id: sprintId }, select: { projectId: true, state: true } });
    if (!s || s.projectId !== projectId) throw invalid('sprintId', 'The sprint is not one of this project');
    if (s.state === 'completed') throw invalid('sprintId', 'The sprint is already completed');
  }

  async labels(workspaceId: string, labelIds: string[]): Promise<void> {
    const unique = [...new Set(labelIds)];
    const found = await this.prisma.label.count({ where: { id: { in: unique }, workspaceId } });
    if (found !== unique.length) throw invalid('labelIds', 'Every label must belong to the workspace');
  }

  /** The parent must be another task of the same project and must not descend from the task. */
  async parent(tx: Tx, projectId: string, taskId: string | null, parentId: string): Promise<void> {
    if (parentId === taskId) throw invalid('parentId', 'A task cannot be its own parent');
    // Two concurrent re-parentings (A under B, B under A) would each pass the check alone.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`task-tree:${projectId}`}, 0))`;
    const p = await tx.task.findUnique({ where: { id: parentId }, select: { projectId: true } });
    if (!p || p.projectId !== projectId) throw invalid('parentId', 'The parent is not a task of this project');
    if (!taskId) return;
    const cycle = await tx.$queryRaw<{ found: boolean }[]>`
      WITH RECURSIVE up AS (
        SELECT id, "parentId", 1 AS depth FROM "Task" WHERE id = ${parentId}::uuid
        UNION ALL
        SELECT t.id, t."parentId", up.depth + 1 FROM "Task" t JOIN up ON t.id = up."parentId" WHERE up.depth < 1000
      )
      SELECT EXISTS (SELECT 1 FROM up WHERE id = ${taskId}::uuid) AS found`;
    if (cycle[0]?.found) throw invalid('parentId', 'The parent would create a cycle');
  }
}
