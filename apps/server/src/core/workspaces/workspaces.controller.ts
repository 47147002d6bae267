import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AddMemberBody, CreateWorkspaceBody, UpdateMemberBody, UpdateWorkspaceBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { InvitationsService } from '../invitations/invitations.service.js';
import { WorkspacesService } from './workspaces.service.js';

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('api/v1/workspaces')
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly invitations: InvitationsService,
  ) {}

  @Post()
  @ApiJsonBody(CreateWorkspaceBody)
  create(@CurrentUser() actor: Actor, @ValidBody(CreateWorkspaceBody) body: z.infer<typeof CreateWorkspaceBody>) {
    return this.workspaces.create(actor, body.name);
  }

  @Get()
  list(@CurrentUser() actor: Actor) {
    return this.workspaces.list(actor);
  }

  @Get(':id')
  get(@CurrentUser() actor: Actor, @IdParam('id', 'Workspace') id: string) {
    return this.workspaces.get(actor, id);
  }

  @Patch(':id')
  @ApiJsonBody(UpdateWorkspaceBody)
  update(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Workspace') id: string,
    @ValidBody(UpdateWorkspaceBody) body: z.infer<typeof UpdateWorkspaceBody>,
  ) {
    return this.workspaces.rename(actor, id, body.name);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('id', 'Workspace') id: string) {
    await this.workspaces.remove(actor, id);
  }

  @Get(':id/members')
  members(@CurrentUser() actor: Actor, @IdParam('id', 'Workspace') id: string) {
    return this.workspaces.members(actor, id);
  }

  /** Invites an existing account (404 when none uses the email): joining is theirs to accept. */
  @Post(':id/members')
  @ApiJsonBody(AddMemberBody)
  addMember(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Workspace') id: string,
    @ValidBody(AddMemberBody) body: z.infer<typeof AddMemberBody>,
  ) {
    return this.invitations.inviteExisting(actor, id, body.email, body.role);
  }

  @Patch(':id/members/:userId')
  @ApiJsonBody(UpdateMemberBody)
  updateMember(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Workspace') id: string,
    @IdParam('userId', 'Member') userId: string,
    @ValidBody(UpdateMemberBody) body: z.infer<typeof UpdateMemberBody>,
  ) {
    return this.workspaces.updateMember(actor, id, userId, body.role);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  async removeMember(@CurrentUser() actor: Actor, @IdParam('id', 'Workspace') id: string, @IdParam('userId', 'Member') userId: string) {
    await this.workspaces.removeMember(actor, id, userId);
  }
}
