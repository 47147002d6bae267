// Uploads in progress, per target (a task or a document): each with its progress, and cancel and
// retry. A small external store so the task panel, the comment box and the editor share one list.
import { ApiError, type FileTarget } from '@tandem/client';
import type { FileView } from '@tandem/protocol';
import { useSyncExternalStore } from 'react';
import { errorMessage } from '../../api/errors.js';
import { client } from '../../api/session.js';

export interface Upload {
  id: string;
  target: FileTarget;
  file: File;
  sent: number;
  state: 'uploading' | 'failed' | 'cancelled';
  error?: string;
  abort: AbortController;
}

let uploads: Upload[] = [];
const listeners = new Set<() => void>();
const changed = () => {
  uploads = [...uploads];
  for (const l of listeners) l();
};
const targetKey = (t: FileTarget) => ('taskId' in t ? `task:${t.taskId}` : `document:${t.documentId}`);
let counter = 0;

/** Starts uploading `file`; resolves with the stored file, or null when it failed or was cancelled. */
export function startUpload(target: FileTarget, file: File): Promise<FileView | null> {
  const up: Upload = { id: `up-${++counter}`, target, file, sent: 0, state: 'uploading', abort: new AbortController() };
  uploads.push(up);
  changed();
  return run(up);
}

async function run(up: Upload): Promise<FileView | null> {
  try {
    const stored = await client.files.upload(up.target, up.file, {
      signal: up.abort.signal,
      onProgress: (sent) => {
        up.sent = sent;
        changed();
      },
    });
    uploads = uploads.filter((u) => u !== up);
    changed();
    return stored;
  } catch (err) {
    if (up.abort.signal.aborted) {
      uploads = uploads.filter((u) => u !== up);
    } else {
      up.state = 'failed';
      up.error =
        err instanceof ApiError && err.code === 'network_error'
          ? 'The upload was interrupted. Retry when the connection is back.'
          : errorMessage(err);
    }
    changed();
    return null;
  }
}

export function cancelUpload(id: string) {
  uploads.find((u) => u.id === id)?.abort.abort();
}

export function retryUpload(id: string): Promise<FileView | null> {
  const up = uploads.find((u) => u.id === id);
  if (!up) return Promise.resolve(null);
  up.state = 'uploading';
  up.sent = 0;
  up.error = undefined;
  up.abort = new AbortController();
  changed();
  return run(up);
}

export function dismissUpload(id: string) {
  uploads = uploads.filter((u) => u.id !== id);
  changed();
}

export function useUploads(target: FileTarget): Upload[] {
  const key = targetKey(target);
  const all = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => uploads,
  );
  return all.filter((u) => targetKey(u.target) === key);
}

/** Files carried by a drop or a paste (images pasted from the clipboard get a name). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = [...data.files];
  return files.map((f, i) =>
    f.name && f.name !== 'image.png'
      ? f
      : new File([f], `pasted-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}-${i + 1}.${f.type.split('/')[1] ?? 'bin'}`, {
          type: f.type,
        }),
  );
}
