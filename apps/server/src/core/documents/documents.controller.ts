import { Controller, Delete, Get, HttpCode, Patch, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CreateDocumentBody,
  DeleteDocumentQuery,
  DocumentContentQuery,
  DocumentListQuery,
  ImportDocumentBody,
  MoveDocumentBody,
  SaveVersionBody,
  ShareDocumentBody,
  ShareDocumentByEmailBody,
  UpdateDocumentBody,
} from '@tandem/protocol';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ApiJsonBody, ApiQueryFrom, IdParam, ValidBody, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { contentDisposition } from '../files/file-names.js';
import { DocumentHistoryService, type RenderedContent } from './document-history.service.js';
import { DocumentSharesService } from './document-shares.service.js';
import { DocumentZipExport } from './document-zip-export.js';
import { DocumentsService } from './documents.service.js';

const CONTENT_TYPES = {
  text: 'text/plain; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const;

function send(reply: FastifyReply, content: RenderedContent) {
  if (content.format === 'json') return content.body;
  reply.header('content-type', CONTENT_TYPES[content.format]);
  // An HTML export is a download, never a page that runs on the API's origin.
  if (content.format === 'html')
    reply.header('content-disposition', 'attachment; filename="document.html"').header('content-security-policy', 'sandbox');
  return content.body;
}

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1')
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly history: DocumentHistoryService,
    private readonly shares: DocumentSharesService,
    private readonly zipExport: DocumentZipExport,
  ) {}

  /** The document and its subtree as a zip of Markdown with their files, streamed. */
  @Get('documents/:id/export')
  async exportZip(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string, @Res() reply: FastifyReply) {
    const { fileName, stream } = await this.zipExport.prepare(actor, id);
    await reply
      .header('content-type', 'application/zip')
      .header('content-disposition', contentDisposition('attachment', fileName))
      .header('cache-control', 'no-store')
      .send(stream());
  }

  @Post('workspaces/:wid/documents')
  @ApiJsonBody(CreateDocumentBody)
  create(
    @CurrentUser() actor: Actor,
    @IdParam('wid', 'Workspace') wid: string,
    @ValidBody(CreateDocumentBody) body: z.infer<typeof CreateDocumentBody>,
  ) {
    return this.documents.create(actor, wid, body);
  }

  @Post('workspaces/:wid/documents/import')
  @ApiJsonBody(ImportDocumentBody)
  import(
    @CurrentUser() actor: Actor,
    @IdParam('wid', 'Workspace') wid: string,
    @ValidBody(ImportDocumentBody) body: z.infer<typeof ImportDocumentBody>,
  ) {
    return this.documents.importContent(actor, wid, body);
  }

  @Get('workspaces/:wid/documents')
  @ApiQueryFrom(DocumentListQuery)
  list(
    @CurrentUser() actor: Actor,
    @IdParam('wid', 'Workspace') wid: string,
    @ValidQuery(DocumentListQuery) q: z.infer<typeof DocumentListQuery>,
  ) {
    return this.documents.list(actor, wid, q.trashed === 'true');
  }

  @Get('documents/shared')
  sharedWithMe(@CurrentUser() actor: Actor) {
    return this.shares.sharedWith(actor);
  }

  @Get('documents/:id')
  get(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string) {
    return this.documents.get(actor, id);
  }

  @Patch('documents/:id')
  @ApiJsonBody(UpdateDocumentBody)
  rename(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Document') id: string,
    @ValidBody(UpdateDocumentBody) body: z.infer<typeof UpdateDocumentBody>,
  ) {
    return this.documents.rename(actor, id, body.title);
  }

  /** Moves to the trash; `?permanent=true` deletes for good (owners). */
  @Delete('documents/:id')
  @HttpCode(204)
  @ApiQueryFrom(DeleteDocumentQuery)
  async remove(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Document') id: string,
    @ValidQuery(DeleteDocumentQuery) q: z.infer<typeof DeleteDocumentQuery>,
  ) {
    if (q.permanent === 'true') await this.documents.purge(actor, id);
    else await this.documents.trash(actor, id);
  }

  @Post('documents/:id/restore')
  restore(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string) {
    return this.documents.restore(actor, id);
  }

  @Post('documents/:id/move')
  @ApiJsonBody(MoveDocumentBody)
  move(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Document') id: string,
    @ValidBody(MoveDocumentBody) body: z.infer<typeof MoveDocumentBody>,
  ) {
    return this.documents.move(actor, id, body);
  }

  @Get('documents/:id/content')
  @ApiQueryFrom(DocumentContentQuery)
  async content(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Document') id: string,
    @ValidQuery(DocumentContentQuery) q: z.infer<typeof DocumentContentQuery>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.history.content(actor, id, q.format));
  }

  @Get('documents/:id/history')
  versions(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string) {
    return this.history.versions(actor, id);
  }

  @Post('documents/:id/history')
  @ApiJsonBody(SaveVersionBody)
  saveVersion(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Document') id: string,
    @ValidBody(SaveVersionBody) body: z.infer<typeof SaveVersionBody>,
  ) {
    return this.history.saveNamed(actor, id, body.name);
  }

  @Get('documents/:id/history/:versionId/content')
  @ApiQueryFrom(DocumentContentQuery)
  async versionContent(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Document') id: string,
    @IdParam('versionId', 'Version') versionId: string,
    @ValidQuery(DocumentContentQuery) q: z.infer<typeof DocumentContentQuery>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.history.versionContent(actor, id, versionId, q.format));
  }

  @Post('documents/:id/history/:versionId/restore')
  restoreVersion(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string, @IdParam('versionId', 'Version') versionId: string) {
    return this.history.restore(actor, id, versionId);
  }

  @Get('documents/:id/shares')
  listShares(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string) {
    return this.shares.list(actor, id);
  }

  @Post('documents/:id/shares')
  @ApiJsonBody(ShareDocumentByEmailBody)
  shareByEmail(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Document') id: string,
    @ValidBody(ShareDocumentByEmailBody) body: z.infer<typeof ShareDocumentByEmailBody>,
  ) {
    return this.shares.putByEmail(actor, id, body.email, body.role);
  }

  @Put('documents/:id/shares/:userId')
  @ApiJsonBody(ShareDocumentBody)
  share(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Document') id: string,
    @IdParam('userId', 'User') userId: string,
    @ValidBody(ShareDocumentBody) body: z.infer<typeof ShareDocumentBody>,
  ) {
    return this.shares.put(actor, id, userId, body.role);
  }

  @Delete('documents/:id/shares/:userId')
  @HttpCode(204)
  async unshare(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string, @IdParam('userId', 'User') userId: string) {
    await this.shares.remove(actor, id, userId);
  }
}
