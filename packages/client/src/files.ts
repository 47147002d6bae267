// Files and attachments over REST. Uploads are multipart (`taskId`/`documentId` before `file`); in a
// browser, passing `onProgress` uses XMLHttpRequest for upload progress, and `signal` cancels.
import type { FileView, Page, TaskCoverView, WorkspaceStorageView } from '@tandem/protocol';
import { ApiError, type Http } from './http.js';

export type FileTarget = { taskId: string } | { documentId: string };

export interface UploadOptions {
  /** The name to store (defaults to the File's own name). */
  name?: string;
  /** Bytes sent so far and the total, as the upload goes. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

export function filesApi(http: Http) {
  const form = (target: FileTarget, file: Blob, name?: string) => {
    const body = new FormData();
    if ('taskId' in target) body.append('taskId', target.taskId);
    else body.append('documentId', target.documentId);
    body.append('file', file, name ?? (file as File).name ?? 'file');
    return body;
  };
  const viaXhr = (target: FileTarget, file: Blob, opts: UploadOptions) =>
    new Promise<FileView>((resolve, reject) => {
      const send = (retried: boolean) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', http.url('/api/v1/files'));
        if (http.tokens) xhr.setRequestHeader('authorization', `Bearer ${http.tokens.accessToken}`);
        xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.total || file.size);
        xhr.onload = async () => {
          if (xhr.status === 401 && !retried && (await http.refresh())) return send(true);
          const data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
          if (xhr.status >= 200 && xhr.status < 300) return resolve(data as FileView);
          reject(new ApiError(xhr.status, data?.error?.code ?? 'internal', data?.error?.message ?? xhr.statusText, data?.error?.details));
        };
        xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The upload was interrupted'));
        xhr.onabort = () => reject(new ApiError(0, 'network_error', 'Upload cancelled'));
        opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
        xhr.send(form(target, file, opts.name));
      };
      send(false);
    });
  return {
    upload: async (target: FileTarget, file: Blob, opts: UploadOptions = {}): Promise<FileView> => {
      if (opts.onProgress && typeof XMLHttpRequest !== 'undefined') return viaXhr(target, file, opts);
      const res = await http.fetchRaw('POST', '/api/v1/files', { body: form(target, file, opts.name), signal: opts.signal });
      opts.onProgress?.(file.size, file.size);
      return (await res.json()) as FileView;
    },
    forTask: (taskId: string) => http.request<Page<FileView>>('GET', `/api/v1/tasks/${taskId}/files`),
    forDocument: (documentId: string) => http.request<Page<FileView>>('GET', `/api/v1/documents/${documentId}/files`),
    /** The file's bytes (a Range header may ask for part of them). */
    download: (id: string, headers?: Record<string, string>) => http.fetchRaw('GET', `/api/v1/files/${id}`, { headers }),
    thumbnail: (id: string) => http.fetchRaw('GET', `/api/v1/files/${id}/thumbnail`),
    remove: (id: string) => http.request<void>('DELETE', `/api/v1/files/${id}`),
    covers: (projectId: string) => http.request<Page<TaskCoverView>>('GET', `/api/v1/projects/${projectId}/covers`),
    storage: (workspaceId: string) => http.request<WorkspaceStorageView>('GET', `/api/v1/workspaces/${workspaceId}/storage`),
    /** The route of a file's bytes (the `src` of document images). */
    path: (id: string) => `/api/v1/files/${id}`,
  };
}

export type FilesApi = ReturnType<typeof filesApi>;
