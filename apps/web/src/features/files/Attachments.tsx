// The task panel's attachments: drop or paste files (or pick them), each upload with its progress,
// cancel and retry; images as thumbnails that open a lightbox, other files as chips with size and
// type; "Looks like <file>" when an image is a near-duplicate of one already in the workspace.
import type { FileTarget } from '@tandem/client';
import type { FileView } from '@tandem/protocol';
import { type ClipboardEvent, type DragEvent, type ReactNode, useRef, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { client } from '../../api/session.js';
import { toast } from '../../ui/toast.js';
import { FileImage } from './FileImage.js';
import { downloadFile, fileKind, formatBytes, useLiveFiles, useTaskFiles } from './files-data.js';
import { Lightbox } from './Lightbox.js';
import { cancelUpload, dismissUpload, filesOf, retryUpload, startUpload, type Upload, useUploads } from './upload-queue.js';
import './files.css';

const TYPE_NAMES: Record<string, string> = {
  pdf: 'PDF',
  image: 'Image',
  media: 'Media',
  archive: 'Archive',
  text: 'Text',
  office: 'Document',
};

const carriesFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');

/** Wraps any area (the panel, the comment box) so files dropped or pasted on it are uploaded to `target`. */
export function FileDropZone({
  target,
  disabled,
  children,
  className,
}: {
  target: FileTarget;
  disabled?: boolean;
  children: ReactNode;
  className?: string;
}) {
  const [over, setOver] = useState(false);
  const accept = (files: File[]) => {
    for (const f of files) void startUpload(target, f);
  };
  if (disabled) return <div className={className}>{children}</div>;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop target; the same uploads are reachable with the "Attach files" button
    <div
      className={`file-drop ${over ? 'file-drop-over' : ''} ${className ?? ''}`}
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node)) setOver(false);
      }}
      onDrop={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        setOver(false);
        accept(filesOf(e.dataTransfer));
      }}
      onPaste={(e: ClipboardEvent) => {
        const files = filesOf(e.clipboardData);
        if (files.length === 0) return;
        e.preventDefault();
        accept(files);
      }}
    >
      {children}
      {over && <div className="file-drop-hint">Drop to attach</div>}
    </div>
  );
}

export function Attachments({ taskId, readOnly }: { taskId: string; readOnly: boolean }) {
  useLiveFiles();
  const target = { taskId };
  const { data: files = [], error } = useTaskFiles(taskId);
  const uploads = useUploads(target);
  const picker = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<number | null>(null);
  const images = files.filter((f) => f.thumbnail !== 'none' && f.thumbnail !== 'failed');
  const others = files.filter((f) => !images.includes(f));
  const remove = async (f: FileView) => {
    if (!confirm(`Delete ${f.name}?`)) return;
    try {
      await client.files.remove(f.id);
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  return (
    <section className="attachments" aria-label="Attachments">
      <h3>
        Attachments {files.length > 0 && <span className="count">{files.length}</span>}
        {!readOnly && (
          <button type="button" className="link" onClick={() => picker.current?.click()}>
            Attach files
          </button>
        )}
      </h3>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        aria-label="Choose files to attach"
        onChange={(e) => {
          for (const f of [...(e.target.files ?? [])]) void startUpload(target, f);
          e.target.value = '';
        }}
      />
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads in progress">
          {uploads.map((u) => (
            <UploadRow key={u.id} upload={u} />
          ))}
        </ul>
      )}
      {images.length > 0 && (
        <ul className="thumbs" aria-label="Images">
          {images.map((f) => (
            <li key={f.id} className="thumb">
              <button type="button" className="thumb-open" aria-label={`Preview ${f.name}`} onClick={() => setPreview(images.indexOf(f))}>
                {f.thumbnail === 'ready' ? (
                  <FileImage path={`${client.files.path(f.id)}/thumbnail`} alt={f.name} />
                ) : (
                  <span className="thumb-pending">{f.thumbnail === 'pending' ? 'Making preview…' : 'No preview'}</span>
                )}
              </button>
              <span className="thumb-name" title={f.name}>
                {f.name}
              </span>
              {f.duplicateOf && (
                <span className="duplicate-note" role="note">
                  Looks like {f.duplicateOf.name}
                </span>
              )}
              <FileActions file={f} readOnly={readOnly} onDelete={() => void remove(f)} />
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <ul className="file-chips" aria-label="Files">
          {others.map((f) => {
            const kind = fileKind(f.mime, f.name);
            return (
              <li key={f.id} className="file-chip">
                <span className={`file-icon file-icon-${kind.tone}`} aria-hidden="true">
                  {kind.label}
                </span>
                <button type="button" className="file-chip-name" title={`Download ${f.name}`} onClick={() => void downloadFile(f)}>
                  {f.name}
                </button>
                <span className="muted file-chip-meta">
                  {TYPE_NAMES[kind.tone] ?? 'File'} · {formatBytes(f.size)}
                </span>
                <FileActions file={f} readOnly={readOnly} onDelete={() => void remove(f)} />
              </li>
            );
          })}
        </ul>
      )}
      {files.length === 0 && uploads.length === 0 && (
        <p className="muted attachments-empty">
          {readOnly ? 'No attachments.' : 'Drop files here, paste an image, or use “Attach files”.'}
        </p>
      )}
      {preview !== null && <Lightbox files={images} index={preview} onIndex={setPreview} onClose={() => setPreview(null)} />}
    </section>
  );
}

function FileActions({ file, readOnly, onDelete }: { file: FileView; readOnly: boolean; onDelete: () => void }) {
  return (
    <span className="file-actions">
      <button
        type="button"
        className="icon-button"
        aria-label={`Download ${file.name}`}
        title="Download"
        onClick={() => void downloadFile(file)}
      >
        ⤓
      </button>
      {!readOnly && (
        <button type="button" className="icon-button" aria-label={`Delete ${file.name}`} title="Delete" onClick={onDelete}>
          ×
        </button>
      )}
    </span>
  );
}

function UploadRow({ upload }: { upload: Upload }) {
  const pct = upload.file.size ? Math.min(100, Math.round((upload.sent / upload.file.size) * 100)) : 0;
  return (
    <li className={`upload upload-${upload.state}`}>
      <span className="upload-name" title={upload.file.name}>
        {upload.file.name}
      </span>
      <span className="muted">{formatBytes(upload.file.size)}</span>
      {upload.state === 'uploading' ? (
        <>
          <progress max={100} value={pct} aria-label={`Uploading ${upload.file.name}`} />
          <button type="button" className="link" onClick={() => cancelUpload(upload.id)}>
            Cancel
          </button>
        </>
      ) : (
        <>
          <span className="form-error upload-error">{upload.error}</span>
          <button type="button" className="link" onClick={() => void retryUpload(upload.id)}>
            Retry
          </button>
          <button type="button" className="link" onClick={() => dismissUpload(upload.id)}>
            Dismiss
          </button>
        </>
      )}
    </li>
  );
}

/** A board card's cover image (the task's first image with a thumbnail). */
export function CardCover({ fileId, alt }: { fileId: string; alt: string }) {
  return <FileImage path={`${client.files.path(fileId)}/thumbnail`} alt={alt} className="card-cover" />;
}
