// GET /api/v1/workspaces/:id/audit (JSON pages) and /audit.csv (the same filters, streamed): owners only.
import { Readable } from 'node:stream';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuditFilterQuery, AuditQuery } from '@tandem/protocol';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ApiQueryFrom, IdParam, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/workspaces')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get(':id/audit')
  @ApiQueryFrom(AuditQuery)
  @ApiOperation({ summary: 'The workspace audit log, newest first (owners)' })
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Workspace') id: string, @ValidQuery(AuditQuery) q: z.infer<typeof AuditQuery>) {
    return this.audit.list(actor, id, q);
  }

  @Get(':id/audit.csv')
  @ApiQueryFrom(AuditFilterQuery)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The workspace audit log as CSV, newest first, with the same filters (owners)' })
  async csv(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Workspace') id: string,
    @ValidQuery(AuditFilterQuery) q: z.infer<typeof AuditFilterQuery>,
    @Res() reply: FastifyReply,
  ) {
    const lines = await this.audit.csv(actor, id, q);
    const day = new Date().toISOString().slice(0, 10);
    await reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="audit-${day}.csv"`)
      .header('Cache-Control', 'no-store')
      .send(Readable.from(lines));
  }
}
