import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreateThreadBody, ThreadReplyBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { DocumentThreadsService } from './document-threads.service.js';

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1')
export class DocumentThreadsController {
  constructor(private readonly threads: DocumentThreadsService) {}

  @Get('documents/:id/threads')
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string) {
    return this.threads.list(actor, id);
  }

  @Post('documents/:id/threads')
  @ApiJsonBody(CreateThreadBody)
  create(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Document') id: string,
    @ValidBody(CreateThreadBody) body: z.infer<typeof CreateThreadBody>,
  ) {
    return this.threads.create(actor, id, body);
  }

  @Post('document-threads/:id/replies')
  @ApiJsonBody(ThreadReplyBody)
  reply(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Thread') id: string,
    @ValidBody(ThreadReplyBody) body: z.infer<typeof ThreadReplyBody>,
  ) {
    return this.threads.reply(actor, id, body.body);
  }

  @Post('document-threads/:id/resolve')
  @HttpCode(200)
  resolve(@CurrentUser() actor: Actor, @IdParam('id', 'Thread') id: string) {
    return this.threads.setResolved(actor, id, true);
  }

  @Post('document-threads/:id/reopen')
  @HttpCode(200)
  reopen(@CurrentUser() actor: Actor, @IdParam('id', 'Thread') id: string) {
    return this.threads.setResolved(actor, id, false);
  }
}
