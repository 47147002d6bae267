import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreateStatusBody, DeleteStatusQuery, UpdateStatusBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { StatusesService } from './statuses.service.js';

@ApiTags('statuses')
@ApiBearerAuth()
@Controller('api/v1')
export class StatusesController {
  constructor(private readonly statuses: StatusesService) {}

  @Get('projects/:id/statuses')
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Project') id: string) {
    return this.statuses.list(actor, id);
  }

  @Post('projects/:id/statuses')
  @ApiJsonBody(CreateStatusBody)
  create(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Project') id: string,
    @ValidBody(CreateStatusBody) body: z.infer<typeof CreateStatusBody>,
  ) {
    return this.statuses.create(actor, id, body);
  }

  @Patch('statuses/:id')
  @ApiJsonBody(UpdateStatusBody)
  update(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Status') id: string,
    @ValidBody(UpdateStatusBody) body: z.infer<typeof UpdateStatusBody>,
  ) {
    return this.statuses.update(actor, id, body);
  }

  /** `?target=<statusId>` receives the tasks of the removed status. */
  @Delete('statuses/:id')
  @HttpCode(204)
  async remove(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Status') id: string,
    @ValidQuery(DeleteStatusQuery) query: z.infer<typeof DeleteStatusQuery>,
  ) {
    await this.statuses.remove(actor, id, query.target);
  }
}
