// Every call the web client makes, through the SDK. Resources the SDK does not wrap yet go through
// its `http.request`, which gives them the same auth, refresh and error handling.
import type { Page, Role } from '@tandem/protocol';
import { client } from './session.js';
import type {
  ChecklistItemView,
  CommentView,
  DocumentView,
  NotificationView,
  Priority,
  ProjectView,
  StatusView,
  TaskView,
} from './types.js';

const req = client.http.request.bind(client.http);

/** Lists are pages; the client shows up to `max` items by following cursors. */
async function all<T>(path: string, query: Record<string, string | undefined> = {}, max = 1000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await req<Page<T> | T[]>('GET', path, { query: { ...query, limit: 200, cursor } });
    if (Array.isArray(page)) return page;
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return items;
}

export interface TaskPatch {
  title?: string;
  description?: string;
  priority?: Priority;
  assigneeId?: string | null;
  dueDate?: string | null;
  status?: string;
}

export const api = {
  auth: client.auth,
  me: client.me,
  workspaces: client.workspaces,

  projects: {
    list: (workspaceId: string) => all<ProjectView>(`/api/v1/workspaces/${workspaceId}/projects`),
    create: (workspaceId: string, body: { name: string; key: string }) =>
      req<ProjectView>('POST', `/api/v1/workspaces/${workspaceId}/projects`, { body }),
    get: (id: string) => req<ProjectView>('GET', `/api/v1/projects/${id}`),
    /** The board's columns: the project's statuses in board order. */
    statuses: async (projectId: string): Promise<StatusView[]> => {
      const list = await all<StatusView>(`/api/v1/projects/${projectId}/statuses`);
      return list.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    },
    setMemberRole: (id: string, userId: string, role: Role) =>
      req<void>('PUT', `/api/v1/projects/${id}/members/${userId}`, { body: { role } }),
  },

  tasks: {
    list: (projectId: string) => all<TaskView>(`/api/v1/projects/${projectId}/tasks`, {}, 5000),
    get: (id: string) => req<TaskView>('GET', `/api/v1/tasks/${id}`),
    create: (projectId: string, body: { title: string; status?: string; description?: string }) =>
      req<TaskView>('POST', `/api/v1/projects/${projectId}/tasks`, { body }),
    update: (id: string, body: TaskPatch & { version?: number }) => req<TaskView>('PATCH', `/api/v1/tasks/${id}`, { body }),
    remove: (id: string) => req<void>('DELETE', `/api/v1/tasks/${id}`),
    move: (id: string, body: { status: string; afterId?: string; beforeId?: string }) =>
      req<TaskView>('POST', `/api/v1/tasks/${id}/move`, { body }),
  },

  comments: {
    list: (taskId: string) => all<CommentView>(`/api/v1/tasks/${taskId}/comments`),
    create: (taskId: string, body: string) => req<CommentView>('POST', `/api/v1/tasks/${taskId}/comments`, { body: { body } }),
    update: (id: string, body: string) => req<CommentView>('PATCH', `/api/v1/comments/${id}`, { body: { body } }),
    remove: (id: string) => req<void>('DELETE', `/api/v1/comments/${id}`),
  },

  checklist: {
    list: (taskId: string) => all<ChecklistItemView>(`/api/v1/tasks/${taskId}/checklist`),
    add: (taskId: string, text: string) => req<ChecklistItemView>('POST', `/api/v1/tasks/${taskId}/checklist`, { body: { text } }),
    update: (itemId: string, body: { text?: string; done?: boolean }) =>
      req<ChecklistItemView>('PATCH', `/api/v1/checklist/${itemId}`, { body }),
    remove: (itemId: string) => req<void>('DELETE', `/api/v1/checklist/${itemId}`),
  },

  notifications: {
    list: (unread?: boolean) => all<NotificationView>('/api/v1/notifications', { unread: unread ? 'true' : undefined }, 200),
    read: (id: string) => req<void>('POST', `/api/v1/notifications/${id}/read`),
    readAll: () => req<void>('POST', '/api/v1/notifications/read-all'),
  },

  documents: {
    tree: (workspaceId: string) => all<DocumentView>(`/api/v1/workspaces/${workspaceId}/documents`, {}, 10_000),
    trash: (workspaceId: string) => all<DocumentView>(`/api/v1/workspaces/${workspaceId}/documents`, { trashed: 'true' }, 1000),
    create: (workspaceId: string, body: { title: string; parentId?: string | null }) =>
      req<DocumentView>('POST', `/api/v1/workspaces/${workspaceId}/documents`, { body }),
    get: (id: string) => req<DocumentView>('GET', `/api/v1/documents/${id}`),
    rename: (id: string, title: string) => req<DocumentView>('PATCH', `/api/v1/documents/${id}`, { body: { title } }),
    move: (id: string, body: { parentId: string | null; afterId?: string; beforeId?: string }) =>
      req<DocumentView>('POST', `/api/v1/documents/${id}/move`, { body }),
    trashDoc: (id: string) => req<void>('DELETE', `/api/v1/documents/${id}`),
    restore: (id: string) => req<DocumentView>('POST', `/api/v1/documents/${id}/restore`),
  },
};
