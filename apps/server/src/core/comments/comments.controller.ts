import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CommentBody, PageQuery } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, IdParam, ValidBody, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { CommentsService } from './comments.service.js';

@ApiTags('comments')
@ApiBearerAuth()
@Controller('api/v1')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get('tasks/:id/comments')
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string, @ValidQuery(PageQuery) page: z.infer<typeof PageQuery>) {
    return this.comments.list(actor, id, page.limit, page.cursor);
  }

  @Post('tasks/:id/comments')
  @ApiJsonBody(CommentBody)
  create(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string, @ValidBody(CommentBody) body: z.infer<typeof CommentBody>) {
    return this.comments.create(actor, id, body.body);
  }

  @Patch('comments/:id')
  @ApiJsonBody(CommentBody)
  update(@CurrentUser() actor: Actor, @IdParam('id', 'Comment') id: string, @ValidBody(CommentBody) body: z.infer<typeof CommentBody>) {
    return this.comments.update(actor, id, body.body);
  }

  @Delete('comments/:id')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('id', 'Comment') id: string) {
    await this.comments.remove(actor, id);
  }
}
