// Asks the author of an edit the server refused as stale what to do with each field someone else
// changed meanwhile: keep mine, keep theirs, or retype it. One conflict at a time, oldest first.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { LabelView, MemberView, SprintView, StatusView } from '../../api/types.js';
import { type Choice, type ConflictField, resolveTaskConflict, type TaskConflict, useTaskConflicts } from './task-conflicts.js';
import { FIELD_NAMES, type TaskField, TEXT_FIELDS } from './task-fields.js';

export function ConflictDialog() {
  const conflicts = useTaskConflicts();
  const first = conflicts[0];
  if (!first) return null;
  return <ConflictForm key={first.id} conflict={first} waiting={conflicts.length - 1} />;
}

function ConflictForm({ conflict, waiting }: { conflict: TaskConflict; waiting: number }) {
  const qc = useQueryClient();
  const [choices, setChoices] = useState<Partial<Record<TaskField, Choice>>>(() =>
    Object.fromEntries(conflict.fields.map((f) => [f.field, { keep: 'mine' }])),
  );
  const show = useValueText(conflict);
  const name = (id: string | null) =>
    id
      ? (qc
          .getQueriesData<MemberView[]>({ queryKey: ['members'] })
          .flatMap(([, m]) => m ?? [])
          .find((m) => m.userId === id)?.displayName ?? 'someone')
      : 'someone';

  useEffect(() => {
    document.getElementById('conflict-title')?.focus();
  }, []);

  const apply = () => resolveTaskConflict(qc, conflict, choices);
  return (
    <div className="modal-backdrop">
      <div className="modal conflict" role="dialog" aria-modal="true" aria-labelledby="conflict-title">
        <h2 id="conflict-title" tabIndex={-1}>
          {conflict.gone ? 'This task was deleted' : 'Your change meets a newer one'}
        </h2>
        <p className="muted">
          {conflict.gone
            ? `${conflict.taskKey} "${conflict.taskTitle}" was deleted before your change reached the server. Your text is below to copy.`
            : `After you made this change, ${conflict.taskKey} "${conflict.taskTitle}" was changed by someone else. Choose what to keep for each field.`}
          {waiting > 0 && ` ${waiting} more waiting.`}
        </p>
        <ul className="conflict-fields">
          {conflict.fields.map((f) => (
            <FieldChoice
              key={f.field}
              field={f}
              gone={conflict.gone}
              by={name(f.changedBy)}
              show={show}
              choice={choices[f.field] ?? { keep: 'mine' }}
              onChoice={(c) => setChoices((prev) => ({ ...prev, [f.field]: c }))}
            />
          ))}
        </ul>
        <div className="row end">
          <button type="button" className="primary" onClick={apply}>
            {conflict.gone ? 'Close' : 'Apply'}
          </button>
        </div>
      </div>
    </div>
  );
}

function FieldChoice({
  field,
  gone,
  by,
  show,
  choice,
  onChoice,
}: {
  field: ConflictField;
  gone: boolean;
  by: string;
  show: (field: TaskField, v: unknown) => string;
  choice: Choice;
  onChoice: (c: Choice) => void;
}) {
  const label = FIELD_NAMES[field.field];
  const group = `conflict-${field.field}`;
  const editable = TEXT_FIELDS.includes(field.field);
  const long = field.field === 'description';
  return (
    <li className="conflict-field" aria-label={label}>
      <h3>{label}</h3>
      <div className="conflict-sides">
        <div>
          <div className="muted">Yours</div>
          <div className={`conflict-value ${long ? 'long' : ''}`} data-side="mine">
            {show(field.field, field.mine)}
          </div>
        </div>
        {!gone && (
          <div>
            <div className="muted">Now, changed by {by}</div>
            <div className={`conflict-value ${long ? 'long' : ''}`} data-side="theirs">
              {show(field.field, field.theirs)}
            </div>
          </div>
        )}
      </div>
      {!gone && (
        <fieldset className="plain conflict-choice">
          <legend className="sr-only">{label}: what to keep</legend>
          <label>
            <input type="radio" name={group} checked={choice.keep === 'mine'} onChange={() => onChoice({ keep: 'mine' })} /> Keep mine
          </label>
          <label>
            <input type="radio" name={group} checked={choice.keep === 'theirs'} onChange={() => onChoice({ keep: 'theirs' })} /> Keep theirs
          </label>
          {editable && (
            <label>
              <input
                type="radio"
                name={group}
                checked={choice.keep === 'edit'}
                onChange={() => onChoice({ keep: 'edit', text: String(field.mine ?? '') })}
              />{' '}
              Edit
            </label>
          )}
        </fieldset>
      )}
      {choice.keep === 'edit' &&
        (long ? (
          <textarea
            aria-label={`${label}, edited`}
            rows={6}
            value={choice.text}
            onChange={(e) => onChoice({ keep: 'edit', text: e.target.value })}
          />
        ) : (
          <input
            aria-label={`${label}, edited`}
            value={choice.text}
            maxLength={500}
            onChange={(e) => onChoice({ keep: 'edit', text: e.target.value })}
          />
        ))}
    </li>
  );
}

/** Field values as a person reads them: names instead of ids. */
function useValueText(conflict: TaskConflict) {
  const qc = useQueryClient();
  const cached = <T,>(key: string[]) => qc.getQueriesData<T[]>({ queryKey: key }).flatMap(([, v]) => v ?? []);
  return (field: TaskField, v: unknown): string => {
    if (v === null || v === undefined || v === '') {
      return (
        { assigneeId: 'Unassigned', sprintId: 'Backlog (no sprint)', dueDate: 'None', description: '(empty)' }[field as string] ?? '(empty)'
      );
    }
    if (field === 'assigneeId') return cached<MemberView>(['members']).find((m) => m.userId === v)?.displayName ?? 'Someone';
    if (field === 'status') return cached<StatusView>(['statuses']).find((s) => s.id === v)?.name ?? 'Another status';
    if (field === 'sprintId') return cached<SprintView>(['sprints']).find((s) => s.id === v)?.name ?? 'A sprint';
    if (field === 'labelIds') {
      const known = [...(conflict.display?.labels ?? []), ...cached<LabelView>(['labels'])];
      const names = (v as string[]).map((id) => known.find((l) => l.id === id)?.name ?? 'a label');
      return names.length ? names.join(', ') : 'None';
    }
    return String(v);
  };
}
