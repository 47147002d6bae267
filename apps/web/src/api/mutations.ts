// Every write the client can queue offline. Each is registered by key with its function and its
// optimistic cache update, so a write paused while offline survives a reload (the persisted cache
// keeps paused mutations) and replays with the same behaviour when the connection is back.
import { type QueryClient, type QueryKey, useMutation } from '@tanstack/react-query';
import { applyMove } from '../features/board/board-order.js';
import { isNetworkError, isStatus } from './errors.js';
import { keys } from './keys.js';
import { api, type TaskPatch } from './tandem.js';
import type { ChecklistItemView, CommentView, DocumentView, NotificationView, TaskView } from './types.js';

export interface Vars {
  'task.create': { projectId: string; title: string; status?: string; tempId: string };
  'task.update': { id: string; projectId?: string; patch: TaskPatch };
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

const defs: { [K in MutationName]: Definition<Vars[K]> } = {
  'task.create': {
    fn: (v) => api.tasks.create(v.projectId, { title: v.title, ...(v.status ? { status: v.status } : {}) }),
    optimistic: (qc, v) =>
      patchCache<TaskView[]>(qc, keys.tasks(v.projectId), (old) => {
        const last =
          old
            .filter((t) => t.status === v.status)
            .map((t) => t.rank)
            .sort()
            .at(-1) ?? '';
        return [
          ...old,
          {
            id: v.tempId,
            key: '…',
            title: v.title,
            status: v.status ?? '',
            priority: 'none',
            assigneeId: null,
            rank: `${last}~`,
            version: 0,
          },
        ];
      }),
    settled: (v) => [keys.tasks(v.projectId)],
  },
  'task.update': {
    fn: (v) => api.tasks.update(v.id, v.patch),
    optimistic: async (qc, v) => [
      ...(await patchCache<TaskView>(qc, keys.task(v.id), (t) => ({ ...t, ...v.patch }))),
      ...(v.projectId
        ? await patchCache<TaskView[]>(qc, keys.tasks(v.projectId), (l) => l.map((t) => (t.id === v.id ? { ...t, ...v.patch } : t)))
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
    fn: (v) => api.comments.create(v.taskId, v.body),
    optimistic: (qc, v) =>
      patchCache<CommentView[]>(qc, keys.comments(v.taskId), (old) => [
        ...old,
        { id: v.tempId, authorId: v.authorId, body: v.body, createdAt: new Date().toISOString() },
      ]),
    settled: (v) => [keys.comments(v.taskId)],
  },
  'checklist.add': {
    fn: (v) => api.checklist.add(v.taskId, v.text),
    optimistic: (qc, v) =>
      patchCache<ChecklistItemView[]>(qc, keys.checklist(v.taskId), (old) => [...old, { id: v.tempId, text: v.text, done: false }]),
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
        old.map((n) => (n.id === v.id ? { ...n, readAt: n.readAt ?? new Date().toISOString() } : n)),
      ),
    settled: () => [keys.notifications],
  },
  'notification.readAll': {
    fn: () => api.notifications.readAll(),
    optimistic: (qc) =>
      patchCache<NotificationView[]>(qc, keys.notifications, (old) =>
        old.map((n) => ({ ...n, readAt: n.readAt ?? new Date().toISOString() })),
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
};

/** Registers every mutation by key; must run before the persisted cache is restored. */
export function registerMutations(qc: QueryClient, onError: (err: unknown, name: MutationName) => void) {
  for (const name of Object.keys(defs) as MutationName[]) {
    const def = defs[name] as Definition<unknown>;
    qc.setMutationDefaults([name], {
      mutationFn: def.fn,
      // An unreachable server is not a failure: keep the write and retry once we are back online.
      retry: (count, err) => isNetworkError(err) || (isStatus(err, 500, 502, 503, 504) && count < 2),
      retryDelay: (count) => Math.min(1000 * 2 ** count, 15_000),
      onMutate: def.optimistic ? (v) => def.optimistic!(qc, v) : undefined,
      onError: (err, _v, snapshot) => {
        restore(qc, snapshot as Snapshot | undefined);
        onError(err, name);
      },
      onSettled: (_d, _e, v) => Promise.all((def.settled?.(v) ?? []).map((queryKey) => qc.invalidateQueries({ queryKey }))),
    });
  }
}

/** A mutation from the registry; components only say what they want done. */
export function useTandemMutation<K extends MutationName>(name: K) {
  return useMutation<unknown, Error, Vars[K]>({ mutationKey: [name] });
}

export function tempId(): string {
  return `tmp-${crypto.randomUUID()}`;
}
