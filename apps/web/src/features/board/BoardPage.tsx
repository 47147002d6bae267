// A project's board: one column per status, cards in rank order. Cards move by drag and drop or
// from the keyboard (Alt+arrows); every move is applied at once and sent as POST /tasks/:id/move.
// Filters (sprint, assignee, label, text) narrow the board through the API's task-list query.
import { allows } from '@tandem/protocol/policy';
import { type DragEvent, type FormEvent, type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { tempId, useTandemMutation } from '../../api/mutations.js';
import { useLabels, useMe, useMembers, useProject, useSprints, useStatuses, useTasks } from '../../api/queries.js';
import type { TaskFilters } from '../../api/tandem.js';
import type { MemberView, StatusView, TaskView } from '../../api/types.js';
import { Link, navigate, paths } from '../../app/router.js';
import { usePresence, useRoom } from '../../realtime/live.js';
import { Avatar, AvatarStack } from '../../ui/Avatar.js';
import { LabelChip } from '../../ui/LabelChip.js';
import { CardCover } from '../files/Attachments.js';
import { useCovers, useLiveFiles } from '../files/files-data.js';
import { TaskDetail } from '../tasks/TaskDetail.js';
import { columns, moveRequest } from './board-order.js';
import { ProjectHeader } from './ProjectHeader.js';

const PRIORITY_ICON: Record<string, string> = { urgent: '⇈', high: '↑', medium: '=', low: '↓', none: '' };

export function BoardPage({ wid, pid, tid }: { wid: string; pid: string; tid?: string }) {
  const project = useProject(pid);
  const statuses = useStatuses(pid);
  const [filters, setFilters] = useState<TaskFilters>({});
  const tasks = useTasks(pid, filters);
  const { data: members } = useMembers(wid);
  const { data: me } = useMe();
  const move = useTandemMutation('task.move');
  useRoom(`project:${pid}`);
  const covers = useCovers(pid);
  useLiveFiles();
  const here = usePresence(`project:${pid}`, { viewing: 'board' });
  const [dragging, setDragging] = useState<string | null>(null);
  const [drop, setDrop] = useState<{ status: string; index: number } | null>(null);
  // A card moved from the keyboard is re-created in its new place; focus follows it there so
  // moves can be chained.
  const refocus = useRef<{ id: string } | null>(null);
  useEffect(() => {
    const release = () => {
      refocus.current = null;
    };
    window.addEventListener('pointerdown', release);
    return () => window.removeEventListener('pointerdown', release);
  }, []);

  const cols = useMemo(() => columns(statuses.data ?? [], tasks.data ?? []), [statuses.data, tasks.data]);
  const names = new Map(members?.map((m) => [m.userId, m.displayName]));

  useEffect(() => {
    const want = refocus.current;
    if (!want) return;
    const active = document.activeElement;
    // The person moved on to something else: their focus is theirs again.
    if (active && active !== document.body && active.getAttribute('data-task-id') !== want.id) {
      refocus.current = null;
      return;
    }
    // The card was re-created (in its new column, or again when the server's answer arrived).
    const el = document.querySelector<HTMLElement>(`.board [data-task-id="${CSS.escape(want.id)}"]`);
    if (el && el !== active) el.focus();
  });

  const error = project.error ?? statuses.error ?? tasks.error;
  if (error) return <p className="form-error page">{errorMessage(error)}</p>;
  if (!project.data || !statuses.data || !tasks.data) return <p className="muted page">Loading board…</p>;
  // Viewers get the same board without the controls that would only be refused.
  const canEdit = allows(project.data.role, 'task.update');

  const moveTo = (taskId: string, status: StatusView, index: number) => {
    const list = cols.get(status.id) ?? [];
    // Dropped where it already was: nothing to send.
    if (list.findIndex((t) => t.id === taskId) === index) return;
    const req = moveRequest(taskId, list, index, status.id);
    move.mutate({ id: taskId, projectId: pid, status: req.status, afterId: req.afterId, beforeId: req.beforeId });
  };

  const onDragOver = (e: DragEvent, status: StatusView) => {
    if (!dragging) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const cards = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[data-task-id]')].filter(
      (c) => c.dataset.taskId !== dragging,
    );
    let index = cards.length;
    for (let i = 0; i < cards.length; i++) {
      const r = cards[i]!.getBoundingClientRect();
      if (e.clientY < r.top + r.height / 2) {
        index = i;
        break;
      }
    }
    if (drop?.status !== status.id || drop.index !== index) setDrop({ status: status.id, index });
  };

  const onDrop = (e: DragEvent, status: StatusView) => {
    e.preventDefault();
    const id = dragging ?? e.dataTransfer.getData('text/x-tandem-task');
    if (id && drop) moveTo(id, status, drop.index);
    setDragging(null);
    setDrop(null);
  };

  const onCardKey = (e: KeyboardEvent, task: TaskView, colIndex: number, index: number) => {
    if (e.key === 'Enter') return navigate(paths.task(wid, pid, task.id));
    if (!e.altKey || !canEdit) return;
    const list = statuses.data!;
    const status = list[colIndex]!;
    const delta = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!delta) return;
    e.preventDefault();
    const target = list[colIndex + delta[0]!];
    if (delta[0] && target) {
      const end = cols.get(target.id)?.length ?? 0;
      refocus.current = { id: task.id };
      moveTo(task.id, target, end);
    } else if (delta[1]) {
      const to = Math.min(Math.max(0, index + delta[1]), (cols.get(status.id)?.length ?? 1) - 1);
      refocus.current = { id: task.id };
      moveTo(task.id, status, to);
    }
  };

  const others = here.filter((u) => u.userId !== me?.id);
  return (
    <section className="board-page">
      <ProjectHeader wid={wid} project={project.data} tab="board">
        <AvatarStack people={others.map((u) => ({ id: u.userId, name: names.get(u.userId) ?? 'Someone' }))} />
      </ProjectHeader>
      <BoardFilters wid={wid} pid={pid} members={members ?? []} value={filters} onChange={setFilters} />
      <div className="board">
        {statuses.data.map((status, colIndex) => {
          const list = cols.get(status.id) ?? [];
          const shown = dragging ? list.filter((t) => t.id !== dragging) : list;
          return (
            <section
              key={status.id}
              className={`column ${drop?.status === status.id ? 'drop-target' : ''}`}
              data-status={status.name}
              aria-label={status.name}
              onDragOver={(e) => onDragOver(e, status)}
              onDragLeave={(e) => {
                if (!e.currentTarget.contains(e.relatedTarget as Node)) setDrop(null);
              }}
              onDrop={(e) => onDrop(e, status)}
            >
              <header className="column-header">
                <span className={`status-dot cat-${status.category ?? 'todo'}`} />
                {status.name}
                <span className="count">{list.length}</span>
              </header>
              <ol className="cards">
                {shown.map((task, i) => (
                  <li key={task.id}>
                    {drop?.status === status.id && drop.index === i && <div className="drop-line" />}
                    <Link
                      to={paths.task(wid, pid, task.id)}
                      className={`card ${task.id.startsWith('tmp-') ? 'pending' : ''} ${tid === task.id ? 'selected' : ''}`}
                      data-task-id={task.id}
                      draggable={canEdit}
                      onDragStart={(e) => {
                        e.dataTransfer.setData('text/x-tandem-task', task.id);
                        e.dataTransfer.effectAllowed = 'move';
                        setDragging(task.id);
                      }}
                      onDragEnd={() => {
                        setDragging(null);
                        setDrop(null);
                      }}
                      onKeyDown={(e) => onCardKey(e, task, colIndex, list.indexOf(task))}
                      aria-keyshortcuts="Alt+ArrowLeft Alt+ArrowRight Alt+ArrowUp Alt+ArrowDown"
                    >
                      {covers.data?.[task.id] && <CardCover fileId={covers.data[task.id]!} alt={`Cover of ${task.key}`} />}
                      <span className="card-title">{task.title}</span>
                      {task.labels && task.labels.length > 0 && (
                        <span className="label-chips">
                          <span className="sr-only">Labels: </span>
                          {task.labels.map((l) => (
                            <LabelChip key={l.id} label={l} />
                          ))}
                        </span>
                      )}
                      <span className="card-meta">
                        <span className="task-key">{task.key}</span>
                        {PRIORITY_ICON[task.priority] && (
                          <span className={`priority p-${task.priority}`} title={`Priority: ${task.priority}`}>
                            {PRIORITY_ICON[task.priority]}
                          </span>
                        )}
                        {task.dueDate && <span className="due">{task.dueDate.slice(0, 10)}</span>}
                        {task.checklist && task.checklist.total > 0 && (
                          <span className="muted" title="Checklist">
                            ☑ {task.checklist.done}/{task.checklist.total}
                          </span>
                        )}
                        <span className="spacer" />
                        {task.assigneeId && <Avatar id={task.assigneeId} name={names.get(task.assigneeId) ?? 'Assignee'} size={20} />}
                      </span>
                    </Link>
                  </li>
                ))}
                {drop?.status === status.id && drop.index >= shown.length && <div className="drop-line" />}
              </ol>
              {canEdit && (
                <QuickAdd
                  projectId={pid}
                  status={status.id}
                  sprintId={filters.sprint && filters.sprint !== 'backlog' ? filters.sprint : undefined}
                />
              )}
            </section>
          );
        })}
      </div>
      {tid && (
        <TaskDetail
          key={tid}
          wid={wid}
          pid={pid}
          tid={tid}
          statuses={statuses.data}
          readOnly={!canEdit}
          onClose={() => navigate(paths.board(wid, pid))}
        />
      )}
    </section>
  );
}

