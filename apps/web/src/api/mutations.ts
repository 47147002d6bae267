// Every write the client can queue offline. Each is registered by key with its function and its
// optimistic cache update, so a write paused while offline survives a reload (the persisted cache
// keeps paused mutations) and replays with the same behaviour when the connection is back.
import { type QueryClient, type QueryKey, useMutation } from '@tanstack/react-query';
import { applyMove, moveAllTo, rankBetween, reorder } from '../features/board/board-order.js';
import { baseOf, type TaskField } from '../features/tasks/task-fields.js';
import { isNetworkError, isStatus } from './errors.js';
import { keys } from './keys.js';
import { recordOwnEdit, versionToSend } from './own-task-versions.js';
import { api, type TaskPatch } from './tandem.js';
import type {
  ChecklistItemView,
  CommentView,
  DocumentView,
  LabelView,
  NotificationView,
  ProjectMemberView,
  Role,
  SprintView,
  StatusCategory,
  StatusView,
  TaskView,
} from './types.js';

export interface Vars {
  'task.create': { projectId: string; title: string; status?: string; sprintId?: string | null; tempId: string };
  /** `display`: how the change looks in the cache until the server answers (e.g. the labels of `labelIds`). */
  /**
   * `version`: the task's version the edit was made on (a stale one answers 409 and the author is
   * asked); `base`: what the edited fields held on that copy, so a conflict shows only the fields
   * someone else changed.
   */
  'task.update': {
    id: string;
    projectId?: string;
    patch: TaskPatch;
    display?: Partial<TaskView>;
    version?: number;
    base?: Partial<Record<TaskField, unknown>>;
  };
  'task.move': { id: string; projectId: string; status: string; afterId?: string; beforeId?: string };
  'task.delete': { id: string; projectId: string };
  'comment.create': { taskId: string; body: string; tempId: string; authorId: string };
  'checklist.add': { taskId: string; text: string; tempId: string };
  'checklist.update': { taskId: string; itemId: string; text?: string; done?: boolean };
  'checklist.remove': { taskId: string; itemId: string };
  'notification.read': { id: string };
  'notification.readAll': Record<string, never>;
  'document.rename': { workspaceId: string; id: string; title: string };
  'document.move': { workspaceId: string; id: string; parentId: string | null };
  'document.restore': { workspaceId: string; id: string };
  'sprint.create': { projectId: string; name: string; goal?: string; tempId: string };
  'sprint.start': { projectId: string; id: string };
  'sprint.complete': { projectId: string; id: string; moveTo?: string };
  'sprint.delete': { projectId: string; id: string };
  'label.create': { workspaceId: string; name: string; color?: string; tempId: string };
  'label.update': { workspaceId: string; id: string; name?: string; color?: string };
  'label.delete': { workspaceId: string; id: string };
  'status.create': { projectId: string; name: string; category: StatusCategory; tempId: string };
  'status.update': { projectId: string; id: string; name?: string; category?: StatusCategory; position?: number };
  'status.delete': { projectId: string; id: string; target?: string };
  'projectMember.set': { projectId: string; userId: string; role: Role };
  'projectMember.clear': { projectId: string; userId: string };
}
export type MutationName = keyof Vars;

type Snapshot = [QueryKey, unknown][];

/** Applies `change` to every cached copy under `key`, returning what to restore on failure. */
async function patchCache<T>(qc: QueryClient, key: QueryKey, change: (old: T) => T): Promise<Snapshot> {
  await qc.cancelQueries({ queryKey: key });
  const snapshot = qc.getQueriesData({ queryKey: key });
  qc.setQueriesData<T>({ queryKey: key }, (old) => (old === undefined ? old : change(old)));
  return snapshot;
}

function restore(qc: QueryClient, snapshots: Snapshot | undefined) {
  for (const [key, data] of snapshots ?? []) qc.setQueryData(key, data);
}

interface Definition<V> {
  fn: (v: V) => Promise<unknown>;
  optimistic?: (qc: QueryClient, v: V) => Promise<Snapshot>;
  settled?: (v: V) => QueryKey[];
}

