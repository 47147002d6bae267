import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { SearchQuery } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiQueryFrom, IdParam, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { BacklinksService } from './backlinks.service.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@ApiBearerAuth()
@Controller('api/v1')
export class SearchController {
  constructor(
    private readonly searchService: SearchService,
    private readonly backlinks: BacklinksService,
  ) {}

  @Get('search')
  @Header('cache-control', 'no-store')
  @ApiQueryFrom(SearchQuery)
  search(@CurrentUser() actor: Actor, @ValidQuery(SearchQuery) query: z.infer<typeof SearchQuery>) {
    return this.searchService.search(actor, query);
  }

  @Get('documents/:id/backlinks')
  documentBacklinks(@CurrentUser() actor: Actor, @IdParam('id', 'Document') id: string) {
    return this.backlinks.forDocument(actor, id);
  }

  @Get('tasks/:id/backlinks')
  taskBacklinks(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string) {
    return this.backlinks.forTask(actor, id);
  }
}
