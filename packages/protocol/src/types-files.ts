// Files and attachments: what the server answers about an uploaded file.

/** Thumbnail state of a file: images get one off the request path, and it arrives live. */
export type ThumbnailState = 'none' | 'pending' | 'ready' | 'refused' | 'failed';

export interface FileView {
  id: string;
  name: string;
  size: number;
  /** Detected from the bytes, never from the name or the client's header. */
  mime: string;
  sha256: string;
  workspaceId: string;
  taskId: string | null;
  documentId: string | null;
  uploaderId: string;
  createdAt: string;
  /** Images: pixel size after EXIF orientation (null for other files or before it is known). */
  width: number | null;
  height: number | null;
  /** Images: EXIF capture date, when the camera recorded one. */
  takenAt: string | null;
  thumbnail: ThumbnailState;
  /** An image of the same workspace that looks the same (identical or near-identical pixels). */
  duplicateOf: { id: string; name: string } | null;
}

export interface WorkspaceStorageView {
  /** Bytes of every file uploaded to the workspace (each upload counts, even of identical bytes). */
  bytesUsed: number;
  /** The per-workspace limit; null when there is none. */
  quotaBytes: number | null;
  files: number;
}

/** A board card's cover: the task's first image that has a thumbnail. */
export interface TaskCoverView {
  taskId: string;
  fileId: string;
}

/**
 * Types a browser may show inline; everything else (text included: it may be HTML or SVG by another
 * name) is served as an attachment.
 */
export const INLINE_SAFE_MIME = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'video/mp4',
  'video/webm',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
]);

/** Images the server makes thumbnails of. */
export const THUMBNAIL_MIME = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/tiff']);
