// Board ordering: tasks in a column sort by their server rank (byte order, like the database's
// COLLATE "C"). A drop turns into the API's `{status, afterId, beforeId}` and, until the server
// answers, an optimistic rank strictly between the neighbours.
import type { StatusView, TaskView } from '../../api/types.js';

const LOW = 0x21; // '!'
const HIGH = 0x7e; // '~'

const byRank = (a: TaskView, b: TaskView) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1);

/** A string that sorts strictly between `after` and `before` (either may be absent). */
export function rankBetween(after: string | null, before: string | null): string {
  const a = after ?? '';
  let b = before;
  let out = '';
  for (let i = 0; i < 64; i++) {
    const lo = i < a.length ? a.charCodeAt(i) : LOW - 1;
    const hi = b !== null && i < b.length ? b.charCodeAt(i) : HIGH + 1;
    if (lo === hi) {
      out += String.fromCharCode(lo);
      continue;
    }
    const mid = Math.floor((lo + hi) / 2);
    if (mid > lo) return out + String.fromCharCode(mid);
    // Adjacent characters: keep `lo` and look for room after it, with no upper bound left.
    out += String.fromCharCode(Math.max(lo, LOW));
    b = null;
  }
  return `${a}~`;
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

/** `id` moved to `position` among the others (the API's reorder), positions renumbered. */
export function reorder<T extends { id: string; position?: number }>(list: T[], id: string, position: number): T[] {
  const item = list.find((s) => s.id === id);
  if (!item) return list;
  const rest = list.filter((s) => s.id !== id);
  rest.splice(Math.max(0, Math.min(position, rest.length)), 0, item);
  return rest.map((s, i) => ({ ...s, position: i }));
}
