// Who changed what, when: newest first, per task or per project.
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type ActivityView, PageQuery } from '@tandem/protocol';
import type { z } from 'zod';
import { PrismaClient } from '../../base/database/database.js';
import { decodeCursor, toPage } from '../../base/http/page-cursor.js';
import { IdParam, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';

type Page = z.infer<typeof PageQuery>;

@ApiTags('activity')
@ApiBearerAuth()
@Controller('api/v1')
export class ActivityController {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
  ) {}

  @Get('tasks/:id/activity')
  async forTask(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string, @ValidQuery(PageQuery) page: Page) {
    await this.policy.authorize(actor.id, { task: id }, 'task.read');
    return this.page({ taskId: id }, page);
  }

  @Get('projects/:id/activity')
  async forProject(@CurrentUser() actor: Actor, @IdParam('id', 'Project') id: string, @ValidQuery(PageQuery) page: Page) {
    await this.policy.authorize(actor.id, { project: id }, 'project.read');
    return this.page({ projectId: id }, page);
  }

  private async page(where: { taskId?: string; projectId?: string }, { limit, cursor }: Page) {
    const before = decodeCursor(cursor, ['id']);
    // Ids are time-ordered (uuid v7), so id order is creation order.
    const rows = await this.prisma.activityEvent.findMany({
      where: { ...where, ...(before ? { id: { lt: before[0] as string } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const items: ActivityView[] = rows.map((a) => ({
      id: a.id,
      action: a.action,
      actorId: a.actorId,
      projectId: a.projectId,
      taskId: a.taskId,
      changes: a.changes as Record<string, unknown>,
      createdAt: a.createdAt.toISOString(),
    }));
    return toPage(items, limit, (last) => [last.id]);
  }
}
