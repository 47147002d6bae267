// Search and backlinks over REST.
import type { BacklinkView, Page, SearchKind, SearchResults } from '@tandem/protocol';
import type { Http } from './http.js';

export interface SearchParams {
  q: string;
  workspaceId?: string;
  /** One kind or several. */
  type?: SearchKind | SearchKind[];
  projectId?: string;
  assigneeId?: string;
  /** A status name, case-insensitive. */
  status?: string;
  /** ISO date or date-time. */
  updatedSince?: string;
  limit?: number;
  cursor?: string;
}

export function searchApi(http: Http) {
  return {
    /** Tasks, documents, comments and files the caller may read, best first. */
    query: (params: SearchParams) =>
      http.request<SearchResults>('GET', '/api/v1/search', {
        query: { ...params, type: Array.isArray(params.type) ? params.type.join(',') : params.type },
      }),
    /** Documents whose content links to this document (only those the caller may read). */
    documentBacklinks: (documentId: string) => http.request<Page<BacklinkView>>('GET', `/api/v1/documents/${documentId}/backlinks`),
    /** Documents whose content refers to this task (a chip or its key). */
    taskBacklinks: (taskId: string) => http.request<Page<BacklinkView>>('GET', `/api/v1/tasks/${taskId}/backlinks`),
  };
}

export type SearchApi = ReturnType<typeof searchApi>;
