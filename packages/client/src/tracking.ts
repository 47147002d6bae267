// SDK methods of the work-tracking API: projects, statuses, tasks and the board, sprints,
// comments, checklists, labels, activity and the notification inbox.
import type {
  ActivityView,
  ChecklistItemView,
  CommentView,
  LabelView,
  NotificationView,
  Page,
  ProjectMemberView,
  ProjectView,
  Role,
  SprintView,
  StatusCategory,
  StatusView,
  TaskPriority,
  TaskType,
  TaskView,
} from '@tandem/protocol';
import { type CreateOptions, createHeaders, type Http, type Query } from './http.js';

export interface TaskFields {
  title?: string;
  description?: string;
  status?: string;
  type?: TaskType;
  priority?: TaskPriority;
  assigneeId?: string | null;
  parentId?: string | null;
  sprintId?: string | null;
  labelIds?: string[];
  dueDate?: string | null;
  estimate?: number | null;
}

export interface TaskFilters {
  status?: string;
  assigneeId?: string;
  label?: string;
  sprint?: string;
  parentId?: string;
  q?: string;
  archived?: boolean;
  order?: 'rank' | 'newest';
  limit?: number;
  cursor?: string;
}

type PageOpts = { limit?: number; cursor?: string };

export function trackingApi(http: Http) {
  const r = <T>(method: string, path: string, opts?: { body?: unknown; query?: Query; headers?: Record<string, string> }) =>
    http.request<T>(method, `/api/v1${path}`, opts);
  return {
    projects: {
      create: (
        workspaceId: string,
        body: { name: string; key: string; description?: string; leadId?: string | null },
        opts?: CreateOptions,
      ) => r<ProjectView>('POST', `/workspaces/${workspaceId}/projects`, { body, headers: createHeaders(opts) }),
      list: (workspaceId: string, opts: { archived?: boolean } = {}) =>
        r<Page<ProjectView>>('GET', `/workspaces/${workspaceId}/projects`, { query: opts }),
      get: (id: string) => r<ProjectView>('GET', `/projects/${id}`),
      update: (id: string, body: { name?: string; key?: string; description?: string; leadId?: string | null; archived?: boolean }) =>
        r<ProjectView>('PATCH', `/projects/${id}`, { body }),
      remove: (id: string) => r<void>('DELETE', `/projects/${id}`),
      members: (id: string) => r<Page<ProjectMemberView>>('GET', `/projects/${id}/members`),
      setMember: (id: string, userId: string, body: { role: Role }) =>
        r<ProjectMemberView>('PUT', `/projects/${id}/members/${userId}`, { body }),
      clearMember: (id: string, userId: string) => r<void>('DELETE', `/projects/${id}/members/${userId}`),
      activity: (id: string, opts: PageOpts = {}) => r<Page<ActivityView>>('GET', `/projects/${id}/activity`, { query: opts }),
    },
    statuses: {
      list: (projectId: string) => r<Page<StatusView>>('GET', `/projects/${projectId}/statuses`),
      create: (projectId: string, body: { name: string; category: StatusCategory }, opts?: CreateOptions) =>
        r<StatusView>('POST', `/projects/${projectId}/statuses`, { body, headers: createHeaders(opts) }),
      update: (id: string, body: { name?: string; category?: StatusCategory; position?: number }) =>
        r<StatusView>('PATCH', `/statuses/${id}`, { body }),
      remove: (id: string, opts: { target?: string } = {}) => r<void>('DELETE', `/statuses/${id}`, { query: opts }),
    },
    tasks: {
      create: (projectId: string, body: TaskFields & { title: string }, opts?: CreateOptions) =>
        r<TaskView>('POST', `/projects/${projectId}/tasks`, { body, headers: createHeaders(opts) }),
      list: (projectId: string, filters: TaskFilters = {}) =>
        r<Page<TaskView>>('GET', `/projects/${projectId}/tasks`, { query: filters as Query }),
      get: (id: string) => r<TaskView>('GET', `/tasks/${id}`),
      update: (id: string, body: TaskFields & { archived?: boolean; version?: number }) => r<TaskView>('PATCH', `/tasks/${id}`, { body }),
      move: (id: string, body: { status: string; afterId?: string | null; beforeId?: string | null; version?: number }) =>
        r<TaskView>('POST', `/tasks/${id}/move`, { body }),
      remove: (id: string) => r<void>('DELETE', `/tasks/${id}`),
      watch: (id: string) => r<{ watching: boolean }>('PUT', `/tasks/${id}/watch`),
      unwatch: (id: string) => r<{ watching: boolean }>('DELETE', `/tasks/${id}/watch`),
      activity: (id: string, opts: PageOpts = {}) => r<Page<ActivityView>>('GET', `/tasks/${id}/activity`, { query: opts }),
    },
    sprints: {
      list: (projectId: string) => r<Page<SprintView>>('GET', `/projects/${projectId}/sprints`),
      create: (
        projectId: string,
        body: { name: string; goal?: string; startDate?: string | null; endDate?: string | null },
        opts?: CreateOptions,
      ) => r<SprintView>('POST', `/projects/${projectId}/sprints`, { body, headers: createHeaders(opts) }),
      get: (id: string) => r<SprintView>('GET', `/sprints/${id}`),
      update: (id: string, body: { name?: string; goal?: string; startDate?: string | null; endDate?: string | null }) =>
        r<SprintView>('PATCH', `/sprints/${id}`, { body }),
      start: (id: string) => r<SprintView>('POST', `/sprints/${id}/start`),
      complete: (id: string, body: { moveTo?: string } = {}) =>
        r<SprintView & { movedTaskIds: string[] }>('POST', `/sprints/${id}/complete`, { body }),
      remove: (id: string) => r<void>('DELETE', `/sprints/${id}`),
    },
    comments: {
      list: (taskId: string, opts: PageOpts = {}) => r<Page<CommentView>>('GET', `/tasks/${taskId}/comments`, { query: opts }),
      create: (taskId: string, body: { body: string }, opts?: CreateOptions) =>
        r<CommentView>('POST', `/tasks/${taskId}/comments`, { body, headers: createHeaders(opts) }),
      update: (id: string, body: { body: string }) => r<CommentView>('PATCH', `/comments/${id}`, { body }),
      remove: (id: string) => r<void>('DELETE', `/comments/${id}`),
    },
    checklist: {
      list: (taskId: string) => r<Page<ChecklistItemView> & { done: number; total: number }>('GET', `/tasks/${taskId}/checklist`),
      add: (taskId: string, body: { text: string }, opts?: CreateOptions) =>
        r<ChecklistItemView>('POST', `/tasks/${taskId}/checklist`, { body, headers: createHeaders(opts) }),
      update: (itemId: string, body: { text?: string; done?: boolean }) => r<ChecklistItemView>('PATCH', `/checklist/${itemId}`, { body }),
      move: (itemId: string, body: { afterId?: string | null; beforeId?: string | null }) =>
        r<ChecklistItemView>('POST', `/checklist/${itemId}/move`, { body }),
      remove: (itemId: string) => r<void>('DELETE', `/checklist/${itemId}`),
    },
    labels: {
      list: (workspaceId: string) => r<Page<LabelView>>('GET', `/workspaces/${workspaceId}/labels`),
      create: (workspaceId: string, body: { name: string; color?: string }, opts?: CreateOptions) =>
        r<LabelView>('POST', `/workspaces/${workspaceId}/labels`, { body, headers: createHeaders(opts) }),
      update: (id: string, body: { name?: string; color?: string }) => r<LabelView>('PATCH', `/labels/${id}`, { body }),
      remove: (id: string) => r<void>('DELETE', `/labels/${id}`),
    },
    notifications: {
      list: (opts: PageOpts & { unread?: boolean } = {}) =>
        r<Page<NotificationView> & { unreadCount: number }>('GET', '/notifications', { query: opts }),
      unreadCount: () => r<{ count: number }>('GET', '/notifications/unread-count'),
      read: (id: string) => r<NotificationView>('POST', `/notifications/${id}/read`),
      readAll: () => r<{ updated: number; unreadCount: number }>('POST', '/notifications/read-all'),
    },
  };
}

export type TrackingApi = ReturnType<typeof trackingApi>;