/** Sprint, assignee, label and text filters over the board. */
function BoardFilters({
  wid,
  pid,
  members,
  value,
  onChange,
}: {
  wid: string;
  pid: string;
  members: MemberView[];
  value: TaskFilters;
  onChange: (f: TaskFilters) => void;
}) {
  const { data: sprints = [] } = useSprints(pid);
  const { data: labels = [] } = useLabels(wid);
  const [text, setText] = useState(value.q ?? '');
  // The search is sent once typing pauses.
  useEffect(() => {
    const q = text.trim() || undefined;
    if (q === value.q) return;
    const timer = setTimeout(() => onChange({ ...value, q }), 300);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  const set = (patch: TaskFilters) => onChange({ ...value, ...patch });
  const open = sprints.filter((s) => s.state !== 'completed' && !s.id.startsWith('tmp-'));
  const active = open.find((s) => s.state === 'active');
  const filtering = Boolean(value.sprint || value.assigneeId || value.label || value.q);
  return (
    <search className="board-filters" aria-label="Board filters">
      <input type="search" aria-label="Search tasks" placeholder="Search tasks…" value={text} onChange={(e) => setText(e.target.value)} />
      <select aria-label="Sprint filter" value={value.sprint ?? ''} onChange={(e) => set({ sprint: e.target.value || undefined })}>
        <option value="">All tasks</option>
        {active && <option value={active.id}>Active sprint: {active.name}</option>}
        {open
          .filter((s) => s !== active)
          .map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        <option value="backlog">Backlog (no sprint)</option>
      </select>
      <select
        aria-label="Assignee filter"
        value={value.assigneeId ?? ''}
        onChange={(e) => set({ assigneeId: e.target.value || undefined })}
      >
        <option value="">Anyone</option>
        <option value="none">Unassigned</option>
        {members.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.displayName}
          </option>
        ))}
      </select>
      <select aria-label="Label filter" value={value.label ?? ''} onChange={(e) => set({ label: e.target.value || undefined })}>
        <option value="">Any label</option>
        {labels
          .filter((l) => !l.id.startsWith('tmp-'))
          .map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
      </select>
      {filtering && (
        <button
          type="button"
          onClick={() => {
            setText('');
            onChange({});
          }}
        >
          Clear filters
        </button>
      )}
    </search>
  );
}

function QuickAdd({ projectId, status, sprintId }: { projectId: string; status: string; sprintId?: string }) {
  const create = useTandemMutation('task.create');
  const [title, setTitle] = useState('');
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (!t) return;
    create.mutate({ projectId, title: t, status, sprintId, tempId: tempId() });
    setTitle('');
    input.current?.focus();
  };
  if (!open)
    return (
      <button type="button" className="add-card" onClick={() => setOpen(true)}>
        + Add task
      </button>
    );
  return (
    <form className="quick-add" onSubmit={submit}>
      <input
        ref={input}
        autoFocus
        aria-label="New task title"
        placeholder="Task title, then Enter"
        maxLength={500}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        onBlur={() => !title && setOpen(false)}
      />
    </form>
  );
}
