// The task drawer: title, markdown description, status, sprint, assignee, priority, due date, labels,
// checklist and comments. Each field saves on its own (blur or change), optimistically.

import { rules } from '@tandem/protocol/policy';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { taskEdit, useTandemMutation } from '../../api/mutations.js';
import { useLabels, useMe, useMembers, useSprints, useTask, useTasks } from '../../api/queries.js';
import type { TaskPatch } from '../../api/tandem.js';
import { type LabelView, Priorities, type StatusView } from '../../api/types.js';
import { usePresence, useRoom } from '../../realtime/live.js';
import { AvatarStack } from '../../ui/Avatar.js';
import { FieldNote } from '../../ui/FieldNote.js';
import { LabelChip } from '../../ui/LabelChip.js';
import { Markdown } from '../../ui/Markdown.js';
import { columns } from '../board/board-order.js';
import { Backlinks } from '../docs/Backlinks.js';
import { Attachments, FileDropZone } from '../files/Attachments.js';
import { ActivityTimeline } from './ActivityTimeline.js';
import { Checklist } from './Checklist.js';
import { Comments } from './Comments.js';
import { type Draft, draftKey, loadDraft, onRefused, saveDraft } from './drafts.js';

const TITLE_MAX = 500;
export function TaskDetail({
  wid,
  pid,
  tid,
  statuses,
  readOnly,
  onClose,
}: {
  wid: string;
  pid: string;
  tid: string;
  statuses: StatusView[];
  /** Viewers see everything and change nothing. */
  readOnly: boolean;
  onClose: () => void;
}) {
  const { data: task, error } = useTask(tid);
  const { data: tasks = [] } = useTasks(pid);
  const { data: members = [] } = useMembers(wid);
  const { data: sprints = [] } = useSprints(pid);
  const { data: labels = [] } = useLabels(wid);
  const { data: me } = useMe();
  const update = useTandemMutation('task.update');
  const move = useTandemMutation('task.move');
  const remove = useTandemMutation('task.delete');
  useRoom(`task:${tid}`);
  const viewers = usePresence(`task:${tid}`, { viewing: 'task' });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !(e.target as HTMLElement).closest('input, textarea')) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  if (error) {
    return (
      <aside className="drawer" aria-label="Task">
        <button type="button" className="icon-button close" aria-label="Close" onClick={onClose}>
          ×
        </button>
        <p className="form-error">{errorMessage(error)}</p>
      </aside>
    );
  }
  if (!task) return <aside className="drawer muted">Loading task…</aside>;

  const patch = (p: TaskPatch) => update.mutate(taskEdit(task, pid, p));
  const current = statuses.find((s) => s.id === task.status);
  const taskLabels = task.labels ?? [];
  const setLabels = (next: LabelView[]) => update.mutate(taskEdit(task, pid, { labelIds: next.map((l) => l.id) }, { labels: next }));
  const unassigned = labels.filter((l) => !taskLabels.some((t) => t.id === l.id) && !l.id.startsWith('tmp-'));
  // Completed sprints are history: a task shows the one it was in but is not put into one.
  const sprintChoices = sprints.filter((s) => s.state !== 'completed' || s.id === task.sprintId);
  const setStatus = (id: string) => {
    const target = statuses.find((s) => s.id === id);
    if (!target || target.id === current?.id) return;
    const list = columns(statuses, tasks).get(target.id) ?? [];
    move.mutate({ id: tid, projectId: pid, status: target.id, afterId: list.at(-1)?.id });
  };

  return (
    <aside className="drawer" aria-label={`Task ${task.key}`}>
      <header className="drawer-header">
        <span className="task-key">{task.key}</span>
        <span className="spacer" />
        <AvatarStack
          people={viewers
            .filter((v) => v.userId !== me?.id)
            .map((v) => ({ id: v.userId, name: members.find((m) => m.userId === v.userId)?.displayName ?? 'Someone' }))}
        />
        <button type="button" className="icon-button close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {readOnly && <p className="muted">You can view this task; editors can change it.</p>}
      <fieldset className="plain" disabled={readOnly}>
        <EditableTitle value={task.title} onSave={(title) => patch({ title })} />
        <dl className="fields">
          <dt>Status</dt>
          <dd>
            <select aria-label="Status" value={current?.id ?? ''} onChange={(e) => setStatus(e.target.value)}>
              {statuses.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </dd>
          <dt>Sprint</dt>
          <dd>
            <select aria-label="Sprint" value={task.sprintId ?? ''} onChange={(e) => patch({ sprintId: e.target.value || null })}>
              <option value="">Backlog (no sprint)</option>
              {sprintChoices.map((s) => (
                <option key={s.id} value={s.id} disabled={s.id.startsWith('tmp-')}>
                  {s.name}
                  {s.state === 'active' ? ' (active)' : s.state === 'completed' ? ' (completed)' : ''}
                </option>
              ))}
            </select>
          </dd>
          <dt>Assignee</dt>
          <dd>
            <select aria-label="Assignee" value={task.assigneeId ?? ''} onChange={(e) => patch({ assigneeId: e.target.value || null })}>
              <option value="">Unassigned</option>
              {/* Only people who may act on the task (the current assignee stays shown whatever their role). */}
              {members
                .filter((m) => rules.mayBeAssigned(m.role) || m.userId === task.assigneeId)
                .map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.displayName}
                  </option>
                ))}
            </select>
          </dd>
          <dt>Priority</dt>
          <dd>
            <select
              aria-label="Priority"
              value={task.priority}
              onChange={(e) => patch({ priority: e.target.value as (typeof Priorities)[number] })}
            >
              {Priorities.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </dd>
          <dt>Due</dt>
          <dd>
            <input
              type="date"
              aria-label="Due date"
              value={task.dueDate?.slice(0, 10) ?? ''}
              onChange={(e) => patch({ dueDate: e.target.value || null })}
            />
          </dd>
          <dt>Labels</dt>
          <dd className="label-field">
            {taskLabels.length > 0 && (
              <ul className="label-chips" aria-label="Labels of this task">
                {taskLabels.map((l) => (
                  <li key={l.id}>
                    <LabelChip label={l} />
                    {!readOnly && (
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Remove label ${l.name}`}
                        onClick={() => setLabels(taskLabels.filter((x) => x.id !== l.id))}
                      >
                        ×
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {!readOnly && (
              <select
                aria-label="Add label"
                value=""
                onChange={(e) => {
                  const label = labels.find((l) => l.id === e.target.value);
                  if (label) setLabels([...taskLabels, label]);
                }}
              >
                <option value="">{unassigned.length > 0 ? 'Add label…' : 'No more labels'}</option>
                {unassigned.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            )}
            {taskLabels.length === 0 && readOnly && <span className="muted">None</span>}
          </dd>
        </dl>
        <Description
          value={task.description ?? ''}
          draft={me ? draftKey('description', tid, me.id) : null}
          onSave={(description) => patch({ description })}
        />
        <FileDropZone target={{ taskId: tid }} disabled={readOnly}>
          <Attachments taskId={tid} readOnly={readOnly} />
        </FileDropZone>
        <Checklist taskId={tid} />
        <Backlinks target={{ taskId: tid }} />
        <FileDropZone target={{ taskId: tid }} disabled={readOnly}>
          <Comments wid={wid} taskId={tid} />
        </FileDropZone>
        <ActivityTimeline wid={wid} pid={pid} taskId={tid} statuses={statuses} />
        <footer className="drawer-footer">
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (!confirm(`Delete ${task.key} "${task.title}"? This cannot be undone.`)) return;
              remove.mutate({ id: tid, projectId: pid });
              onClose();
            }}
          >
            Delete task
          </button>
        </footer>
      </fieldset>
    </aside>
  );
}

function EditableTitle({ value, onSave }: { value: string; onSave: (v: string) => void }) {
  const [draft, setDraft] = useState(value);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setDraft(value), [value]);
  const save = () => {
    const t = draft.trim();
    if (!t) {
      setProblem('A task needs a title; the previous one is kept.');
      return setDraft(value);
    }
    if (t.length > TITLE_MAX) return setProblem(`A title can be at most ${TITLE_MAX} characters.`);
    setProblem(null);
    if (t !== value) onSave(t);
  };
  return (
    <>
      <input
        className="title-input"
        aria-label="Title"
        value={draft}
        aria-invalid={!!problem}
        onChange={(e) => {
          setDraft(e.target.value);
          if (problem) setProblem(null);
        }}
        onBlur={save}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') setDraft(value);
        }}
      />
      <FieldNote error={problem} length={draft.length} max={TITLE_MAX} />
    </>
  );
}

/** The markdown description; what is typed is kept as a draft until saved or cancelled. */
function Description({ value, draft, onSave }: { value: string; draft: string | null; onSave: (v: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(value);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    if (!editing) setText(value);
  }, [value, editing]);
  useEffect(() => {
    if (!draft) return;
    let live = true;
    const reopen = (d: Draft, restored: boolean) => {
      setText(d.text);
      setEditing(true);
      setNote(
        d.reason
          ? { text: `Not saved. ${d.reason.replace(/[.!?]?$/, '.')} Your text is still here.`, error: true }
          : restored
            ? { text: 'Your unsaved draft was restored.', error: false }
            : null,
      );
    };
    void loadDraft(draft).then((d) => {
      if (live && d) reopen(d, true);
    });
    const off = onRefused(draft, (d) => reopen(d, false));
    return () => {
      live = false;
      off();
    };
  }, [draft]);
  if (!editing) {
    return (
      <section className="description">
        <h3>
          Description{' '}
          <button type="button" className="link" onClick={() => setEditing(true)}>
            Edit
          </button>
        </h3>
        {value ? <Markdown text={value} /> : <p className="muted">No description. Markdown is supported.</p>}
      </section>
    );
  }
  const edit = (next: string) => {
    setText(next);
    if (draft) void saveDraft(draft, next);
  };
  const done = (save: boolean) => {
    if (save && text !== value) onSave(text);
    if (draft) void saveDraft(draft, '');
    setNote(null);
    setEditing(false);
  };
  return (
    <section className="description">
      <h3>Description</h3>
      <textarea
        aria-label="Description"
        autoFocus
        rows={8}
        value={text}
        aria-invalid={note?.error ? true : undefined}
        onChange={(e) => edit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) done(true);
          if (e.key === 'Escape') done(false);
        }}
      />
      <div className="row">
        <button type="button" className="primary" onClick={() => done(true)}>
          Save
        </button>
        <button type="button" onClick={() => done(false)}>
          Cancel
        </button>
        <span className="muted">Markdown · Ctrl+Enter to save</span>
      </div>
      {note && (
        <p className={note.error ? 'form-error refusal' : 'muted'} role={note.error ? 'alert' : 'status'}>
          {note.text}
        </p>
      )}
    </section>
  );
}
