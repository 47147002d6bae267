// A project's board: one column per status, cards in rank order. Cards move by drag and drop or
// from the keyboard (Alt+arrows); every move is applied at once and sent as POST /tasks/:id/move.
import { type DragEvent, type FormEvent, type KeyboardEvent, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { tempId, useTandemMutation } from '../../api/mutations.js';
import { useMe, useMembers, useProject, useStatuses, useTasks } from '../../api/queries.js';
import type { StatusView, TaskView } from '../../api/types.js';
import { Link, navigate, paths } from '../../app/router.js';
import { usePresence, useRoom } from '../../realtime/live.js';
import { Avatar, AvatarStack } from '../../ui/Avatar.js';
import { TaskDetail } from '../tasks/TaskDetail.js';
import { columns, moveRequest } from './board-order.js';

const PRIORITY_ICON: Record<string, string> = { urgent: '⇈', high: '↑', medium: '=', low: '↓', none: '' };

export function BoardPage({ wid, pid, tid }: { wid: string; pid: string; tid?: string }) {
  const project = useProject(pid);
  const statuses = useStatuses(pid);
  const tasks = useTasks(pid);
  const { data: members } = useMembers(wid);
  const { data: me } = useMe();
  const move = useTandemMutation('task.move');
  useRoom(`project:${pid}`);
  const here = usePresence(`project:${pid}`, { viewing: 'board' });
  const [dragging, setDragging] = useState<string | null>(null);
  const [drop, setDrop] = useState<{ status: string; index: number } | null>(null);

  const cols = useMemo(() => columns(statuses.data ?? [], tasks.data ?? []), [statuses.data, tasks.data]);
  const names = new Map(members?.map((m) => [m.userId, m.displayName]));

  const error = project.error ?? statuses.error ?? tasks.error;
  if (error) return <p className="form-error page">{errorMessage(error)}</p>;
  if (!project.data || !statuses.data || !tasks.data) return <p className="muted page">Loading board…</p>;
  // Viewers get the same board without the controls that would only be refused.
  const canEdit = project.data.role !== 'viewer';

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
    if (delta[0] && target) moveTo(task.id, target, cols.get(target.id)?.length ?? 0);
    else if (delta[1]) moveTo(task.id, status, Math.max(0, index + delta[1]));
  };

  const others = here.filter((u) => u.userId !== me?.id);
  return (
    <section className="board-page">
      <header className="page-header">
        <span className="project-key">{project.data.key}</span>
        <h1>{project.data.name}</h1>
        <span className="spacer" />
        <AvatarStack people={others.map((u) => ({ id: u.userId, name: names.get(u.userId) ?? 'Someone' }))} />
      </header>
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
                      <span className="card-title">{task.title}</span>
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
              {canEdit && <QuickAdd projectId={pid} status={status.id} />}
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

function QuickAdd({ projectId, status }: { projectId: string; status: string }) {
  const create = useTandemMutation('task.create');
  const [title, setTitle] = useState('');
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (!t) return;
    create.mutate({ projectId, title: t, status, tempId: tempId() });
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
