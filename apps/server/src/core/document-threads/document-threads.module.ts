import { Module } from '@nestjs/common';
import { DocumentThreadsController } from './document-threads.controller.js';
import { DocumentThreadsService } from './document-threads.service.js';

@Module({
  controllers: [DocumentThreadsController],
  providers: [DocumentThreadsService],
})
export class DocumentThreadsModule {}
