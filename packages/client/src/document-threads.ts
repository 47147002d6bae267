// Comment threads on a document's text over REST.
import type { Page, ThreadCommentView, ThreadView } from '@tandem/protocol';
import type { Http } from './http.js';

export function documentThreadsApi(http: Http) {
  return {
    list: (documentId: string) => http.request<Page<ThreadView>>('GET', `/api/v1/documents/${documentId}/threads`),
    /** `anchor` holds two base64 Yjs relative positions: where the selection starts and ends. */
    create: (documentId: string, body: { anchor: { start: string; end: string }; quote: string; body: string }) =>
      http.request<ThreadView>('POST', `/api/v1/documents/${documentId}/threads`, { body }),
    reply: (threadId: string, body: string) =>
      http.request<ThreadCommentView>('POST', `/api/v1/document-threads/${threadId}/replies`, { body: { body } }),
    resolve: (threadId: string) => http.request<ThreadView>('POST', `/api/v1/document-threads/${threadId}/resolve`),
    reopen: (threadId: string) => http.request<ThreadView>('POST', `/api/v1/document-threads/${threadId}/reopen`),
  };
}
