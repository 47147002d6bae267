// Response shapes the web client reads: the server's own, from @tandem/protocol (also the OpenAPI
// document at /api/docs-json). Only what the protocol has no counterpart for lives here.
import type { StatusCategory, TaskPriority } from '@tandem/protocol';

export type {
  ChecklistItemView,
  CommentView,
  DocumentView,
  LabelView,
  MemberView,
  NotificationView,
  Page,
  ProjectMemberView,
  ProjectView,
  Role,
  SprintView,
  StatusCategory,
  StatusView,
  TaskView,
  UserView,
  WorkspaceView,
} from '@tandem/protocol';

/** A task's priority (the protocol's TaskPriority). */
export type Priority = TaskPriority;
/** The priorities in the order the UI offers them, most urgent first. */
export const Priorities: Priority[] = ['urgent', 'high', 'medium', 'low', 'none'];

export const StatusCategories: { value: StatusCategory; label: string }[] = [
  { value: 'todo', label: 'To do' },
  { value: 'in_progress', label: 'In progress' },
  { value: 'done', label: 'Done' },
];
