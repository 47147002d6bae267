// Every call the web client makes, through the SDK (`@tandem/client`). Lists are followed page by
// page where the SDK takes a cursor, so screens get whole collections.
import type { ActivityView, Page, Role } from '@tandem/protocol';
import { client } from './session.js';
import type {
  ChecklistItemView,
  CommentView,
  DocumentView,
  LabelView,
  NotificationView,
  Priority,
  ProjectMemberView,
  ProjectView,
  SprintView,
  StatusCategory,
  StatusView,
  TaskView,
} from './types.js';

const tracking = client.tracking;
const documents = client.documents;

/** Follows `nextCursor` until the list ends or `max` items are in. */
async function all<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, max = 1000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
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
  sprintId?: string | null;
  labelIds?: string[];
}

/** Board filters, as the API's task-list query takes them. */
export interface TaskFilters {
  /** A sprint id, or `backlog`. */
  sprint?: string;
  /** A user id, or `none` for unassigned. */
  assigneeId?: string;
  /** A label id. */
  label?: string;
  q?: string;
}

export const api = {
  auth: client.auth,
  me: client.me,
  updateMe: client.updateMe,
  workspaces: client.workspaces,
  /** The account's logins and personal API tokens; the server's sign-in methods. */
  identity: client.identity,
  audit: client.audit,
  invitations: client.invitations,

  projects: {
    list: async (workspaceId: string): Promise<ProjectView[]> => (await tracking.projects.list(workspaceId)).items,
    create: (workspaceId: string, body: { name: string; key: string }): Promise<ProjectView> => tracking.projects.create(workspaceId, body),
    get: (id: string): Promise<ProjectView> => tracking.projects.get(id),
    /** The board's columns: the project's statuses in board order. */
    statuses: async (projectId: string): Promise<StatusView[]> =>
      (await tracking.statuses.list(projectId)).items.sort((a, b) => a.position - b.position),
    setMemberRole: (id: string, userId: string, role: Role) => tracking.projects.setMember(id, userId, { role }),
    clearMemberRole: (id: string, userId: string) => tracking.projects.clearMember(id, userId),
    members: async (id: string): Promise<ProjectMemberView[]> => (await tracking.projects.members(id)).items,
  },

  statuses: {
    create: (projectId: string, body: { name: string; category: StatusCategory }, key?: string): Promise<StatusView> =>
      tracking.statuses.create(projectId, body, { idempotencyKey: key }),
    update: (id: string, body: { name?: string; category?: StatusCategory; position?: number }): Promise<StatusView> =>
      tracking.statuses.update(id, body),
    remove: (id: string, target?: string) => tracking.statuses.remove(id, target ? { target } : {}),
  },

  sprints: {
    list: async (projectId: string): Promise<SprintView[]> => (await tracking.sprints.list(projectId)).items,
    create: (projectId: string, body: { name: string; goal?: string }, key?: string): Promise<SprintView> =>
      tracking.sprints.create(projectId, body, { idempotencyKey: key }),
    start: (id: string): Promise<SprintView> => tracking.sprints.start(id),
    complete: (id: string, moveTo?: string) => tracking.sprints.complete(id, moveTo ? { moveTo } : {}),
    remove: (id: string) => tracking.sprints.remove(id),
  },

  labels: {
    list: async (workspaceId: string): Promise<LabelView[]> => (await tracking.labels.list(workspaceId)).items,
    create: (workspaceId: string, body: { name: string; color?: string }, key?: string): Promise<LabelView> =>
      tracking.labels.create(workspaceId, body, { idempotencyKey: key }),
    update: (id: string, body: { name?: string; color?: string }): Promise<LabelView> => tracking.labels.update(id, body),
    remove: (id: string) => tracking.labels.remove(id),
  },

  tasks: {
    list: (projectId: string, filters: TaskFilters = {}): Promise<TaskView[]> =>
      all((cursor) => tracking.tasks.list(projectId, { ...filters, limit: 200, cursor }), 5000),
    get: (id: string): Promise<TaskView> => tracking.tasks.get(id),
    create: (projectId: string, body: { title: string; status?: string; sprintId?: string | null }, key?: string): Promise<TaskView> =>
      tracking.tasks.create(projectId, body, { idempotencyKey: key }),
    update: (id: string, body: TaskPatch & { version?: number }): Promise<TaskView> => tracking.tasks.update(id, body),
    remove: (id: string) => tracking.tasks.remove(id),
    move: (id: string, body: { status: string; afterId?: string; beforeId?: string }): Promise<TaskView> => tracking.tasks.move(id, body),
    /** Who changed what on the task, newest first. */
    activity: async (id: string, limit = 100): Promise<ActivityView[]> => (await tracking.tasks.activity(id, { limit })).items,
  },

  comments: {
    list: (taskId: string): Promise<CommentView[]> => all((cursor) => tracking.comments.list(taskId, { limit: 200, cursor })),
    create: (taskId: string, body: string, key?: string): Promise<CommentView> =>
      tracking.comments.create(taskId, { body }, { idempotencyKey: key }),
  },

  checklist: {
    list: async (taskId: string): Promise<ChecklistItemView[]> => (await tracking.checklist.list(taskId)).items,
    add: (taskId: string, text: string, key?: string) => tracking.checklist.add(taskId, { text }, { idempotencyKey: key }),
    update: (itemId: string, body: { text?: string; done?: boolean }) => tracking.checklist.update(itemId, body),
    remove: (itemId: string) => tracking.checklist.remove(itemId),
  },

  notifications: {
    list: (): Promise<NotificationView[]> => all((cursor) => tracking.notifications.list({ limit: 100, cursor }), 200),
    read: (id: string) => tracking.notifications.read(id),
    readAll: () => tracking.notifications.readAll(),
  },

  documents: {
    tree: async (workspaceId: string): Promise<DocumentView[]> => (await documents.list(workspaceId)).items,
    trash: async (workspaceId: string): Promise<DocumentView[]> => (await documents.list(workspaceId, { trashed: true })).items,
    create: (workspaceId: string, body: { title: string; parentId?: string | null; templateId?: string }): Promise<DocumentView> =>
      documents.create(workspaceId, body),
    get: (id: string) => documents.get(id),
    sharedWithMe: () => documents.sharedWithMe(),
    rename: (id: string, title: string) => documents.rename(id, title),
    move: (id: string, body: { parentId: string | null; afterId?: string; beforeId?: string }) => documents.move(id, body),
    trashDoc: (id: string) => documents.trash(id),
    restore: (id: string) => documents.restore(id),
    history: async (id: string) => (await documents.history(id)).items,
    versionText: (id: string, versionId: string) => documents.versionContent(id, versionId, 'text'),
    /** The live document as plain text (what a version is compared with). */
    text: (id: string) => documents.content(id, 'text'),
    saveVersion: (id: string, name: string) => documents.saveVersion(id, { name }),
    restoreVersion: (id: string, versionId: string) => documents.restoreVersion(id, versionId),
  },
};
