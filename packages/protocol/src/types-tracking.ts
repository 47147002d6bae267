// Response shapes of the work-tracking API.
import type { Role } from './roles.js';

export type StatusCategory = 'todo' | 'in_progress' | 'done';
export type TaskType = 'task' | 'bug' | 'story' | 'epic' | 'subtask';
export type TaskPriority = 'none' | 'low' | 'medium' | 'high' | 'urgent';

export interface ProjectView {
  id: string;
  workspaceId: string;
  key: string;
  name: string;
  description: string;
  leadId: string | null;
  archived: boolean;
  /** The caller's effective role in this project. */
  role: Role;
  createdAt: string;
  updatedAt: string;
}
export interface ProjectMemberView {
  userId: string;
  email: string;
  displayName: string;
  /** Effective role in the project. */
  role: Role;
  workspaceRole: Role;
  /** True when the project overrides the workspace role. */
  override: boolean;
}
export interface StatusView {
  id: string;
  projectId: string;
  name: string;
  category: StatusCategory;
  position: number;
}
export interface LabelView {
  id: string;
  workspaceId?: string;
  name: string;
  color: string;
}
export interface TaskView {
  id: string;
  key: string;
  number: number;
  projectId: string;
  title: string;
  description: string;
  /** Status id. */
  status: string;
  type: TaskType;
  priority: TaskPriority;
  assigneeId: string | null;
  reporterId: string;
  parentId: string | null;
  sprintId: string | null;
  dueDate: string | null;
  estimate: number | null;
  rank: string;
  version: number;
  labels: LabelView[];
  checklist: { done: number; total: number };
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}
export interface SprintView {
  id: string;
  projectId: string;
  name: string;
  goal: string;
  state: 'planned' | 'active' | 'completed';
  startDate: string | null;
  endDate: string | null;
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string;
}
export interface CommentView {
  id: string;
  taskId: string;
  authorId: string;
  body: string;
  mentions: string[];
  createdAt: string;
  editedAt: string | null;
}
export interface ChecklistItemView {
  id: string;
  taskId: string;
  text: string;
  done: boolean;
  rank: string;
}
export interface ActivityView {
  id: string;
  action: string;
  actorId: string | null;
  projectId: string | null;
  taskId: string | null;
  changes: Record<string, unknown>;
  createdAt: string;
}
export interface NotificationView {
  id: string;
  type: string;
  workspaceId: string | null;
  actorId: string | null;
  /** The actor's current name (null when there is no actor or the account is gone). */
  actorName: string | null;
  taskId: string | null;
  documentId: string | null;
  data: Record<string, unknown>;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}
