import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CompleteSprintBody, CreateSprintBody, UpdateSprintBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { SprintsService } from './sprints.service.js';

@ApiTags('sprints')
@ApiBearerAuth()
@Controller('api/v1')
export class SprintsController {
  constructor(private readonly sprints: SprintsService) {}

  @Get('projects/:id/sprints')
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Project') id: string) {
    return this.sprints.list(actor, id);
  }

  @Post('projects/:id/sprints')
  @ApiJsonBody(CreateSprintBody)
  create(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Project') id: string,
    @ValidBody(CreateSprintBody) body: z.infer<typeof CreateSprintBody>,
  ) {
    return this.sprints.create(actor, id, body);
  }

  @Get('sprints/:id')
  get(@CurrentUser() actor: Actor, @IdParam('id', 'Sprint') id: string) {
    return this.sprints.get(actor, id);
  }

  @Patch('sprints/:id')
  @ApiJsonBody(UpdateSprintBody)
  update(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Sprint') id: string,
    @ValidBody(UpdateSprintBody) body: z.infer<typeof UpdateSprintBody>,
  ) {
    return this.sprints.update(actor, id, body);
  }

  @Post('sprints/:id/start')
  @HttpCode(200)
  start(@CurrentUser() actor: Actor, @IdParam('id', 'Sprint') id: string) {
    return this.sprints.start(actor, id);
  }

  @Post('sprints/:id/complete')
  @HttpCode(200)
  @ApiJsonBody(CompleteSprintBody)
  complete(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Sprint') id: string,
    @ValidBody(CompleteSprintBody) body: z.infer<typeof CompleteSprintBody>,
  ) {
    return this.sprints.complete(actor, id, body.moveTo);
  }

  @Delete('sprints/:id')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('id', 'Sprint') id: string) {
    await this.sprints.remove(actor, id);
  }
}
