import { Module } from '@nestjs/common';
import { CollabModule } from '../collab/collab.module.js';
import { BacklinksService } from './backlinks.service.js';
import { DocumentIndexer } from './document-indexer.js';
import { DocumentMentions } from './document-mentions.js';
import { PostgresSearch } from './postgres-search.js';
import { SearchController } from './search.controller.js';
import { SearchService } from './search.service.js';
import { SearchEngines } from './search-engines.js';

@Module({
  imports: [CollabModule],
  controllers: [SearchController],
  providers: [PostgresSearch, SearchEngines, SearchService, BacklinksService, DocumentMentions, DocumentIndexer],
  exports: [SearchEngines, DocumentIndexer],
})
export class SearchModule {}