/** The highest rank among `items` (null when there are none): a new one goes after it. */
const lastRank = (items: readonly { rank: string }[]) =>
  items
    .map((i) => i.rank)
    .sort()
    .at(-1) ?? null;

const defs: { [K in MutationName]: Definition<Vars[K]> } = {
  'task.create': {
    fn: (v) =>
      api.tasks.create(
        v.projectId,
        {
          title: v.title,
          ...(v.status ? { status: v.status } : {}),
          ...(v.sprintId ? { sprintId: v.sprintId } : {}),
        },
        v.tempId,
      ),
    optimistic: (qc, v) =>
      patchCache<TaskView[]>(qc, keys.tasks(v.projectId), (old) => {
        const last = lastRank(old.filter((t) => t.status === v.status));
        const now = new Date().toISOString();
        // The server's answer replaces it: until then, what a new task gets (the key and number are
        // the server's to give; without a status it takes the project's first).
        const pending: TaskView = {
          id: v.tempId,
          key: '…',
          number: 0,
          projectId: v.projectId,
          title: v.title,
          description: '',
          status: v.status ?? '',
          type: 'task',
          priority: 'none',
          assigneeId: null,
          reporterId: qc.getQueryData<{ id: string }>(keys.me)?.id ?? '',
          parentId: null,
          sprintId: v.sprintId ?? null,
          dueDate: null,
          estimate: null,
          rank: rankBetween(last, null),
          version: 0,
          labels: [],
          checklist: { done: 0, total: 0 },
          archived: false,
          createdAt: now,
          updatedAt: now,
        };
        return [...old, pending];
      }),
    settled: (v) => [keys.tasks(v.projectId)],
  },
  'task.update': {
    fn: async (v) => {
      if (v.version === undefined) return api.tasks.update(v.id, v.patch);
      const version = versionToSend(v.id, v.version);
      const view = await api.tasks.update(v.id, { ...v.patch, version });
      recordOwnEdit(v.id, version, view.version);
      return view;
    },
    optimistic: async (qc, v) => [
      ...(await patchCache<TaskView>(qc, keys.task(v.id), (t) => ({ ...t, ...v.patch, ...v.display }))),
      ...(v.projectId
        ? await patchCache<TaskView[]>(qc, keys.tasks(v.projectId), (l) =>
            l.map((t) => (t.id === v.id ? { ...t, ...v.patch, ...v.display } : t)),
          )
        : []),
    ],
    settled: (v) => [keys.task(v.id), ...(v.projectId ? [keys.tasks(v.projectId)] : [])],
  },
  'task.move': {
    fn: (v) => api.tasks.move(v.id, { status: v.status, afterId: v.afterId, beforeId: v.beforeId }),
    optimistic: (qc, v) => patchCache<TaskView[]>(qc, keys.tasks(v.projectId), (old) => applyMove(old, v)),
    settled: (v) => [keys.tasks(v.projectId), keys.task(v.id)],
  },
  'task.delete': {
    fn: (v) => api.tasks.remove(v.id),
    optimistic: (qc, v) => patchCache<TaskView[]>(qc, keys.tasks(v.projectId), (old) => old.filter((t) => t.id !== v.id)),
    settled: (v) => [keys.tasks(v.projectId)],
  },
  'comment.create': {
    fn: (v) => api.comments.create(v.taskId, v.body, v.tempId),
    optimistic: (qc, v) =>
      patchCache<CommentView[]>(qc, keys.comments(v.taskId), (old) => [
        ...old,
        // Mentions are the server's to work out (members only); the answer brings them.
        {
          id: v.tempId,
          taskId: v.taskId,
          authorId: v.authorId,
          body: v.body,
          mentions: [],
          createdAt: new Date().toISOString(),
          editedAt: null,
        },
      ]),
    settled: (v) => [keys.comments(v.taskId)],
  },
  'checklist.add': {
    fn: (v) => api.checklist.add(v.taskId, v.text, v.tempId),
    optimistic: (qc, v) =>
      patchCache<ChecklistItemView[]>(qc, keys.checklist(v.taskId), (old) => {
        // At the end of the list, as the server adds it.
        return [...old, { id: v.tempId, taskId: v.taskId, text: v.text, done: false, rank: rankBetween(lastRank(old), null) }];
      }),
    settled: (v) => [keys.checklist(v.taskId)],
  },
  'checklist.update': {
    fn: (v) =>
      api.checklist.update(v.itemId, {
        ...(v.text !== undefined ? { text: v.text } : {}),
        ...(v.done !== undefined ? { done: v.done } : {}),
      }),
    optimistic: (qc, v) =>
      patchCache<ChecklistItemView[]>(qc, keys.checklist(v.taskId), (old) =>
        old.map((i) =>
          i.id === v.itemId
            ? { ...i, ...(v.text !== undefined ? { text: v.text } : {}), ...(v.done !== undefined ? { done: v.done } : {}) }
            : i,
        ),
      ),
    settled: (v) => [keys.checklist(v.taskId)],
  },
  'checklist.remove': {
    fn: (v) => api.checklist.remove(v.itemId),
    optimistic: (qc, v) => patchCache<ChecklistItemView[]>(qc, keys.checklist(v.taskId), (old) => old.filter((i) => i.id !== v.itemId)),
    settled: (v) => [keys.checklist(v.taskId)],
  },
  'notification.read': {
    fn: (v) => api.notifications.read(v.id),
    optimistic: (qc, v) =>
      patchCache<NotificationView[]>(qc, keys.notifications, (old) =>
        old.map((n) => (n.id === v.id ? { ...n, read: true, readAt: n.readAt ?? new Date().toISOString() } : n)),
      ),
    settled: () => [keys.notifications],
  },
  'notification.readAll': {
    fn: () => api.notifications.readAll(),
    optimistic: (qc) =>
      patchCache<NotificationView[]>(qc, keys.notifications, (old) =>
        old.map((n) => ({ ...n, read: true, readAt: n.readAt ?? new Date().toISOString() })),
      ),
    settled: () => [keys.notifications],
  },
  'document.rename': {
    fn: (v) => api.documents.rename(v.id, v.title),
    optimistic: (qc, v) =>
      patchCache<DocumentView[]>(qc, keys.documents(v.workspaceId), (old) =>
        old.map((d) => (d.id === v.id ? { ...d, title: v.title } : d)),
      ),
    settled: (v) => [keys.documents(v.workspaceId), ['document', v.id]],
  },
  'document.move': {
    fn: (v) => api.documents.move(v.id, { parentId: v.parentId }),
    optimistic: (qc, v) =>
      patchCache<DocumentView[]>(qc, keys.documents(v.workspaceId), (old) =>
        old.map((d) => (d.id === v.id ? { ...d, parentId: v.parentId } : d)),
      ),
    settled: (v) => [keys.documents(v.workspaceId)],
  },
  'document.restore': {
    fn: (v) => api.documents.restore(v.id),
    settled: (v) => [keys.documents(v.workspaceId)],
  },
  'sprint.create': {
    fn: (v) => api.sprints.create(v.projectId, { name: v.name, ...(v.goal ? { goal: v.goal } : {}) }, v.tempId),
    optimistic: (qc, v) =>
      patchCache<SprintView[]>(qc, keys.sprints(v.projectId), (old) => [
        ...old,
        {
          id: v.tempId,
          projectId: v.projectId,
          name: v.name,
          goal: v.goal ?? '',
          state: 'planned',
          startDate: null,
          endDate: null,
          startedAt: null,
          completedAt: null,
          createdAt: new Date().toISOString(),
        },
      ]),
    settled: (v) => [keys.sprints(v.projectId)],
  },
  'sprint.start': {
    fn: (v) => api.sprints.start(v.id),
    optimistic: (qc, v) =>
      patchCache<SprintView[]>(qc, keys.sprints(v.projectId), (old) => old.map((s) => (s.id === v.id ? { ...s, state: 'active' } : s))),
    settled: (v) => [keys.sprints(v.projectId), keys.tasks(v.projectId)],
  },
  'sprint.complete': {
    fn: (v) => api.sprints.complete(v.id, v.moveTo),
    optimistic: (qc, v) =>
      patchCache<SprintView[]>(qc, keys.sprints(v.projectId), (old) => old.map((s) => (s.id === v.id ? { ...s, state: 'completed' } : s))),
    settled: (v) => [keys.sprints(v.projectId), keys.tasks(v.projectId)],
  },
  'sprint.delete': {
    fn: (v) => api.sprints.remove(v.id),
    optimistic: async (qc, v) => [
      ...(await patchCache<SprintView[]>(qc, keys.sprints(v.projectId), (old) => old.filter((s) => s.id !== v.id))),
      ...(await patchCache<TaskView[]>(qc, keys.tasks(v.projectId), (old) =>
        old.map((t) => (t.sprintId === v.id ? { ...t, sprintId: null } : t)),
      )),
    ],
    settled: (v) => [keys.sprints(v.projectId), keys.tasks(v.projectId)],
  },
  'label.create': {
    fn: (v) => api.labels.create(v.workspaceId, { name: v.name, ...(v.color ? { color: v.color } : {}) }, v.tempId),
    optimistic: (qc, v) =>
      patchCache<LabelView[]>(qc, keys.labels(v.workspaceId), (old) => [
        ...old,
        { id: v.tempId, workspaceId: v.workspaceId, name: v.name, color: v.color ?? '#888888' },
      ]),
    settled: (v) => [keys.labels(v.workspaceId)],
  },
  'label.update': {
    fn: (v) =>
      api.labels.update(v.id, { ...(v.name !== undefined ? { name: v.name } : {}), ...(v.color !== undefined ? { color: v.color } : {}) }),
    optimistic: (qc, v) =>
      patchCache<LabelView[]>(qc, keys.labels(v.workspaceId), (old) =>
        old.map((l) =>
          l.id === v.id
            ? { ...l, ...(v.name !== undefined ? { name: v.name } : {}), ...(v.color !== undefined ? { color: v.color } : {}) }
            : l,
        ),
      ),
    // Chips on cards and in drawers carry the label's name and colour.
    settled: (v) => [keys.labels(v.workspaceId), ['tasks'], ['task']],
  },
  'label.delete': {
    fn: (v) => api.labels.remove(v.id),
    optimistic: (qc, v) => patchCache<LabelView[]>(qc, keys.labels(v.workspaceId), (old) => old.filter((l) => l.id !== v.id)),
    settled: (v) => [keys.labels(v.workspaceId), ['tasks'], ['task']],
  },
  'status.create': {
    fn: (v) => api.statuses.create(v.projectId, { name: v.name, category: v.category }, v.tempId),
    optimistic: (qc, v) =>
      patchCache<StatusView[]>(qc, keys.statuses(v.projectId), (old) => [
        ...old,
        { id: v.tempId, projectId: v.projectId, name: v.name, category: v.category, position: old.length },
      ]),
    settled: (v) => [keys.statuses(v.projectId)],
  },
  'status.update': {
    fn: (v) =>
      api.statuses.update(v.id, {
        ...(v.name !== undefined ? { name: v.name } : {}),
        ...(v.category !== undefined ? { category: v.category } : {}),
        ...(v.position !== undefined ? { position: v.position } : {}),
      }),
    optimistic: (qc, v) =>
      patchCache<StatusView[]>(qc, keys.statuses(v.projectId), (old) => {
        const changed = old.map((s) =>
          s.id === v.id
            ? { ...s, ...(v.name !== undefined ? { name: v.name } : {}), ...(v.category !== undefined ? { category: v.category } : {}) }
            : s,
        );
        return v.position === undefined ? changed : reorder(changed, v.id, v.position);
      }),
    settled: (v) => [keys.statuses(v.projectId)],
  },
  'status.delete': {
    fn: (v) => api.statuses.remove(v.id, v.target),
    optimistic: async (qc, v) => [
      ...(await patchCache<StatusView[]>(qc, keys.statuses(v.projectId), (old) =>
        old.filter((s) => s.id !== v.id).map((s, i) => ({ ...s, position: i })),
      )),
      ...(v.target ? await patchCache<TaskView[]>(qc, keys.tasks(v.projectId), (old) => moveAllTo(old, v.id, v.target!)) : []),
    ],
    settled: (v) => [keys.statuses(v.projectId), keys.tasks(v.projectId)],
  },
  'projectMember.set': {
    fn: (v) => api.projects.setMemberRole(v.projectId, v.userId, v.role),
    optimistic: (qc, v) =>
      patchCache<ProjectMemberView[]>(qc, keys.projectMembers(v.projectId), (old) =>
        old.map((m) => (m.userId === v.userId ? { ...m, role: v.role, override: true } : m)),
      ),
    settled: (v) => [keys.projectMembers(v.projectId), keys.project(v.projectId)],
  },
  'projectMember.clear': {
    fn: (v) => api.projects.clearMemberRole(v.projectId, v.userId),
    optimistic: (qc, v) =>
      patchCache<ProjectMemberView[]>(qc, keys.projectMembers(v.projectId), (old) =>
        old.map((m) => (m.userId === v.userId ? { ...m, role: m.workspaceRole, override: false } : m)),
      ),
    settled: (v) => [keys.projectMembers(v.projectId), keys.project(v.projectId)],
  },
};

