import type { ProjectView, Role } from '@tandem/protocol';

export function projectView(
  p: {
    id: string;
    workspaceId: string;
    key: string;
    name: string;
    description: string;
    leadId: string | null;
    archivedAt: Date | null;
    createdAt: Date;
    updatedAt: Date;
  },
  role: Role,
): ProjectView {
  return {
    id: p.id,
    workspaceId: p.workspaceId,
    key: p.key,
    name: p.name,
    description: p.description,
    leadId: p.leadId,
    archived: p.archivedAt !== null,
    role,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** The statuses every new project starts with. */
export const DEFAULT_STATUSES = [
  { name: 'To Do', category: 'todo', position: 0 },
  { name: 'In Progress', category: 'in_progress', position: 1 },
  { name: 'Done', category: 'done', position: 2 },
] as const;
