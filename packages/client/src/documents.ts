// Documents (knowledge base) over REST.
import type {
  DocumentShareView,
  DocumentTemplateView,
  DocumentVersionView,
  DocumentView,
  Page,
  ProseMirrorNode,
  Role,
  SharedDocumentView,
} from '@tandem/protocol';
import { type CreateOptions, createHeaders, type Http } from './http.js';

type Placement = { parentId?: string | null; projectId?: string | null };
/** A new document, optionally starting with a copy of a template of its workspace. */
type NewDocument = { title: string; templateId?: string } & Placement;

export function documentsApi(http: Http) {
  const content = (path: string, format: 'text' | 'markdown' | 'html' | 'json') =>
    format === 'json'
      ? http.request<ProseMirrorNode>('GET', path, { query: { format } })
      : http.request<string>('GET', path, { query: { format } });
  return {
    create: (workspaceId: string, body: NewDocument, opts?: CreateOptions) =>
      http.request<DocumentView>('POST', `/api/v1/workspaces/${workspaceId}/documents`, { body, headers: createHeaders(opts) }),
    importMarkdown: (workspaceId: string, body: { title: string; markdown: string } & Placement) =>
      http.request<DocumentView>('POST', `/api/v1/workspaces/${workspaceId}/documents/import`, { body }),
    /** A new document from HTML: only what the editor can hold is kept (no scripts, no handlers). */
    importHtml: (workspaceId: string, body: { title: string; html: string } & Placement) =>
      http.request<DocumentView>('POST', `/api/v1/workspaces/${workspaceId}/documents/import`, { body }),
    list: (workspaceId: string, opts: { trashed?: boolean } = {}) =>
      http.request<Page<DocumentView>>('GET', `/api/v1/workspaces/${workspaceId}/documents`, { query: { trashed: opts.trashed } }),
    get: (id: string) => http.request<DocumentView & { role: Role }>('GET', `/api/v1/documents/${id}`),
    /** Documents shared directly with the caller, and everything under them. */
    sharedWithMe: () => http.request<Page<SharedDocumentView>>('GET', '/api/v1/documents/shared'),
    rename: (id: string, title: string) => http.request<DocumentView>('PATCH', `/api/v1/documents/${id}`, { body: { title } }),
    move: (id: string, body: { parentId: string | null; afterId?: string; beforeId?: string }) =>
      http.request<DocumentView>('POST', `/api/v1/documents/${id}/move`, { body }),
    trash: (id: string) => http.request<void>('DELETE', `/api/v1/documents/${id}`),
    purge: (id: string) => http.request<void>('DELETE', `/api/v1/documents/${id}`, { query: { permanent: true } }),
    restore: (id: string) => http.request<DocumentView>('POST', `/api/v1/documents/${id}/restore`),
    content: ((id: string, format: 'text' | 'markdown' | 'html' | 'json' = 'json') =>
      content(`/api/v1/documents/${id}/content`, format)) as {
      (id: string, format: 'text' | 'markdown' | 'html'): Promise<string>;
      (id: string, format?: 'json'): Promise<ProseMirrorNode>;
    },
    history: (id: string) => http.request<Page<DocumentVersionView>>('GET', `/api/v1/documents/${id}/history`),
    /** "Save version": the document as it is now, kept in its history under `name`. */
    saveVersion: (id: string, body: { name: string }) =>
      http.request<DocumentVersionView>('POST', `/api/v1/documents/${id}/history`, { body }),
    versionContent: (id: string, versionId: string, format: 'text' | 'markdown' = 'text') =>
      http.request<string>('GET', `/api/v1/documents/${id}/history/${versionId}/content`, { query: { format } }),
    restoreVersion: (id: string, versionId: string) =>
      http.request<DocumentView>('POST', `/api/v1/documents/${id}/history/${versionId}/restore`),
    shares: (id: string) => http.request<Page<DocumentShareView>>('GET', `/api/v1/documents/${id}/shares`),
    share: (id: string, userId: string, role: Role) =>
      http.request<DocumentShareView>('PUT', `/api/v1/documents/${id}/shares/${userId}`, { body: { role } }),
    /** Shares with whoever signed up with `email` (404 when nobody has). */
    shareByEmail: (id: string, email: string, role: Role) =>
      http.request<DocumentShareView>('POST', `/api/v1/documents/${id}/shares`, { body: { email, role } }),
    unshare: (id: string, userId: string) => http.request<void>('DELETE', `/api/v1/documents/${id}/shares/${userId}`),
    /** The document and its subtree as a zip of Markdown with their files (the response, to stream). */
    exportZip: (id: string) => http.fetchRaw('GET', `/api/v1/documents/${id}/export`),
    templates: {
      list: (workspaceId: string) => http.request<Page<DocumentTemplateView>>('GET', `/api/v1/workspaces/${workspaceId}/templates`),
      /** Saves the document's content as it is now as a template of its workspace. */
      save: (workspaceId: string, body: { documentId: string; title?: string }) =>
        http.request<DocumentTemplateView>('POST', `/api/v1/workspaces/${workspaceId}/templates`, { body }),
      remove: (id: string) => http.request<void>('DELETE', `/api/v1/templates/${id}`),
    },
  };
}
