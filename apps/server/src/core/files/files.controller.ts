import { Controller, Delete, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../base/errors/app-error.js';
import { IdParam } from '../../base/http/validation.js';
import { ObjectStorage } from '../../base/storage/object-storage.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { sendStored } from './file-response.js';
import { FileUploader } from './file-uploader.js';
import { FilesService } from './files.service.js';

@ApiTags('files')
@ApiBearerAuth()
@Controller('api/v1')
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly uploader: FileUploader,
    private readonly storage: ObjectStorage,
  ) {}

  /** Multipart: `taskId` or `documentId` (as a field before the file, or in the query), then `file`. */
  @Post('files')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiQuery({ name: 'taskId', required: false, type: String })
  @ApiQuery({ name: 'documentId', required: false, type: String })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { taskId: { type: 'string' }, documentId: { type: 'string' }, file: { type: 'string', format: 'binary' } },
    },
  })
  upload(
    @CurrentUser() actor: Actor,
    @Req() req: FastifyRequest,
    @Query('taskId') taskId?: string,
    @Query('documentId') documentId?: string,
  ) {
    return this.uploader.upload(actor, req, {
      ...(typeof taskId === 'string' ? { taskId } : {}),
      ...(typeof documentId === 'string' ? { documentId } : {}),
    });
  }

  @Get('files/:id')
  async download(@CurrentUser() actor: Actor, @IdParam('id', 'File') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const { file } = await this.files.find(actor, id);
    await sendStored(req, reply, this.storage, {
      key: file.storageKey,
      size: Number(file.size),
      mime: file.mime,
      name: file.name,
      etag: file.sha256,
    });
  }

  @Get('files/:id/thumbnail')
  async thumbnail(@CurrentUser() actor: Actor, @IdParam('id', 'File') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const { file } = await this.files.find(actor, id);
    const stat = file.thumbnail === 'ready' && file.thumbnailKey ? await this.storage.stat(file.thumbnailKey) : null;
    if (!stat || !file.thumbnailKey) throw AppError.notFound('Thumbnail');
    await sendStored(req, reply, this.storage, {
      key: file.thumbnailKey,
      size: stat.size,
      mime: 'image/webp',
      name: `${file.name.replace(/\.[^.]*$/, '')}.webp`,
      etag: `t-${file.sha256}`,
    });
  }

  @Delete('files/:id')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('id', 'File') id: string) {
    await this.files.remove(actor, id);
  }

  @Get('tasks/:id/files')
  forTask(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string) {
    return this.files.listForTask(actor, id);
  }

  @Get('documents/:id/files')
  forDocument(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string) {
    return this.files.listForDocument(actor, id);
  }

  /** Board covers: each task's first image with a thumbnail. */
  @Get('projects/:id/covers')
  covers(@CurrentUser() actor: Actor, @IdParam('id', 'Project') id: string) {
    return this.files.covers(actor, id);
  }

  /** Bytes used by the workspace's files, and its quota. */
  @Get('workspaces/:id/storage')
  usage(@CurrentUser() actor: Actor, @IdParam('id', 'Workspace') id: string) {
    return this.files.usage(actor, id);
  }
}
