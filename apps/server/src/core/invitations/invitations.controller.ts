import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import { CreateInvitationBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody } from '../../base/http/validation.js';
import { type Actor, CurrentUser, Public } from '../auth/current-user.js';
import { InvitationsService } from './invitations.service.js';

@ApiTags('invitations')
@ApiBearerAuth()
@Controller('api/v1')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post('workspaces/:id/invitations')
  @ApiJsonBody(CreateInvitationBody)
  create(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Workspace') id: string,
    @ValidBody(CreateInvitationBody) body: z.infer<typeof CreateInvitationBody>,
  ) {
    return this.invitations.create(actor, id, body);
  }

  @Get('workspaces/:id/invitations')
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Workspace') id: string) {
    return this.invitations.list(actor, id);
  }

  @Delete('invitations/:id')
  @HttpCode(204)
  async revoke(@CurrentUser() actor: Actor, @IdParam('id', 'Invitation') id: string) {
    await this.invitations.revoke(actor, id);
  }

  /** What the invitation page shows before anyone signs in. */
  @Public()
  @Get('invitations/:token')
  @ApiParam({ name: 'token', type: String })
  preview(@Param('token') token: string) {
    return this.invitations.preview(token);
  }

  @Post('invitations/:token/accept')
  @HttpCode(200)
  @ApiParam({ name: 'token', type: String })
  accept(@CurrentUser() actor: Actor, @Param('token') token: string) {
    return this.invitations.accept(actor, token);
  }

  /** Invitations waiting for me (an owner added my account, or invited my verified address). */
  @Get('me/invitations')
  mine(@CurrentUser() actor: Actor) {
    return this.invitations.pendingFor(actor);
  }

  @Post('me/invitations/:id/accept')
  @HttpCode(200)
  acceptMine(@CurrentUser() actor: Actor, @IdParam('id', 'Invitation') id: string) {
    return this.invitations.acceptPending(actor, id);
  }

  @Delete('me/invitations/:id')
  @HttpCode(204)
  async decline(@CurrentUser() actor: Actor, @IdParam('id', 'Invitation') id: string) {
    await this.invitations.declinePending(actor, id);
  }
}
