import { Module } from '@nestjs/common';
import { CollabGateway } from './collab.gateway.js';
import { CollabMetrics } from './collab-metrics.js';
import { DocumentStore } from './document-store.js';
import { DocumentUpdateLog } from './document-update-log.js';
import { OpenDocuments } from './open-documents.js';

@Module({
  providers: [CollabMetrics, DocumentUpdateLog, DocumentStore, OpenDocuments, CollabGateway],
  exports: [OpenDocuments, DocumentStore, DocumentUpdateLog],
})
export class CollabModule {}