/**
 * Edits of tasks go out one after another, so each is sent on the version the previous one produced;
 * so do moves, so two quick moves of a card (Alt+→ then Alt+↑) reach the server in the order made,
 * not the second first (it would then be overtaken by the first and the card end where it was).
 */
const SCOPES: Partial<Record<MutationName, string>> = { 'task.update': 'task.update', 'task.move': 'task.move' };

/** Registers every mutation by key; must run before the persisted cache is restored. */
export function registerMutations(qc: QueryClient, onError: <K extends MutationName>(err: unknown, name: K, vars: Vars[K]) => void) {
  for (const name of Object.keys(defs) as MutationName[]) {
    const def = defs[name] as Definition<unknown>;
    qc.setMutationDefaults([name], {
      mutationFn: def.fn,
      ...(SCOPES[name] ? { scope: { id: SCOPES[name] } } : {}),
      // An unreachable server is not a failure: keep the write and retry once we are back online.
      retry: (count, err) => isNetworkError(err) || (isStatus(err, 500, 502, 503, 504) && count < 2),
      retryDelay: (count) => Math.min(1000 * 2 ** count, 15_000),
      onMutate: def.optimistic ? (v) => def.optimistic!(qc, v) : undefined,
      onError: (err, v, snapshot) => {
        restore(qc, snapshot as Snapshot | undefined);
        onError(err, name, v as Vars[typeof name]);
      },
      // While more writes of the same kind are on their way, refetching would show the state
      // between them (a card jumping back, then forward again): the last one to settle refetches.
      onSettled: (_d, _e, v) =>
        qc.isMutating({ mutationKey: [name] }) > 1
          ? undefined
          : Promise.all((def.settled?.(v) ?? []).map((queryKey) => qc.invalidateQueries({ queryKey }))),
    });
  }
}

