// Read hooks: one per resource, keyed by keys.ts so events and mutations find them. A read of what
// a room announces is made once that room is joined (realtime.readInRoom), so no change falls
// between the read and the room.
import { useQuery } from '@tanstack/react-query';
import { realtime } from '../realtime/socket.js';
import { keys } from './keys.js';
import { api, type TaskFilters } from './tandem.js';

/** `read`, made so that it cannot miss what `room` announces (see Realtime.readInRoom). */
const inRoom =
  <T>(room: string, read: () => Promise<T>) =>
  (): Promise<T> =>
    realtime.readInRoom(room, read);

export const useMe = () => useQuery({ queryKey: keys.me, queryFn: api.me, staleTime: 5 * 60_000 });

export const useWorkspaces = () => useQuery({ queryKey: keys.workspaces, queryFn: async () => (await api.workspaces.list()).items });

export const useMembers = (workspaceId: string) =>
  useQuery({
    queryKey: keys.members(workspaceId),
    queryFn: inRoom(`workspace:${workspaceId}`, async () => (await api.workspaces.members(workspaceId)).items),
  });

export const useProjects = (workspaceId: string) =>
  useQuery({ queryKey: keys.projects(workspaceId), queryFn: inRoom(`workspace:${workspaceId}`, () => api.projects.list(workspaceId)) });

export const useProject = (projectId: string) =>
  useQuery({ queryKey: keys.project(projectId), queryFn: inRoom(`project:${projectId}`, () => api.projects.get(projectId)) });

export const useStatuses = (projectId: string) =>
  useQuery({ queryKey: keys.statuses(projectId), queryFn: inRoom(`project:${projectId}`, () => api.projects.statuses(projectId)) });

/** The project's tasks; with filters, the API's filtered list (kept under the same key prefix). */
export const useTasks = (projectId: string, filters: TaskFilters = {}) => {
  const active = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== '')) as TaskFilters;
  const filtered = Object.keys(active).length > 0;
  const read = inRoom(`project:${projectId}`, () => api.tasks.list(projectId, active));
  return useQuery({
    queryKey: filtered ? keys.taskList(projectId, active) : keys.tasks(projectId),
    queryFn: read,
    // A new filter keeps the board on screen until its answer lands.
    placeholderData: filtered ? (prev) => prev : undefined,
  });
};

export const useSprints = (projectId: string) =>
  useQuery({ queryKey: keys.sprints(projectId), queryFn: inRoom(`project:${projectId}`, () => api.sprints.list(projectId)) });

export const useLabels = (workspaceId: string) =>
  useQuery({ queryKey: keys.labels(workspaceId), queryFn: inRoom(`workspace:${workspaceId}`, () => api.labels.list(workspaceId)) });

export const useProjectMembers = (projectId: string, enabled = true) =>
  useQuery({ queryKey: keys.projectMembers(projectId), queryFn: () => api.projects.members(projectId), enabled });

export const useTask = (taskId: string) =>
  useQuery({ queryKey: keys.task(taskId), queryFn: inRoom(`task:${taskId}`, () => api.tasks.get(taskId)) });

export const useComments = (taskId: string) =>
  useQuery({ queryKey: keys.comments(taskId), queryFn: inRoom(`task:${taskId}`, () => api.comments.list(taskId)) });

export const useChecklist = (taskId: string) =>
  useQuery({ queryKey: keys.checklist(taskId), queryFn: inRoom(`task:${taskId}`, () => api.checklist.list(taskId)) });

export const useNotifications = () =>
  useQuery({ queryKey: keys.notifications, queryFn: () => api.notifications.list(), refetchInterval: 60_000 });

export const useDocuments = (workspaceId: string, enabled = true) =>
  useQuery({
    queryKey: keys.documents(workspaceId),
    queryFn: inRoom(`workspace:${workspaceId}`, () => api.documents.tree(workspaceId)),
    enabled,
  });

/** Documents shared directly with me (and their subtrees), across workspaces. */
export const useSharedDocuments = () =>
  useQuery({ queryKey: keys.shared, queryFn: async () => (await api.documents.sharedWithMe()).items });

export const useInvitations = (workspaceId: string, enabled = true) =>
  useQuery({ queryKey: keys.invitations(workspaceId), queryFn: async () => (await api.invitations.list(workspaceId)).items, enabled });

export const useMyInvitations = () =>
  useQuery({ queryKey: keys.myInvitations, queryFn: async () => (await api.invitations.pending()).items });
