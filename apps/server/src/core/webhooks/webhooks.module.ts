// Webhooks: per-workspace subscriptions, the outbox (filled by a database trigger in the same
// transaction as each activity entry) and its delivery worker.
import { Module } from '@nestjs/common';
import { WebhookDeliveryWorker } from './webhook-delivery-worker.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

@Module({ controllers: [WebhooksController], providers: [WebhooksService, WebhookDeliveryWorker] })
export class WebhooksModule {}
