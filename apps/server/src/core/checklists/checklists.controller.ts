import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreateChecklistItemBody, MoveChecklistItemBody, UpdateChecklistItemBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { ChecklistsService } from './checklists.service.js';

@ApiTags('checklists')
@ApiBearerAuth()
@Controller('api/v1')
export class ChecklistsController {
  constructor(private readonly checklists: ChecklistsService) {}

  @Get('tasks/:id/checklist')
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string) {
    return this.checklists.list(actor, id);
  }

  @Post('tasks/:id/checklist')
  @ApiJsonBody(CreateChecklistItemBody)
  add(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Task') id: string,
    @ValidBody(CreateChecklistItemBody) body: z.infer<typeof CreateChecklistItemBody>,
  ) {
    return this.checklists.add(actor, id, body.text);
  }

  @Patch('checklist/:itemId')
  @ApiJsonBody(UpdateChecklistItemBody)
  update(
    @CurrentUser() actor: Actor,
    @IdParam('itemId', 'Checklist item') itemId: string,
    @ValidBody(UpdateChecklistItemBody) body: z.infer<typeof UpdateChecklistItemBody>,
  ) {
    return this.checklists.update(actor, itemId, body);
  }

  @Post('checklist/:itemId/move')
  @HttpCode(200)
  @ApiJsonBody(MoveChecklistItemBody)
  move(
    @CurrentUser() actor: Actor,
    @IdParam('itemId', 'Checklist item') itemId: string,
    @ValidBody(MoveChecklistItemBody) body: z.infer<typeof MoveChecklistItemBody>,
  ) {
    return this.checklists.move(actor, itemId, body.afterId, body.beforeId);
  }

  @Delete('checklist/:itemId')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('itemId', 'Checklist item') itemId: string) {
    await this.checklists.remove(actor, itemId);
  }
}
