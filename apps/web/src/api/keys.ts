// Query keys in one place, so realtime events and mutations invalidate exactly what screens read.
export const keys = {
  me: ['me'] as const,
  workspaces: ['workspaces'] as const,
  members: (workspaceId: string) => ['members', workspaceId] as const,
  projects: (workspaceId: string) => ['projects', workspaceId] as const,
  project: (projectId: string) => ['project', projectId] as const,
  statuses: (projectId: string) => ['statuses', projectId] as const,
  tasks: (projectId: string) => ['tasks', projectId] as const,
  /** A filtered task list; under `tasks(projectId)` so whatever refreshes the board refreshes these too. */
  taskList: (projectId: string, filters: object) => ['tasks', projectId, filters] as const,
  sprints: (projectId: string) => ['sprints', projectId] as const,
  labels: (workspaceId: string) => ['labels', workspaceId] as const,
  projectMembers: (projectId: string) => ['project-members', projectId] as const,
  task: (taskId: string) => ['task', taskId] as const,
  comments: (taskId: string) => ['comments', taskId] as const,
  checklist: (taskId: string) => ['checklist', taskId] as const,
  /** The task's activity timeline. */
  activity: (taskId: string) => ['activity', taskId] as const,
  notifications: ['notifications'] as const,
  documents: (workspaceId: string) => ['documents', workspaceId] as const,
  trash: (workspaceId: string) => ['documents', workspaceId, 'trash'] as const,
  shared: ['documents', 'shared'] as const,
  invitations: (workspaceId: string) => ['invitations', workspaceId] as const,
  /** A workspace's audit log (every filter and page under it). */
  audit: (workspaceId: string) => ['audit', workspaceId] as const,
  /** The workspace's document templates. */
  templates: (workspaceId: string) => ['templates', workspaceId] as const,
  /** The documents referring to a document or a task ("Mentioned in"). */
  backlinks: (kind: 'document' | 'task', id: string) => ['backlinks', kind, id] as const,
  /** Invitations waiting for me. */
  myInvitations: ['invitations', 'mine'] as const,
};
