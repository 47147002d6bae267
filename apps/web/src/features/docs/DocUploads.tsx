// The document's uploads in progress (dropped or pasted into the editor): progress, cancel, retry.
// A retried upload lands at the end of the document.
import type { Editor } from '@tiptap/core';
import { formatBytes } from '../files/files-data.js';
import { cancelUpload, dismissUpload, retryUpload, useUploads } from '../files/upload-queue.js';
import { insertStoredFile } from './extensions/file-image.js';

export function DocUploads({ documentId, editor }: { documentId: string; editor: Editor | null }) {
  const uploads = useUploads({ documentId });
  if (uploads.length === 0) return null;
  return (
    <ul className="uploads doc-uploads" aria-label="Uploads in progress">
      {uploads.map((u) => (
        <li key={u.id} className={`upload upload-${u.state}`}>
          <span className="upload-name" title={u.file.name}>
            {u.file.name}
          </span>
          <span className="muted">{formatBytes(u.file.size)}</span>
          {u.state === 'uploading' ? (
            <>
              <progress
                max={100}
                value={u.file.size ? Math.round((u.sent / u.file.size) * 100) : 0}
                aria-label={`Uploading ${u.file.name}`}
              />
              <button type="button" className="link" onClick={() => cancelUpload(u.id)}>
                Cancel
              </button>
            </>
          ) : (
            <>
              <span className="form-error upload-error">{u.error}</span>
              <button
                type="button"
                className="link"
                onClick={() =>
                  void retryUpload(u.id).then((stored) => {
                    if (stored && editor && !editor.isDestroyed) insertStoredFile(editor.view, stored, editor.state.doc.content.size);
                  })
                }
              >
                Retry
              </button>
              <button type="button" className="link" onClick={() => dismissUpload(u.id)}>
                Dismiss
              </button>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
