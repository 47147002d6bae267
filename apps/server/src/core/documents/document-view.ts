import type { DocumentView } from '@tandem/protocol';

export interface DocumentRow {
  id: string;
  workspaceId: string;
  projectId: string | null;
  parentId: string | null;
  title: string;
  rank: string;
  createdById: string;
  createdAt: Date;
  updatedAt: Date;
  contentAt: Date | null;
  deletedAt: Date | null;
}

export function documentView(d: DocumentRow): DocumentView {
  return {
    id: d.id,
    workspaceId: d.workspaceId,
    projectId: d.projectId,
    parentId: d.parentId,
    title: d.title,
    rank: d.rank,
    createdById: d.createdById,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    contentAt: d.contentAt?.toISOString() ?? null,
    deletedAt: d.deletedAt?.toISOString() ?? null,
  };
}
