// Keeps the cache live: realtime events invalidate (or patch) exactly the queries they affect,
// and screens join the rooms they show.
import { type Query, type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { keys } from '../api/keys.js';
import { refetchedWhenSettled } from '../api/mutations.js';
import type { TaskView, WorkspaceView } from '../api/types.js';
import { navigate } from '../app/router.js';
import { toast } from '../ui/toast.js';
import { type PresenceUser, realtime, type ServerFrame, type SocketState } from './socket.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Events of changes the audit log records: an open audit log refetches. */
const AUDITED = new Set(['member.changed', 'document.shared', 'document.deleted', 'document.purged', 'project.deleted']);

const isWholeTask = (t: Partial<TaskView>): t is TaskView =>
  typeof t.id === 'string' && typeof t.rank === 'string' && typeof t.status === 'string' && typeof t.version === 'number';

/** The project's board list with `task` as of its version (out of it once archived). */
function withTask(list: TaskView[], task: TaskView): TaskView[] {
  const at = list.findIndex((t) => t.id === task.id);
  if (at >= 0 && list[at]!.version >= task.version) return list;
  if (task.archived) return at >= 0 ? list.filter((t) => t.id !== task.id) : list;
  if (at < 0) return [...list, task];
  const next = list.slice();
  next[at] = task;
  return next;
}

/**
 * A room this client no longer follows: what it showed may change unseen from now on, so it is
 * marked stale (refetched when a screen shows it again), not kept as if still live.
 */
function unwatched(qc: QueryClient, room: string) {
  const [kind, id] = room.split(':') as [string, string];
  const stale = (queryKey: readonly unknown[]) => void qc.invalidateQueries({ queryKey, refetchType: 'none' });
  if (kind === 'project') stale(keys.tasks(id));
  else if (kind === 'task') {
    for (const key of [keys.task(id), keys.comments(id), keys.checklist(id), keys.activity(id)]) stale(key);
  }
}

function applyEvent(qc: QueryClient, frame: Extract<ServerFrame, { t: 'event' }>) {
  const [kind, id] = frame.room.split(':') as [string, string];
  const data = frame.data ?? {};
  const taskId = str(data.taskId) ?? (frame.type.startsWith('task.') ? str(data.id) : undefined) ?? (kind === 'task' ? id : undefined);
  const projectId = str(data.projectId) ?? (kind === 'project' ? id : undefined);
  const workspaceId = str(data.workspaceId) ?? (kind === 'workspace' ? id : undefined);
  const entity = frame.type.split('.')[0];
  const refresh = (queryKey: QueryKey, predicate?: (q: Query) => boolean) =>
    void qc.invalidateQueries({ queryKey, predicate, refetchType: refetchedWhenSettled(qc, queryKey) ? 'none' : 'active' });
  if (workspaceId && AUDITED.has(frame.type)) refresh(keys.audit(workspaceId));
  // Whatever happened to a task shows in its timeline.
  if (taskId && (entity === 'task' || entity === 'comment' || entity === 'checklist')) {
    refresh(keys.activity(taskId));
  }

  if (frame.type === 'backlinks.changed') {
    const targetKind = str(data.targetKind);
    const targetId = str(data.targetId);
    if ((targetKind === 'document' || targetKind === 'task') && targetId) refresh(keys.backlinks(targetKind, targetId));
    return;
  }
  if (entity === 'template' && workspaceId) {
    refresh(keys.templates(workspaceId));
    return;
  }
  if (entity === 'task') {
    const task = (data.task ?? data) as Partial<TaskView>;
    // While a write of ours to this task is on its way, the screen shows it already and an event
    // (our own earlier move's, say) would put the card back where it was before that write: it is
    // only marked stale below, and the write's settling refetches it.
    if (projectId && isWholeTask(task) && frame.type !== 'task.deleted' && !refetchedWhenSettled(qc, keys.task(task.id))) {
      // The event carries the whole task at a version: it lands on the board and the open drawer
      // as it is, with no refetch (one per viewer per change is what a big team's server can't
      // afford). An older version than the one shown (events of one task crossing) changes nothing.
      qc.setQueryData<TaskView[]>(keys.tasks(projectId), (old) => (old ? withTask(old, task) : old));
      qc.setQueryData<TaskView>(keys.task(task.id), (old) => (old && old.version >= task.version ? old : task));
      // Filtered lists need the server to say whether the task still matches.
      refresh(keys.tasks(projectId), (q) => q.queryKey.length > 2);
      return;
    }
    if (projectId && frame.type === 'task.deleted' && task.id) {
      qc.setQueryData<TaskView[]>(keys.tasks(projectId), (old) => old?.filter((t) => t.id !== task.id));
    }
    if (projectId) refresh(keys.tasks(projectId));
    if (taskId) refresh(keys.task(taskId));
  } else if (entity === 'comment' && taskId) {
    refresh(keys.comments(taskId));
  } else if (entity === 'checklist' && taskId) {
    refresh(keys.checklist(taskId));
    // The event carries the task's new done/total: cards and the drawer show it at once.
    if (typeof data.done === 'number' && typeof data.total === 'number') {
      const checklist = { done: data.done, total: data.total };
      qc.setQueriesData<TaskView[]>({ queryKey: ['tasks'] }, (old) => old?.map((t) => (t.id === taskId ? { ...t, checklist } : t)));
      qc.setQueryData<TaskView>(keys.task(taskId), (old) => (old ? { ...old, checklist } : old));
    }
  } else if (entity === 'document') {
    // Shares reach the shared user's own room, which names no workspace.
    if (workspaceId) refresh(keys.documents(workspaceId));
    refresh(keys.shared);
  } else if (entity === 'project' && workspaceId) {
    refresh(keys.projects(workspaceId));
    if (projectId) refresh(keys.project(projectId));
  } else if (entity === 'sprint' && projectId) {
    // Starting or completing a sprint moves tasks between sprints and the backlog.
    refresh(keys.sprints(projectId));
    refresh(keys.tasks(projectId));
  } else if (entity === 'status' && projectId) {
    refresh(keys.statuses(projectId));
    // A column given fresh ranks (`status.rebalanced`) or removed changes the tasks' order or status.
    if (frame.type === 'status.deleted' || frame.type === 'status.rebalanced') refresh(keys.tasks(projectId));
  } else if (entity === 'label' && workspaceId) {
    refresh(keys.labels(workspaceId));
    // Cards and drawers show label names and colours.
    if (frame.type !== 'label.created') {
      refresh(['tasks']);
      refresh(['task']);
    }
  } else if (entity === 'member' && projectId) {
    // A project role override.
    refresh(keys.projectMembers(projectId));
    refresh(keys.project(projectId));
  } else if (entity === 'invitation') {
    refresh(['invitations']);
    if (kind === 'user' && frame.type === 'invitation.received') {
      const title = str(data.title);
      if (title) toast(title);
    }
  } else if ((entity === 'member' || entity === 'workspace') && workspaceId) {
    refresh(keys.members(workspaceId));
    refresh(keys.workspaces);
    // Someone joined through an invitation: pending lists change on both sides.
    refresh(['invitations']);
  }
}

/** Access to a room ended (removed from the workspace, project or document, or it was deleted). */
function lostRoom(qc: QueryClient, room: string) {
  const [kind, id] = room.split(':') as [string, string];
  if (kind === 'workspace') {
    // Only a workspace we were in is "lost"; one we never had is the screen's own 404.
    const wasMember = qc.getQueryData<WorkspaceView[]>(keys.workspaces)?.some((w) => w.id === id) ?? false;
    // Out of the list at once, so nothing routes back into it before the refetch lands.
    qc.setQueryData<WorkspaceView[]>(keys.workspaces, (old) => old?.filter((w) => w.id !== id));
    void qc.invalidateQueries({ queryKey: keys.workspaces });
    if (wasMember && window.location.pathname.startsWith(`/w/${id}`)) {
      toast('You no longer have access to this workspace', 'error');
      navigate('/', { replace: true });
    }
  } else {
    // The screen showing it refetches and explains (a 404 for what we may no longer see).
    void qc.invalidateQueries();
  }
}

/** Mounted once while signed in: runs the socket and feeds the cache. */
export function useLiveCache() {
  const qc = useQueryClient();
  useEffect(() => {
    realtime.start();
    const off = realtime.onFrame((frame) => {
      if (frame.t === 'event') applyEvent(qc, frame);
      else if (frame.t === 'lost') lostRoom(qc, frame.room);
      else if (frame.t === 'notification') {
        void qc.invalidateQueries({ queryKey: keys.notifications });
        const text = str(frame.data?.title) ?? str(frame.data?.message);
        if (text) toast(text);
      }
    });
    // What was read while the socket was not open (before it first opened, or while it was down)
    // may have missed changes: it is read again once the socket opens, each read after its room is
    // joined (see realtime.readInRoom).
    let open = false;
    const offState = realtime.onState(() => {
      if (realtime.state === 'open' && !open) void qc.invalidateQueries();
      open = realtime.state === 'open';
    });
    return () => {
      off();
      offState();
      realtime.stop();
    };
  }, [qc]);
}

export function useRoom(room: string | null) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!room) return;
    const leave = realtime.join(room);
    return () => {
      leave();
      unwatched(qc, room);
    };
  }, [room, qc]);
}

/** Who else is in `room`, announcing `state` for ourselves while mounted. */
export function usePresence(room: string | null, state?: Record<string, unknown>): PresenceUser[] {
  const [users, setUsers] = useState<PresenceUser[]>([]);
  const stateKey = JSON.stringify(state ?? {});
  useEffect(() => {
    if (!room) return;
    const leave = realtime.join(room);
    realtime.setPresence(room, JSON.parse(stateKey));
    const off = realtime.onFrame((f) => {
      if (f.t === 'presence' && f.room === room && Array.isArray(f.users)) setUsers(f.users);
    });
    return () => {
      off();
      leave();
      setUsers([]);
    };
  }, [room, stateKey]);
  return users;
}

/** True while live connections cannot be opened although the server answers (see Realtime.blocked). */
export function useLiveBlocked(): boolean {
  return useSyncExternalStore(
    (l) => realtime.onState(l),
    () => realtime.blocked,
  );
}

export function useSocketState(): SocketState {
  return useSyncExternalStore(
    (l) => realtime.onState(l),
    () => realtime.state,
  );
}
