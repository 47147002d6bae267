import { Module } from '@nestjs/common';
import { CollabModule } from '../collab/collab.module.js';
import { DocumentHistoryService } from './document-history.service.js';
import { DocumentSharesService } from './document-shares.service.js';
import { DocumentTemplatesController } from './document-templates.controller.js';
import { DocumentTemplatesService } from './document-templates.service.js';
import { DocumentZipExport } from './document-zip-export.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';

@Module({
  imports: [CollabModule],
  controllers: [DocumentsController, DocumentTemplatesController],
  providers: [DocumentsService, DocumentHistoryService, DocumentSharesService, DocumentTemplatesService, DocumentZipExport],
  exports: [DocumentsService],
})
export class DocumentsModule {}
