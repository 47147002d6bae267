// Backlog grouping: tasks by sprint (in board order), the backlog being the tasks in no sprint.
import type { SprintView, StatusView, TaskView } from '../../api/types.js';

const byRank = (a: TaskView, b: TaskView) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1);

export function sprintLists(sprints: SprintView[], tasks: TaskView[]): { bySprint: Map<string, TaskView[]>; backlog: TaskView[] } {
  const bySprint = new Map<string, TaskView[]>(sprints.map((s) => [s.id, []]));
  const backlog: TaskView[] = [];
  for (const t of tasks) {
    const list = t.sprintId ? bySprint.get(t.sprintId) : undefined;
    // A task whose sprint is unknown here (deleted meanwhile) shows in the backlog until the refetch.
    (list ?? backlog).push(t);
  }
  for (const list of bySprint.values()) list.sort(byRank);
  backlog.sort(byRank);
  return { bySprint, backlog };
}

/** Tasks whose status is not in the `done` category: what completing a sprint moves on. */
export function unfinished(tasks: TaskView[], statuses: StatusView[]): TaskView[] {
  const done = new Set(statuses.filter((s) => s.category === 'done').map((s) => s.id));
  return tasks.filter((t) => !done.has(t.status));
}
