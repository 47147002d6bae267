// Full-size preview of an image attachment: Escape or a click outside closes it; arrows step through.
import type { FileView } from '@tandem/protocol';
import { useEffect } from 'react';
import { client } from '../../api/session.js';
import { FileImage } from './FileImage.js';
import { downloadFile, formatBytes } from './files-data.js';

export function Lightbox({
  files,
  index,
  onIndex,
  onClose,
}: {
  files: FileView[];
  index: number;
  onIndex: (i: number) => void;
  onClose: () => void;
}) {
  const file = files[index];
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
      if (e.key === 'ArrowRight' && index < files.length - 1) onIndex(index + 1);
      if (e.key === 'ArrowLeft' && index > 0) onIndex(index - 1);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [files.length, index, onIndex, onClose]);
  if (!file) return null;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes it (window listener above)
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={`Preview of ${file.name}`} onClick={onClose}>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: only stops the backdrop click */}
      <figure onClick={(e) => e.stopPropagation()}>
        <FileImage path={client.files.path(file.id)} alt={file.name} className="lightbox-image" />
        <figcaption>
          <span className="lightbox-name">{file.name}</span>
          <span className="muted">
            {file.width && file.height ? `${file.width} × ${file.height} · ` : ''}
            {formatBytes(file.size)}
            {file.takenAt ? ` · taken ${new Date(file.takenAt).toLocaleDateString()}` : ''}
          </span>
          <span className="spacer" />
          {files.length > 1 && (
            <span className="muted">
              {index + 1} / {files.length}
            </span>
          )}
          <button type="button" onClick={() => void downloadFile(file)}>
            Download
          </button>
          <button type="button" className="icon-button" aria-label="Close preview" onClick={onClose}>
            ×
          </button>
        </figcaption>
      </figure>
    </div>
  );
}
