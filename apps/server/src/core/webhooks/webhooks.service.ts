// Webhooks of a workspace (its owners manage them) and their deliveries.
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { WebhookDeliveryView, WebhookView } from '@tandem/protocol';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { refuseTarget } from './webhook-target.js';

const MAX_WEBHOOKS_PER_WORKSPACE = 50;

const view = (w: { id: string; url: string; events: string[]; createdAt: Date }): WebhookView => ({
  id: w.id,
  url: w.url,
  events: w.events,
  createdAt: w.createdAt.toISOString(),
});

@Injectable()
export class WebhooksService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(actor: Actor, workspaceId: string, body: { url: string; events: string[]; secret?: string }) {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'workspace.webhooks.manage');
    const refused = await refuseTarget(body.url, this.config.TANDEM_WEBHOOK_ALLOW_PRIVATE);
    if (refused) throw AppError.validation([{ field: 'url', message: refused }], `The webhook URL ${refused}`);
    if ((await this.prisma.webhook.count({ where: { workspaceId } })) >= MAX_WEBHOOKS_PER_WORKSPACE) {
      throw AppError.conflict(`A workspace has at most ${MAX_WEBHOOKS_PER_WORKSPACE} webhooks`);
    }
    const secret = body.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
    const events = [...new Set(body.events)];
    const w = await this.prisma.$transaction(async (tx) => {
      const created = await tx.webhook.create({ data: { workspaceId, url: body.url, events, secret, createdById: actor.id } });
      await recordAudit(tx, {
        workspaceId,
        actorId: actor.id,
        action: 'webhook.created',
        target: { type: 'webhook', id: created.id },
        details: { url: created.url, events },
      });
      return created;
    });
    return { ...view(w), secret };
  }

  async list(actor: Actor, workspaceId: string): Promise<{ items: WebhookView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'workspace.webhooks.manage');
    const rows = await this.prisma.webhook.findMany({ where: { workspaceId }, orderBy: { createdAt: 'asc' } });
    return { items: rows.map(view), nextCursor: null };
  }

  /** The webhook, when the caller may manage its workspace's webhooks (404 when they cannot see it). */
  private async owned(actor: Actor, id: string) {
    const w = await this.prisma.webhook.findUnique({ where: { id } });
    if (!w) throw AppError.notFound('Webhook');
    await this.policy.authorize(actor.id, { workspace: w.workspaceId }, 'workspace.webhooks.manage', 'Webhook');
    return w;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const hook = await this.owned(actor, id);
    await this.prisma.$transaction(async (tx) => {
      await tx.webhook.delete({ where: { id } });
      await recordAudit(tx, {
        workspaceId: hook.workspaceId,
        actorId: actor.id,
        action: 'webhook.deleted',
        target: { type: 'webhook', id },
        details: { url: hook.url, events: hook.events },
      });
    });
  }

  async deliveries(actor: Actor, id: string, limit = 50): Promise<{ items: WebhookDeliveryView[]; nextCursor: null }> {
    await this.owned(actor, id);
    const rows = await this.prisma.webhookDelivery.findMany({ where: { webhookId: id }, orderBy: { createdAt: 'desc' }, take: limit });
    return {
      items: rows.map((d) => ({
        id: d.id,
        event: d.event,
        status: d.status,
        attempts: d.attempts,
        responseStatus: d.responseStatus,
        error: d.lastError,
        createdAt: d.createdAt.toISOString(),
        nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
      })),
      nextCursor: null,
    };
  }

  /** Queues a delivery again, now (the receiver dedupes by its id, which stays the same). */
  async redeliver(actor: Actor, id: string, deliveryId: string): Promise<void> {
    await this.owned(actor, id);
    const done = await this.prisma.webhookDelivery.updateMany({
      where: { id: deliveryId, webhookId: id },
      data: { status: 'pending', nextAttemptAt: new Date(), lockedUntil: null },
    });
    if (done.count !== 1) throw AppError.notFound('Delivery');
  }
}
