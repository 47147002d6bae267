// Files in the web client: query keys and hooks, the live file events (the rooms the screens
// already join carry file.created / file.updated / file.deleted), and authenticated image URLs
// (images need the Authorization header, so they are fetched as blobs and shown as object URLs).
import type { FileView } from '@tandem/protocol';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { client } from '../../api/session.js';
import { realtime } from '../../realtime/socket.js';

export const fileKeys = {
  task: (taskId: string) => ['files', 'task', taskId] as const,
  document: (documentId: string) => ['files', 'document', documentId] as const,
  covers: (projectId: string) => ['files', 'covers', projectId] as const,
  storage: (workspaceId: string) => ['files', 'storage', workspaceId] as const,
};

export const useTaskFiles = (taskId: string) =>
  useQuery({ queryKey: fileKeys.task(taskId), queryFn: async () => (await client.files.forTask(taskId)).items });

export const useCovers = (projectId: string) =>
  useQuery({
    queryKey: fileKeys.covers(projectId),
    // A plain object, not a Map: the query cache is saved to IndexedDB as JSON and read back on start.
    queryFn: async (): Promise<Record<string, string>> =>
      Object.fromEntries((await client.files.covers(projectId)).items.map((c) => [c.taskId, c.fileId])),
  });

export const useStorageUsage = (workspaceId: string) =>
  useQuery({ queryKey: fileKeys.storage(workspaceId), queryFn: () => client.files.storage(workspaceId) });

function onFileEvent(qc: QueryClient, data: Partial<FileView> & { id?: string }) {
  if (data.taskId) void qc.invalidateQueries({ queryKey: fileKeys.task(data.taskId) });
  if (data.documentId) void qc.invalidateQueries({ queryKey: fileKeys.document(data.documentId) });
  void qc.invalidateQueries({ queryKey: ['files', 'covers'] });
  if (data.workspaceId) void qc.invalidateQueries({ queryKey: fileKeys.storage(data.workspaceId) });
}

/** Keeps file lists, covers and storage figures live while the calling screen is mounted. */
export function useLiveFiles() {
  const qc = useQueryClient();
  useEffect(
    () =>
      realtime.onFrame((frame) => {
        if (frame.t === 'event' && frame.type.startsWith('file.')) onFileEvent(qc, (frame.data ?? {}) as Partial<FileView>);
      }),
    [qc],
  );
}

/** One object URL per file route, shared by every image showing it, fetched once. */
const blobUrls = new Map<string, Promise<string>>();

export function fileBlobUrl(path: string): Promise<string> {
  let p = blobUrls.get(path);
  if (!p) {
    p = client.http
      .fetchRaw('GET', path)
      .then(async (res) => URL.createObjectURL(await res.blob()))
      .catch((err) => {
        blobUrls.delete(path);
        throw err;
      });
    blobUrls.set(path, p);
  }
  return p;
}

/** An object URL for a file route (null while loading or when it cannot be read). */
export function useFileUrl(path: string | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setUrl(null);
    if (path)
      fileBlobUrl(path).then(
        (u) => live && setUrl(u),
        () => live && setUrl(null),
      );
    return () => {
      live = false;
    };
  }, [path]);
  return url;
}

export async function downloadFile(file: { id: string; name: string }) {
  const url = await fileBlobUrl(client.files.path(file.id));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.click();
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** A short type label and a colour family for a file chip's badge. */
export function fileKind(mime: string, name: string): { tone: string; label: string } {
  const ext = name.includes('.') ? name.split('.').pop()!.toUpperCase().slice(0, 4) : '';
  if (mime.startsWith('image/')) return { tone: 'image', label: ext || 'IMG' };
  if (mime === 'application/pdf') return { tone: 'pdf', label: 'PDF' };
  if (mime.startsWith('video/')) return { tone: 'media', label: ext || 'VID' };
  if (mime.startsWith('audio/')) return { tone: 'media', label: ext || 'AUD' };
  if (/zip|compressed|x-tar|gzip|x-7z|x-rar/.test(mime)) return { tone: 'archive', label: ext || 'ZIP' };
  if (mime.startsWith('text/')) return { tone: 'text', label: ext || 'TXT' };
  if (/officedocument|msword|ms-excel|ms-powerpoint|opendocument/.test(mime)) return { tone: 'office', label: ext || 'DOC' };
  return { tone: 'other', label: ext || 'FILE' };
}
