// The editable fields of a task, compared the same way wherever an edit meets the server's copy:
// label sets as sorted ids, due dates as calendar days, absent values as null.
import type { TaskPatch } from '../../api/tandem.js';
import type { TaskView } from '../../api/types.js';

export type TaskField = keyof TaskPatch;

export const FIELD_NAMES: Record<TaskField, string> = {
  title: 'Title',
  description: 'Description',
  priority: 'Priority',
  assigneeId: 'Assignee',
  dueDate: 'Due date',
  status: 'Status',
  sprintId: 'Sprint',
  labelIds: 'Labels',
};

/** Fields a person can retype in the conflict dialog. */
export const TEXT_FIELDS: TaskField[] = ['title', 'description'];

const day = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 10) : null);

/** The value of `field` on the server's copy of the task. */
export function taskValue(task: TaskView, field: TaskField): unknown {
  switch (field) {
    case 'labelIds':
      return (task.labels ?? []).map((l) => l.id).sort();
    case 'dueDate':
      return day(task.dueDate);
    case 'description':
      return task.description ?? '';
    default:
      return task[field] ?? null;
  }
}

/** The value an edit sets `field` to. */
export function patchValue(patch: TaskPatch, field: TaskField): unknown {
  const v = patch[field];
  if (field === 'labelIds') return [...((v as string[] | undefined) ?? [])].sort();
  if (field === 'dueDate') return day(v);
  return v ?? null;
}

export const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What the edited fields held on the copy the edit was made on. */
export function baseOf(task: TaskView, patch: TaskPatch): Partial<Record<TaskField, unknown>> {
  return Object.fromEntries((Object.keys(patch) as TaskField[]).map((f) => [f, taskValue(task, f)]));
}
