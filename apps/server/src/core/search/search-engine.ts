// One interface, two engines (PostgreSQL by default, Meilisearch when MEILI_URL is set). The caller's
// visibility is part of every request an engine runs (SearchScope), never a filter applied to its
// answer afterwards, so a page of results is never short.
import type { SearchKind, SearchResults } from '@tandem/protocol';
import type { QueryWord } from './search-text.js';

export interface SearchScope {
  userId: string;
  /** Workspaces whose content the caller reads as a member (live workspaces only). */
  workspaceIds: string[];
  /** Documents shared with the caller directly; everything under them is readable too. */
  sharedDocumentIds: string[];
}

export interface SearchRequest {
  scope: SearchScope;
  q: string;
  words: QueryWord[];
  kinds: SearchKind[] | null;
  projectId?: string;
  assigneeId?: string;
  status?: string;
  updatedSince?: Date;
  limit: number;
  offset: number;
}

export interface SearchEngine {
  readonly name: SearchResults['engine'];
  search(req: SearchRequest): Promise<SearchResults>;
}

export const SEARCH_ENGINE = Symbol('SearchEngine');
