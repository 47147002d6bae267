// The caller's notification inbox: newest first, optionally unread only, with the unread count.
// Only what the caller may still see: a notification about a workspace (and its tasks) disappears
// when the caller leaves it or it is deleted, and comes back if they are added again.
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { NotificationListQuery } from '@tandem/protocol';
import type { z } from 'zod';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { decodeCursor, toPage } from '../../base/http/page-cursor.js';
import { IdParam, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { notificationView } from './notifier.js';

function visibleTo(userId: string) {
  return {
    userId,
    OR: [{ workspaceId: null }, { workspace: { deletedAt: null, members: { some: { userId } } } }],
  };
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class InboxController {
  constructor(private readonly prisma: PrismaClient) {}

  @Get()
  async list(@CurrentUser() actor: Actor, @ValidQuery(NotificationListQuery) q: z.infer<typeof NotificationListQuery>) {
    const before = decodeCursor(q.cursor, ['id']);
    const rows = await this.prisma.notification.findMany({
      where: {
        ...visibleTo(actor.id),
        ...(q.unread === 'true' ? { readAt: null } : {}),
        ...(before ? { id: { lt: before[0] as string } } : {}),
      },
      orderBy: { id: 'desc' },
      take: q.limit + 1,
    });
    const page = toPage(rows.map(notificationView), q.limit, (last) => [last.id]);
    return { ...page, unreadCount: await this.unread(actor) };
  }

  @Get('unread-count')
  async unreadCount(@CurrentUser() actor: Actor) {
    return { count: await this.unread(actor) };
  }

  @Post('read-all')
  @HttpCode(200)
  async readAll(@CurrentUser() actor: Actor) {
    const { count } = await this.prisma.notification.updateMany({
      where: { ...visibleTo(actor.id), readAt: null },
      data: { readAt: new Date() },
    });
    return { updated: count, unreadCount: 0 };
  }

  @Post(':id/read')
  @HttpCode(200)
  async read(@CurrentUser() actor: Actor, @IdParam('id', 'Notification') id: string) {
    const { count } = await this.prisma.notification.updateMany({
      where: { id, ...visibleTo(actor.id), readAt: null },
      data: { readAt: new Date() },
    });
    const row = await this.prisma.notification.findFirst({ where: { id, ...visibleTo(actor.id) } });
    if (!row) throw AppError.notFound('Notification');
    return { ...notificationView(row), changed: count === 1 };
  }

  private unread(actor: Actor) {
    return this.prisma.notification.count({ where: { ...visibleTo(actor.id), readAt: null } });
  }
}
