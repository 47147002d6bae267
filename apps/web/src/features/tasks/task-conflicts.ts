// Edits the server refused because the task changed since they were made (409). Nothing is
// resolved silently: fields nobody else touched go through as they were, every field someone else
// changed too waits for its author to choose (keep mine, keep theirs, or retype it). Waiting
// conflicts are kept in IndexedDB, so a reload does not lose them.
import { MutationObserver, type QueryClient } from '@tanstack/react-query';
import { del, get, set } from 'idb-keyval';
import { useSyncExternalStore } from 'react';
import { isStatus } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import type { Vars } from '../../api/mutations.js';
import { api, type TaskPatch } from '../../api/tandem.js';
import type { TaskView } from '../../api/types.js';
import { patchValue, sameValue, type TaskField, taskValue } from './task-fields.js';

const STORAGE_KEY = 'tandem.task-conflicts';

export interface ConflictField {
  field: TaskField;
  mine: unknown;
  theirs: unknown;
  /** Who made the change that now stands, when the activity log says. */
  changedBy: string | null;
}

export interface TaskConflict {
  id: string;
  taskId: string;
  projectId?: string;
  taskKey: string;
  taskTitle: string;
  /** The version the resolution is sent on: the server's copy the choices were made against. */
  version: number;
  fields: ConflictField[];
  /** Fields of the same edit nobody else changed: sent along with the resolution. */
  unopposed: TaskPatch;
  display?: Partial<TaskView>;
  /** The task was deleted meanwhile: nothing can be sent, the text is shown to copy. */
  gone: boolean;
}

export type Choice = { keep: 'mine' } | { keep: 'theirs' } | { keep: 'edit'; text: string };

let conflicts: TaskConflict[] = [];
let loaded = false;
const listeners = new Set<() => void>();

function changed(next: TaskConflict[]) {
  conflicts = next;
  void (next.length ? set(STORAGE_KEY, next) : del(STORAGE_KEY)).catch(() => undefined);
  for (const l of listeners) l();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!loaded) {
    loaded = true;
    void get<TaskConflict[]>(STORAGE_KEY)
      .then((saved) => {
        if (saved?.length) changed([...saved.filter((s) => !conflicts.some((c) => c.id === s.id)), ...conflicts]);
      })
      .catch(() => undefined);
  }
  return () => listeners.delete(listener);
}

export function useTaskConflicts(): TaskConflict[] {
  return useSyncExternalStore(subscribe, () => conflicts);
}

/** Sends an edit through the registered `task.update` mutation (so a new 409 comes back here). */
function send(qc: QueryClient, vars: Vars['task.update']) {
  void new MutationObserver<unknown, Error, Vars['task.update']>(qc, { mutationKey: ['task.update'] }).mutate(vars).catch(() => undefined);
}

/** Who last changed each field, newest first in the task's activity. */
async function lastChangers(taskId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  try {
    const page = await api.tasks.activity(taskId);
    for (const a of page) {
      for (const field of Object.keys(a.changes ?? {})) if (a.actorId && !out.has(field)) out.set(field, a.actorId);
    }
  } catch {
    // Attribution is a courtesy; the conflict is shown without it.
  }
  return out;
}

/** A `task.update` answered 409: work out what really conflicts and ask its author about that. */
export async function reportTaskConflict(qc: QueryClient, vars: Vars['task.update']): Promise<void> {
  let current: TaskView | null = null;
  try {
    current = await api.tasks.get(vars.id);
    qc.setQueryData(keys.task(vars.id), current);
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
  }
  const cached = qc.getQueryData<TaskView>(keys.task(vars.id));
  const fields: ConflictField[] = [];
  const unopposed: TaskPatch = {};
  const changers = current ? await lastChangers(vars.id) : new Map<string, string>();
  for (const field of Object.keys(vars.patch) as TaskField[]) {
    const mine = patchValue(vars.patch, field);
    const theirs = current ? taskValue(current, field) : null;
    if (current && sameValue(mine, theirs)) continue;
    const untouched = current && vars.base && field in vars.base && sameValue(vars.base[field], theirs);
    if (untouched) Object.assign(unopposed, { [field]: vars.patch[field] });
    else fields.push({ field, mine, theirs, changedBy: changers.get(field) ?? null });
  }
  if (current && fields.length === 0) {
    if (Object.keys(unopposed).length > 0) {
      send(qc, { id: vars.id, projectId: vars.projectId, patch: unopposed, display: vars.display, version: current.version });
    }
    return;
  }
  const task = current ?? cached;
  changed([
    ...conflicts,
    {
      id: crypto.randomUUID(),
      taskId: vars.id,
      projectId: vars.projectId,
      taskKey: task?.key ?? 'Task',
      taskTitle: task?.title ?? '',
      version: current?.version ?? 0,
      fields,
      unopposed,
      display: vars.display,
      gone: current === null,
    },
  ]);
}

/** Applies the author's choices: one edit on the version they were shown, or nothing. */
export function resolveTaskConflict(qc: QueryClient, conflict: TaskConflict, choices: Partial<Record<TaskField, Choice>>) {
  changed(conflicts.filter((c) => c.id !== conflict.id));
  if (conflict.gone) return;
  const patch: TaskPatch = { ...conflict.unopposed };
  for (const f of conflict.fields) {
    const choice = choices[f.field] ?? { keep: 'theirs' };
    if (choice.keep === 'mine') Object.assign(patch, { [f.field]: f.mine });
    else if (choice.keep === 'edit') Object.assign(patch, { [f.field]: choice.text });
  }
  if (Object.keys(patch).length === 0) return;
  const display = 'labelIds' in patch ? conflict.display : undefined;
  const base = Object.fromEntries(conflict.fields.map((f) => [f.field, f.theirs]));
  send(qc, { id: conflict.taskId, projectId: conflict.projectId, patch, display, version: conflict.version, base });
}

export async function clearTaskConflicts() {
  conflicts = [];
  await del(STORAGE_KEY).catch(() => undefined);
  for (const l of listeners) l();
}