/** A mutation from the registry; components only say what they want done. */
export function useTandemMutation<K extends MutationName>(name: K) {
  return useMutation<unknown, Error, Vars[K]>({ mutationKey: [name] });
}

/** An edit of `task` as it is on screen: carries the version and the values it was made on. */
export function taskEdit(
  task: TaskView,
  projectId: string | undefined,
  patch: TaskPatch,
  display?: Partial<TaskView>,
): Vars['task.update'] {
  return { id: task.id, projectId, patch, display, version: task.version, base: baseOf(task, patch) };
}

/**
 * Whether a write of ours still on its way will refetch `key` once it settles. A live event about the
 * same thing meanwhile should only mark it stale: refetching at once could bring back the server's
 * state from before our write (a box just ticked unticking, then ticking again).
 */
export function refetchedWhenSettled(qc: QueryClient, key: QueryKey): boolean {
  const overlaps = (a: QueryKey, b: QueryKey) =>
    a.slice(0, b.length).every((part, i) => part === b[i]) || b.slice(0, a.length).every((part, i) => part === a[i]);
  return qc
    .getMutationCache()
    .getAll()
    .some((m) => {
      if (m.state.status !== 'pending') return false;
      const def = defs[m.options.mutationKey?.[0] as MutationName] as Definition<unknown> | undefined;
      return def?.settled?.(m.state.variables).some((settles) => overlaps(key, settles)) ?? false;
    });
}

export function tempId(): string {
  return `tmp-${crypto.randomUUID()}`;
}
