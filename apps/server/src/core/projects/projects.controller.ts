import { Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreateProjectBody, ProjectListQuery, ProjectMemberBody, UpdateProjectBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { ProjectMembersService } from './project-members.service.js';
import { ProjectsService } from './projects.service.js';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('api/v1')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly members: ProjectMembersService,
  ) {}

  @Post('workspaces/:id/projects')
  @ApiJsonBody(CreateProjectBody)
  create(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Workspace') id: string,
    @ValidBody(CreateProjectBody) body: z.infer<typeof CreateProjectBody>,
  ) {
    return this.projects.create(actor, id, body);
  }

  @Get('workspaces/:id/projects')
  list(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Workspace') id: string,
    @ValidQuery(ProjectListQuery) query: z.infer<typeof ProjectListQuery>,
  ) {
    return this.projects.list(actor, id, query.archived === 'true');
  }

  @Get('projects/:id')
  get(@CurrentUser() actor: Actor, @IdParam('id', 'Project') id: string) {
    return this.projects.get(actor, id);
  }

  @Patch('projects/:id')
  @ApiJsonBody(UpdateProjectBody)
  update(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Project') id: string,
    @ValidBody(UpdateProjectBody) body: z.infer<typeof UpdateProjectBody>,
  ) {
    return this.projects.update(actor, id, body);
  }

  @Delete('projects/:id')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('id', 'Project') id: string) {
    await this.projects.remove(actor, id);
  }

  @Get('projects/:id/members')
  listMembers(@CurrentUser() actor: Actor, @IdParam('id', 'Project') id: string) {
    return this.members.list(actor, id);
  }

  @Put('projects/:id/members/:userId')
  @ApiJsonBody(ProjectMemberBody)
  setMember(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Project') id: string,
    @IdParam('userId', 'Member') userId: string,
    @ValidBody(ProjectMemberBody) body: z.infer<typeof ProjectMemberBody>,
  ) {
    return this.members.set(actor, id, userId, body.role);
  }

  @Delete('projects/:id/members/:userId')
  @HttpCode(204)
  async clearMember(@CurrentUser() actor: Actor, @IdParam('id', 'Project') id: string, @IdParam('userId', 'Member') userId: string) {
    await this.members.clear(actor, id, userId);
  }
}
