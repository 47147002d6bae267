// The caller's notification inbox: newest first, optionally unread only, with the unread count.
// Only what the caller may still see: a notification about a workspace (and its tasks) disappears
// when the caller leaves it or it is deleted, and comes back if they are added again; one about a
// document shared with them (or under a shared one) shows as long as the share does.
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { NotificationListQuery } from '@tandem/protocol';
import type { z } from 'zod';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { decodeCursor, toPage } from '../../base/http/page-cursor.js';
import { IdParam, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { notificationView, withActorName } from './notifier.js';

function visibleTo(userId: string, sharedDocumentIds: string[]) {
  return {
    userId,
    OR: [
      { workspaceId: null },
      { workspace: { deletedAt: null, members: { some: { userId } } } },
      ...(sharedDocumentIds.length ? [{ documentId: { in: sharedDocumentIds } }] : []),
    ],
  };
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class InboxController {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
  ) {}

  private async visible(actor: Actor) {
    return visibleTo(actor.id, await this.policy.sharedDocumentIds(actor.id));
  }

  @Get()
  async list(@CurrentUser() actor: Actor, @ValidQuery(NotificationListQuery) q: z.infer<typeof NotificationListQuery>) {
    const before = decodeCursor(q.cursor, ['id']);
    const visible = await this.visible(actor);
    const rows = await this.prisma.notification.findMany({
      where: {
        ...visible,
        ...(q.unread === 'true' ? { readAt: null } : {}),
        ...(before ? { id: { lt: before[0] as string } } : {}),
      },
      orderBy: { id: 'desc' },
      take: q.limit + 1,
      include: withActorName,
    });
    const page = toPage(rows.map(notificationView), q.limit, (last) => [last.id]);
    return { ...page, unreadCount: await this.prisma.notification.count({ where: { ...visible, readAt: null } }) };
  }

  @Get('unread-count')
  async unreadCount(@CurrentUser() actor: Actor) {
    return { count: await this.prisma.notification.count({ where: { ...(await this.visible(actor)), readAt: null } }) };
  }

  @Post('read-all')
  @HttpCode(200)
  async readAll(@CurrentUser() actor: Actor) {
    const { count } = await this.prisma.notification.updateMany({
      where: { ...(await this.visible(actor)), readAt: null },
      data: { readAt: new Date() },
    });
    return { updated: count, unreadCount: 0 };
  }

  @Post(':id/read')
  @HttpCode(200)
  async read(@CurrentUser() actor: Actor, @IdParam('id', 'Notification') id: string) {
    const visible = await this.visible(actor);
    const { count } = await this.prisma.notification.updateMany({
      where: { id, ...visible, readAt: null },
      data: { readAt: new Date() },
    });
    const row = await this.prisma.notification.findFirst({ where: { id, ...visible }, include: withActorName });
    if (!row) throw AppError.notFound('Notification');
    return { ...notificationView(row), changed: count === 1 };
  }
}
