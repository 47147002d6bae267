// Board ordering: tasks in a column sort by their server rank (byte order, like the database's
// COLLATE "C"). A drop turns into the API's `{status, afterId, beforeId}` and, until the server
// answers, an optimistic rank strictly between the neighbours (the server's own scheme).
import { rankBetween as sharedRankBetween } from '@tandem/protocol';
import type { StatusView, TaskView } from '../../api/types.js';

const byRank = (a: TaskView, b: TaskView) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1);

/**
 * The rank the server will give a card placed between `after` and `before` (either may be absent),
 * from the one shared scheme. Neighbours the cache holds out of order (a move by someone else not
 * yet seen) place it right after `after`; the server's answer corrects it.
 */
export function rankBetween(after: string | null, before: string | null): string {
  try {
    return sharedRankBetween(after, before);
  } catch {
    return sharedRankBetween(after, null);
  }
}

export function columns(statuses: StatusView[], tasks: TaskView[]): Map<string, TaskView[]> {
  const out = new Map<string, TaskView[]>(statuses.map((s) => [s.id, []]));
  for (const t of tasks) {
    out.get(t.status)?.push(t);
  }
  for (const list of out.values()) list.sort(byRank);
  return out;
}

export interface MoveRequest {
  taskId: string;
  status: string;
  afterId?: string;
  beforeId?: string;
}

/**
 * The move that puts `taskId` at `index` of the target column (as shown, the moved task
 * excluded): after the card above, before the card below.
 */
export function moveRequest(taskId: string, target: TaskView[], index: number, status: string): MoveRequest {
  const others = target.filter((t) => t.id !== taskId);
  const i = Math.max(0, Math.min(index, others.length));
  const after = others[i - 1];
  const before = others[i];
  return { taskId, status, ...(after ? { afterId: after.id } : {}), ...(before ? { beforeId: before.id } : {}) };
}

/** The task list as it will look once the server accepts the move. */
export function applyMove(tasks: TaskView[], move: { id: string; status: string; afterId?: string; beforeId?: string }): TaskView[] {
  const after = move.afterId ? tasks.find((t) => t.id === move.afterId) : undefined;
  const before = move.beforeId ? tasks.find((t) => t.id === move.beforeId) : undefined;
  const rank = rankBetween(after?.rank ?? null, before?.rank ?? null);
  return tasks.map((t) => (t.id === move.id ? { ...t, status: move.status, rank } : t));
}

/** Every task of status `from` appended, in order, to the end of status `to` (a deleted column's cards). */
export function moveAllTo(tasks: TaskView[], from: string, to: string): TaskView[] {
  let last = tasks.filter((t) => t.status === to).reduce<string | null>((m, t) => (m === null || t.rank > m ? t.rank : m), null);
  const moving = tasks.filter((t) => t.status === from).sort(byRank);
  const ranks = new Map<string, string>();
  for (const t of moving) {
    last = rankBetween(last, null);
    ranks.set(t.id, last);
  }
  return tasks.map((t) => (ranks.has(t.id) ? { ...t, status: to, rank: ranks.get(t.id)! } : t));
}

/** `id` moved to `position` among the others (the API's reorder), positions renumbered. */
export function reorder<T extends { id: string; position?: number }>(list: T[], id: string, position: number): T[] {
  const item = list.find((s) => s.id === id);
  if (!item) return list;
  const rest = list.filter((s) => s.id !== id);
  rest.splice(Math.max(0, Math.min(position, rest.length)), 0, item);
  return rest.map((s, i) => ({ ...s, position: i }));
}
