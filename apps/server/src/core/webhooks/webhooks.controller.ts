import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateWebhookBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { WebhooksService } from './webhooks.service.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('workspaces/:id/webhooks')
  @ApiJsonBody(CreateWebhookBody)
  @ApiOperation({ summary: 'Creates a webhook (owners); the secret is in this answer only' })
  create(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Workspace') workspaceId: string,
    @ValidBody(CreateWebhookBody) body: z.infer<typeof CreateWebhookBody>,
  ) {
    return this.webhooks.create(actor, workspaceId, body);
  }

  @Get('workspaces/:id/webhooks')
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Workspace') workspaceId: string) {
    return this.webhooks.list(actor, workspaceId);
  }

  @Delete('webhooks/:id')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('id', 'Webhook') id: string) {
    await this.webhooks.remove(actor, id);
  }

  @Get('webhooks/:id/deliveries')
  @ApiOperation({ summary: 'The newest deliveries of a webhook: status, attempts, response code' })
  deliveries(@CurrentUser() actor: Actor, @IdParam('id', 'Webhook') id: string) {
    return this.webhooks.deliveries(actor, id);
  }

  @Post('webhooks/:id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sends a delivery again now' })
  async redeliver(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Webhook') id: string,
    @IdParam('deliveryId', 'Delivery') deliveryId: string,
  ) {
    await this.webhooks.redeliver(actor, id, deliveryId);
    return { accepted: true };
  }
}
