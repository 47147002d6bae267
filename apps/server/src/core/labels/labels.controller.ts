import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreateLabelBody, UpdateLabelBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { LabelsService } from './labels.service.js';

@ApiTags('labels')
@ApiBearerAuth()
@Controller('api/v1')
export class LabelsController {
  constructor(private readonly labels: LabelsService) {}

  @Get('workspaces/:id/labels')
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Workspace') id: string) {
    return this.labels.list(actor, id);
  }

  @Post('workspaces/:id/labels')
  @ApiJsonBody(CreateLabelBody)
  create(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Workspace') id: string,
    @ValidBody(CreateLabelBody) body: z.infer<typeof CreateLabelBody>,
  ) {
    return this.labels.create(actor, id, body);
  }

  @Patch('labels/:id')
  @ApiJsonBody(UpdateLabelBody)
  update(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Label') id: string,
    @ValidBody(UpdateLabelBody) body: z.infer<typeof UpdateLabelBody>,
  ) {
    return this.labels.update(actor, id, body);
  }

  @Delete('labels/:id')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('id', 'Label') id: string) {
    await this.labels.remove(actor, id);
  }
}
