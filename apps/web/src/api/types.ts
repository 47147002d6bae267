// Response shapes the web client reads (the OpenAPI document at /api/docs-json). Fields the
// contract leaves open are optional so the client keeps working while the server grows.
import type { Role } from '@tandem/protocol';

export type { MemberView, Page, ProjectMemberView, Role, UserView, WorkspaceView } from '@tandem/protocol';

export type Priority = 'none' | 'low' | 'medium' | 'high' | 'urgent';
export const Priorities: Priority[] = ['urgent', 'high', 'medium', 'low', 'none'];

export interface StatusView {
  id: string;
  name: string;
  category?: 'todo' | 'in_progress' | 'done';
  position?: number;
}

export type StatusCategory = 'todo' | 'in_progress' | 'done';
export const StatusCategories: { value: StatusCategory; label: string }[] = [
  { value: 'todo', label: 'To do' },
  { value: 'in_progress', label: 'In progress' },
  { value: 'done', label: 'Done' },
];

export interface LabelView {
  id: string;
  name: string;
  color: string;
  workspaceId?: string;
}

export interface SprintView {
  id: string;
  projectId?: string;
  name: string;
  goal?: string;
  state: 'planned' | 'active' | 'completed';
  startDate?: string | null;
  endDate?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
  createdAt?: string;
}

export interface ProjectView {
  id: string;
  key: string;
  name: string;
  workspaceId?: string;
  description?: string;
  role?: Role;
}

export interface TaskView {
  id: string;
  key: string;
  title: string;
  description?: string;
  /** The status id. */
  status: string;
  priority: Priority;
  assigneeId: string | null;
  rank: string;
  version: number;
  dueDate?: string | null;
  projectId?: string;
  sprintId?: string | null;
  labels?: LabelView[];
  checklist?: { done: number; total: number };
  archived?: boolean;
  createdAt?: string;
  updatedAt?: string;
}

export interface CommentView {
  id: string;
  taskId?: string;
  authorId: string;
  author?: { id: string; displayName: string };
  body: string;
  createdAt: string;
  editedAt?: string | null;
}

export interface ChecklistItemView {
  id: string;
  text: string;
  done: boolean;
  position?: number;
}

export interface NotificationView {
  id: string;
  type: string;
  createdAt: string;
  readAt: string | null;
  workspaceId?: string | null;
  actorId?: string | null;
  actorName?: string | null;
  taskId?: string | null;
  documentId?: string | null;
  data?: Record<string, unknown>;
}

export interface DocumentView {
  id: string;
  title: string;
  parentId: string | null;
  workspaceId?: string;
  projectId?: string | null;
  rank?: string;
  deletedAt?: string | null;
  updatedAt?: string;
}
