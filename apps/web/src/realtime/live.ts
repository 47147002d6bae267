// Keeps the cache live: realtime events invalidate (or patch) exactly the queries they affect,
// and screens join the rooms they show.
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { keys } from '../api/keys.js';
import type { TaskView, WorkspaceView } from '../api/types.js';
import { navigate } from '../app/router.js';
import { toast } from '../ui/toast.js';
import { type PresenceUser, realtime, type ServerFrame, type SocketState } from './socket.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Events of changes the audit log records: an open audit log refetches. */
const AUDITED = new Set(['member.changed', 'document.shared', 'document.deleted', 'document.purged', 'project.deleted']);

function applyEvent(qc: QueryClient, frame: Extract<ServerFrame, { t: 'event' }>) {
  const [kind, id] = frame.room.split(':') as [string, string];
  const data = frame.data ?? {};
  const taskId = str(data.taskId) ?? (frame.type.startsWith('task.') ? str(data.id) : undefined) ?? (kind === 'task' ? id : undefined);
  const projectId = str(data.projectId) ?? (kind === 'project' ? id : undefined);
  const workspaceId = str(data.workspaceId) ?? (kind === 'workspace' ? id : undefined);
  const entity = frame.type.split('.')[0];
  if (workspaceId && AUDITED.has(frame.type)) void qc.invalidateQueries({ queryKey: keys.audit(workspaceId) });
  // Whatever happened to a task shows in its timeline.
  if (taskId && (entity === 'task' || entity === 'comment' || entity === 'checklist')) {
    void qc.invalidateQueries({ queryKey: keys.activity(taskId) });
  }

  if (frame.type === 'backlinks.changed') {
    const targetKind = str(data.targetKind);
    const targetId = str(data.targetId);
    if ((targetKind === 'document' || targetKind === 'task') && targetId)
      void qc.invalidateQueries({ queryKey: keys.backlinks(targetKind, targetId) });
    return;
  }
  if (entity === 'template' && workspaceId) {
    void qc.invalidateQueries({ queryKey: keys.templates(workspaceId) });
    return;
  }
  if (entity === 'task') {
    const task = (data.task ?? data) as Partial<TaskView>;
    // A full task in the event lands on the board at once; the refetch confirms it.
    if (projectId && task.id && typeof task.rank === 'string' && typeof task.status === 'string') {
      qc.setQueryData<TaskView[]>(keys.tasks(projectId), (old) => {
        if (!old) return old;
        if (frame.type === 'task.deleted') return old.filter((t) => t.id !== task.id);
        const exists = old.some((t) => t.id === task.id);
        return exists ? old.map((t) => (t.id === task.id ? { ...t, ...task } : t)) : [...old, task as TaskView];
      });
    }
    if (projectId) void qc.invalidateQueries({ queryKey: keys.tasks(projectId) });
    if (taskId) void qc.invalidateQueries({ queryKey: keys.task(taskId) });
  } else if (entity === 'comment' && taskId) {
    void qc.invalidateQueries({ queryKey: keys.comments(taskId) });
  } else if (entity === 'checklist' && taskId) {
    void qc.invalidateQueries({ queryKey: keys.checklist(taskId) });
    // The event carries the task's new done/total: cards and the drawer show it at once.
    if (typeof data.done === 'number' && typeof data.total === 'number') {
      const checklist = { done: data.done, total: data.total };
      qc.setQueriesData<TaskView[]>({ queryKey: ['tasks'] }, (old) => old?.map((t) => (t.id === taskId ? { ...t, checklist } : t)));
      qc.setQueryData<TaskView>(keys.task(taskId), (old) => (old ? { ...old, checklist } : old));
    }
  } else if (entity === 'document') {
    // Shares reach the shared user's own room, which names no workspace.
    if (workspaceId) void qc.invalidateQueries({ queryKey: keys.documents(workspaceId) });
    void qc.invalidateQueries({ queryKey: keys.shared });
  } else if (entity === 'project' && workspaceId) {
    void qc.invalidateQueries({ queryKey: keys.projects(workspaceId) });
    if (projectId) void qc.invalidateQueries({ queryKey: keys.project(projectId) });
  } else if (entity === 'sprint' && projectId) {
    // Starting or completing a sprint moves tasks between sprints and the backlog.
    void qc.invalidateQueries({ queryKey: keys.sprints(projectId) });
    void qc.invalidateQueries({ queryKey: keys.tasks(projectId) });
  } else if (entity === 'status' && projectId) {
    void qc.invalidateQueries({ queryKey: keys.statuses(projectId) });
    if (frame.type === 'status.deleted') void qc.invalidateQueries({ queryKey: keys.tasks(projectId) });
  } else if (entity === 'label' && workspaceId) {
    void qc.invalidateQueries({ queryKey: keys.labels(workspaceId) });
    // Cards and drawers show label names and colours.
    if (frame.type !== 'label.created') {
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['task'] });
    }
  } else if (entity === 'member' && projectId) {
    // A project role override.
    void qc.invalidateQueries({ queryKey: keys.projectMembers(projectId) });
    void qc.invalidateQueries({ queryKey: keys.project(projectId) });
  } else if (entity === 'invitation') {
    void qc.invalidateQueries({ queryKey: ['invitations'] });
    if (kind === 'user' && frame.type === 'invitation.received') {
      const title = str(data.title);
      if (title) toast(title);
    }
  } else if ((entity === 'member' || entity === 'workspace') && workspaceId) {
    void qc.invalidateQueries({ queryKey: keys.members(workspaceId) });
    void qc.invalidateQueries({ queryKey: keys.workspaces });
    // Someone joined through an invitation: pending lists change on both sides.
    void qc.invalidateQueries({ queryKey: ['invitations'] });
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
    // Whatever happened while the socket was down is refetched once it is back.
    let wasOpen = false;
    const offState = realtime.onState(() => {
      if (realtime.state === 'open' && wasOpen) void qc.invalidateQueries();
      if (realtime.state === 'open') wasOpen = true;
    });
    return () => {
      off();
      offState();
      realtime.stop();
    };
  }, [qc]);
}

export function useRoom(room: string | null) {
  useEffect(() => (room ? realtime.join(room) : undefined), [room]);
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
