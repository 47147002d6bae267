// A project's backlog and sprints: the active sprint, the planned ones and the backlog (tasks in no
// sprint), each a list in board order. Editors create, start and complete sprints and put tasks into
// them by dragging a row between lists or with the row's sprint menu.
import { allows } from '@tandem/protocol/policy';
import { type DragEvent, type FormEvent, useMemo, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { taskEdit, tempId, useTandemMutation } from '../../api/mutations.js';
import { useMembers, useProject, useSprints, useStatuses, useTasks } from '../../api/queries.js';
import type { SprintView, StatusView, TaskView } from '../../api/types.js';
import { Link, navigate, paths } from '../../app/router.js';
import { useRoom } from '../../realtime/live.js';
import { Avatar } from '../../ui/Avatar.js';
import { FormError } from '../../ui/FormError.js';
import { LabelChip } from '../../ui/LabelChip.js';
import { TaskDetail } from '../tasks/TaskDetail.js';
import { sprintLists, unfinished } from './backlog.js';
import { ProjectHeader } from './ProjectHeader.js';

const BACKLOG = 'backlog';

export function BacklogPage({ wid, pid, tid }: { wid: string; pid: string; tid?: string }) {
  const project = useProject(pid);
  const statuses = useStatuses(pid);
  const tasks = useTasks(pid);
  const sprints = useSprints(pid);
  const { data: members } = useMembers(wid);
  const update = useTandemMutation('task.update');
  useRoom(`project:${pid}`);
  const [dragging, setDragging] = useState<string | null>(null);
  const [dropOn, setDropOn] = useState<string | null>(null);
  const [completing, setCompleting] = useState<SprintView | null>(null);

  const lists = useMemo(() => sprintLists(sprints.data ?? [], tasks.data ?? []), [sprints.data, tasks.data]);
  const error = project.error ?? statuses.error ?? tasks.error ?? sprints.error;
  if (error) return <p className="form-error page">{errorMessage(error)}</p>;
  if (!project.data || !statuses.data || !tasks.data || !sprints.data) return <p className="muted page">Loading backlog…</p>;
  const canEdit = allows(project.data.role, 'task.update');
  const names = new Map(members?.map((m) => [m.userId, m.displayName]));
  const open = sprints.data.filter((s) => s.state !== 'completed');
  const completed = sprints.data.filter((s) => s.state === 'completed');
  const active = open.find((s) => s.state === 'active');

  const putInto = (taskId: string, sprintId: string | null) => {
    const task = tasks.data.find((t) => t.id === taskId);
    if (!task || (task.sprintId ?? null) === sprintId) return;
    update.mutate(taskEdit(task, pid, { sprintId }));
  };

  const dropProps = (listId: string) =>
    canEdit
      ? {
          onDragOver: (e: DragEvent) => {
            if (!dragging) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'move';
            if (dropOn !== listId) setDropOn(listId);
          },
          onDragLeave: (e: DragEvent) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node)) setDropOn(null);
          },
          onDrop: (e: DragEvent) => {
            e.preventDefault();
            const id = dragging ?? e.dataTransfer.getData('text/x-tandem-task');
            if (id) putInto(id, listId === BACKLOG ? null : listId);
            setDragging(null);
            setDropOn(null);
          },
        }
      : {};

  const rows = (list: TaskView[]) => (
    <ol className="task-rows">
      {list.map((task) => (
        <TaskRow
          key={task.id}
          task={task}
          to={paths.backlogTask(wid, pid, task.id)}
          selected={tid === task.id}
          status={statuses.data.find((s) => s.id === task.status)}
          assignee={task.assigneeId ? (names.get(task.assigneeId) ?? 'Assignee') : null}
          sprints={open}
          canEdit={canEdit}
          onSprint={(sprintId) => putInto(task.id, sprintId)}
          onDragStart={() => setDragging(task.id)}
          onDragEnd={() => {
            setDragging(null);
            setDropOn(null);
          }}
        />
      ))}
      {list.length === 0 && <li className="muted empty-row">No tasks</li>}
    </ol>
  );

  return (
    <section className="backlog-page">
      <ProjectHeader wid={wid} project={project.data} tab="backlog" />
      {canEdit && <NewSprintForm projectId={pid} />}
      {open.map((sprint) => {
        const list = lists.bySprint.get(sprint.id) ?? [];
        const left = unfinished(list, statuses.data).length;
        return (
          <section
            key={sprint.id}
            className={`sprint ${sprint.state} ${dropOn === sprint.id ? 'drop-target' : ''}`}
            aria-label={`Sprint ${sprint.name}`}
            data-sprint={sprint.name}
            {...dropProps(sprint.id)}
          >
            <header className="sprint-header">
              <h2>{sprint.name}</h2>
              <span className={`state-badge ${sprint.state}`}>{sprint.state === 'active' ? 'Active' : 'Planned'}</span>
              <span className="count">
                {list.length} {list.length === 1 ? 'task' : 'tasks'}
                {sprint.state === 'active' && list.length > 0 ? `, ${left} unfinished` : ''}
              </span>
              {sprint.goal && <span className="muted sprint-goal">{sprint.goal}</span>}
              <span className="spacer" />
              {canEdit && <SprintActions projectId={pid} sprint={sprint} active={active} onComplete={() => setCompleting(sprint)} />}
            </header>
            {rows(list)}
            {canEdit && <AddRow projectId={pid} sprint={sprint} />}
          </section>
        );
      })}
      <section
        className={`sprint backlog ${dropOn === BACKLOG ? 'drop-target' : ''}`}
        aria-label="Backlog"
        data-sprint="Backlog"
        {...dropProps(BACKLOG)}
      >
        <header className="sprint-header">
          <h2>Backlog</h2>
          <span className="count">
            {lists.backlog.length} {lists.backlog.length === 1 ? 'task' : 'tasks'}
          </span>
        </header>
        {rows(lists.backlog)}
        {canEdit && <AddRow projectId={pid} sprint={null} />}
      </section>
      {completed.length > 0 && (
        <details className="completed-sprints">
          <summary>Completed sprints ({completed.length})</summary>
          <ul>
            {completed.map((s) => (
              <li key={s.id}>
                <strong>{s.name}</strong>{' '}
                <span className="muted">
                  completed {s.completedAt?.slice(0, 10)} · {lists.bySprint.get(s.id)?.length ?? 0} done tasks
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {completing && (
        <CompleteSprintDialog
          projectId={pid}
          sprint={completing}
          unfinishedCount={unfinished(lists.bySprint.get(completing.id) ?? [], statuses.data).length}
          planned={open.filter((s) => s.state === 'planned' && !s.id.startsWith('tmp-'))}
          onClose={() => setCompleting(null)}
        />
      )}
      {tid && (
        <TaskDetail
          key={tid}
          wid={wid}
          pid={pid}
          tid={tid}
          statuses={statuses.data}
          readOnly={!canEdit}
          onClose={() => navigate(paths.backlog(wid, pid))}
        />
      )}
    </section>
  );
}

function TaskRow({
  task,
  to,
  selected,
  status,
  assignee,
  sprints,
  canEdit,
  onSprint,
  onDragStart,
  onDragEnd,
}: {
  task: TaskView;
  to: string;
  selected: boolean;
  status: StatusView | undefined;
  assignee: string | null;
  sprints: SprintView[];
  canEdit: boolean;
  onSprint: (sprintId: string | null) => void;
  onDragStart: () => void;
  onDragEnd: () => void;
}) {
  return (
    <li
      className={`task-row ${task.id.startsWith('tmp-') ? 'pending' : ''} ${selected ? 'selected' : ''}`}
      data-task-id={task.id}
      draggable={canEdit}
      onDragStart={(e) => {
        e.dataTransfer.setData('text/x-tandem-task', task.id);
        e.dataTransfer.effectAllowed = 'move';
        onDragStart();
      }}
      onDragEnd={onDragEnd}
    >
      <span className="task-key">{task.key}</span>
      <Link to={to} className="task-row-title">
        {task.title}
      </Link>
      {task.labels?.map((l) => (
        <LabelChip key={l.id} label={l} />
      ))}
      <span className="spacer" />
      {status && (
        <span className="status-name">
          <span className={`status-dot cat-${status.category ?? 'todo'}`} />
          {status.name}
        </span>
      )}
      {assignee && task.assigneeId && <Avatar id={task.assigneeId} name={assignee} size={20} />}
      {canEdit && (
        <select
          aria-label={`Sprint of ${task.key}`}
          value={task.sprintId ?? ''}
          disabled={task.id.startsWith('tmp-')}
          onChange={(e) => onSprint(e.target.value || null)}
        >
          <option value="">Backlog</option>
          {sprints.map((s) => (
            <option key={s.id} value={s.id} disabled={s.id.startsWith('tmp-')}>
              {s.name}
            </option>
          ))}
        </select>
      )}
    </li>
  );
}

function SprintActions({
  projectId,
  sprint,
  active,
  onComplete,
}: {
  projectId: string;
  sprint: SprintView;
  active: SprintView | undefined;
  onComplete: () => void;
}) {
  const start = useTandemMutation('sprint.start');
  const remove = useTandemMutation('sprint.delete');
  const pending = sprint.id.startsWith('tmp-');
  if (sprint.state === 'active') {
    return (
      <button type="button" className="primary" onClick={onComplete}>
        Complete sprint
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={pending || Boolean(active)}
        title={active ? `Complete "${active.name}" first: one sprint is active at a time` : undefined}
        onClick={() => start.mutate({ projectId, id: sprint.id })}
      >
        Start sprint
      </button>
      <button
        type="button"
        className="danger"
        disabled={pending}
        aria-label={`Delete sprint ${sprint.name}`}
        onClick={() => {
          if (confirm(`Delete sprint "${sprint.name}"? Its tasks go back to the backlog.`)) remove.mutate({ projectId, id: sprint.id });
        }}
      >
        Delete
      </button>
    </>
  );
}

function NewSprintForm({ projectId }: { projectId: string }) {
  const create = useTandemMutation('sprint.create');
  const [name, setName] = useState('');
  const [goal, setGoal] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    create.mutate({ projectId, name: n, goal: goal.trim() || undefined, tempId: tempId() });
    setName('');
    setGoal('');
  };
  return (
    <form className="inline-form new-sprint" onSubmit={submit}>
      <input
        aria-label="Sprint name"
        placeholder="New sprint name"
        maxLength={100}
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <input
        aria-label="Sprint goal"
        placeholder="Goal (optional)"
        maxLength={2000}
        value={goal}
        onChange={(e) => setGoal(e.target.value)}
      />
      <button type="submit" className="primary">
        Create sprint
      </button>
    </form>
  );
}

function AddRow({ projectId, sprint }: { projectId: string; sprint: SprintView | null }) {
  const create = useTandemMutation('task.create');
  const [title, setTitle] = useState('');
  const where = sprint ? sprint.name : 'the backlog';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (!t) return;
    create.mutate({ projectId, title: t, sprintId: sprint?.id ?? null, tempId: tempId() });
    setTitle('');
  };
  if (sprint?.id.startsWith('tmp-')) return null;
  return (
    <form className="add-row" onSubmit={submit}>
      <input
        aria-label={`New task in ${where}`}
        placeholder="+ Add task, then Enter"
        maxLength={500}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
      />
    </form>
  );
}

function CompleteSprintDialog({
  projectId,
  sprint,
  unfinishedCount,
  planned,
  onClose,
}: {
  projectId: string;
  sprint: SprintView;
  unfinishedCount: number;
  planned: SprintView[];
  onClose: () => void;
}) {
  const complete = useTandemMutation('sprint.complete');
  const [moveTo, setMoveTo] = useState(planned[0]?.id ?? BACKLOG);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    complete.mutate({ projectId, id: sprint.id, moveTo }, { onSuccess: onClose, onError: (err) => setError(errorMessage(err)) });
  };
  return (
    <dialog open className="modal" aria-labelledby="complete-sprint-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form onSubmit={submit}>
        <h2 id="complete-sprint-title">Complete {sprint.name}</h2>
        {unfinishedCount === 0 ? (
          <p>Every task of this sprint is done.</p>
        ) : (
          <>
            <p>
              {unfinishedCount} {unfinishedCount === 1 ? 'task is' : 'tasks are'} not done.
            </p>
            <label className="field">
              Move unfinished tasks to
              <select value={moveTo} onChange={(e) => setMoveTo(e.target.value)}>
                {planned.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
                <option value={BACKLOG}>Backlog</option>
              </select>
            </label>
          </>
        )}
        <FormError error={error} />
        <div className="row">
          <button type="submit" className="primary" disabled={complete.isPending}>
            Complete sprint
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
