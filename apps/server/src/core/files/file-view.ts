import type { FileView, ThumbnailState } from '@tandem/protocol';
import type { Prisma } from '../../base/database/database.js';

export const fileSelect = {
  id: true,
  name: true,
  size: true,
  mime: true,
  sha256: true,
  workspaceId: true,
  taskId: true,
  documentId: true,
  uploaderId: true,
  createdAt: true,
  width: true,
  height: true,
  takenAt: true,
  thumbnail: true,
  duplicateOfId: true,
  storageKey: true,
  thumbnailKey: true,
  deletedAt: true,
} as const satisfies Prisma.FileSelect;

export type FileRow = Prisma.FileGetPayload<{ select: typeof fileSelect }>;

export function fileView(f: FileRow, duplicateOf: { id: string; name: string } | null = null): FileView {
  return {
    id: f.id,
    name: f.name,
    size: Number(f.size),
    mime: f.mime,
    sha256: f.sha256,
    workspaceId: f.workspaceId,
    taskId: f.taskId,
    documentId: f.documentId,
    uploaderId: f.uploaderId,
    createdAt: f.createdAt.toISOString(),
    width: f.width,
    height: f.height,
    takenAt: f.takenAt?.toISOString() ?? null,
    thumbnail: f.thumbnail as ThumbnailState,
    duplicateOf,
  };
}
