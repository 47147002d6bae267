import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { SaveTemplateBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { DocumentTemplatesService } from './document-templates.service.js';

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1')
export class DocumentTemplatesController {
  constructor(private readonly templates: DocumentTemplatesService) {}

  @Post('workspaces/:wid/templates')
  @ApiJsonBody(SaveTemplateBody)
  save(
    @CurrentUser() actor: Actor,
    @IdParam('wid', 'Workspace') wid: string,
    @ValidBody(SaveTemplateBody) body: z.infer<typeof SaveTemplateBody>,
  ) {
    return this.templates.save(actor, wid, body);
  }

  @Get('workspaces/:wid/templates')
  list(@CurrentUser() actor: Actor, @IdParam('wid', 'Workspace') wid: string) {
    return this.templates.list(actor, wid);
  }

  @Delete('templates/:id')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('id', 'Template') id: string) {
    await this.templates.remove(actor, id);
  }
}
