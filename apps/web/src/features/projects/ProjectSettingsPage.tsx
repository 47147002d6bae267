// A project's settings, for its owners: the board's statuses (add, rename, recategorise, reorder,
// delete, moving the tasks of a deleted status to another) and per-project role overrides.
import { allows } from '@tandem/protocol/policy';
import { Roles } from '@tandem/protocol/roles';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { tempId, useTandemMutation } from '../../api/mutations.js';
import { useMe, useProject, useProjectMembers, useStatuses, useTasks } from '../../api/queries.js';
import { type ProjectMemberView, type Role, StatusCategories, type StatusCategory, type StatusView } from '../../api/types.js';
import { useRoom } from '../../realtime/live.js';
import { Avatar } from '../../ui/Avatar.js';
import { FormError } from '../../ui/FormError.js';
import { ProjectHeader } from '../board/ProjectHeader.js';

export function ProjectSettingsPage({ wid, pid }: { wid: string; pid: string }) {
  const project = useProject(pid);
  const isOwner = allows(project.data?.role, 'project.members.manage');
  useRoom(`project:${pid}`);
  if (project.error) return <p className="form-error page">{errorMessage(project.error)}</p>;
  if (!project.data) return <p className="muted page">Loading settings…</p>;
  return (
    <section className="page settings-page">
      <ProjectHeader wid={wid} project={project.data} tab="settings" />
      {isOwner ? (
        <>
          <StatusSettings pid={pid} />
          <MemberOverrides pid={pid} />
        </>
      ) : (
        <p className="muted">Only the project's owners manage its statuses and roles.</p>
      )}
    </section>
  );
}

function StatusSettings({ pid }: { pid: string }) {
  const { data: statuses, error } = useStatuses(pid);
  const { data: tasks = [] } = useTasks(pid);
  const update = useTandemMutation('status.update');
  const [deleting, setDeleting] = useState<StatusView | null>(null);
  if (error) return <p className="form-error">{errorMessage(error)}</p>;
  if (!statuses) return <p className="muted">Loading statuses…</p>;
  return (
    <section className="settings-section" aria-labelledby="statuses-title">
      <h2 id="statuses-title">Statuses</h2>
      <p className="muted">The board's columns, left to right. The category says whether a task in it is to do, in progress or done.</p>
      <ol className="status-list">
        {statuses.map((s, i) => (
          <li key={s.id} className="status-row">
            <StatusName pid={pid} status={s} />
            <select
              aria-label={`Category of ${s.name}`}
              value={s.category ?? 'todo'}
              disabled={s.id.startsWith('tmp-')}
              onChange={(e) => update.mutate({ projectId: pid, id: s.id, category: e.target.value as StatusCategory })}
            >
              {StatusCategories.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
            <span className="muted count">{tasks.filter((t) => t.status === s.id).length} tasks</span>
            <button
              type="button"
              className="icon-button"
              aria-label={`Move ${s.name} left`}
              disabled={i === 0 || s.id.startsWith('tmp-')}
              onClick={() => update.mutate({ projectId: pid, id: s.id, position: i - 1 })}
            >
              ←
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={`Move ${s.name} right`}
              disabled={i === statuses.length - 1 || s.id.startsWith('tmp-')}
              onClick={() => update.mutate({ projectId: pid, id: s.id, position: i + 1 })}
            >
              →
            </button>
            <button
              type="button"
              className="danger"
              aria-label={`Delete status ${s.name}`}
              disabled={statuses.length === 1 || s.id.startsWith('tmp-')}
              title={statuses.length === 1 ? 'A project needs at least one status' : undefined}
              onClick={() => setDeleting(s)}
            >
              Delete
            </button>
          </li>
        ))}
      </ol>
      <NewStatusForm pid={pid} />
      {deleting && (
        <DeleteStatusDialog
          pid={pid}
          status={deleting}
          others={statuses.filter((s) => s.id !== deleting.id && !s.id.startsWith('tmp-'))}
          taskCount={tasks.filter((t) => t.status === deleting.id).length}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

function StatusName({ pid, status }: { pid: string; status: StatusView }) {
  const update = useTandemMutation('status.update');
  const [name, setName] = useState(status.name);
  useEffect(() => setName(status.name), [status.name]);
  const save = () => {
    const n = name.trim();
    if (!n) return setName(status.name);
    if (n !== status.name) update.mutate({ projectId: pid, id: status.id, name: n });
  };
  return (
    <input
      aria-label={`Name of status ${status.name}`}
      value={name}
      maxLength={60}
      disabled={status.id.startsWith('tmp-')}
      onChange={(e) => setName(e.target.value)}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        if (e.key === 'Escape') setName(status.name);
      }}
    />
  );
}

function NewStatusForm({ pid }: { pid: string }) {
  const create = useTandemMutation('status.create');
  const [name, setName] = useState('');
  const [category, setCategory] = useState<StatusCategory>('todo');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    setError(null);
    create.mutate({ projectId: pid, name: n, category, tempId: tempId() }, { onError: (err) => setError(errorMessage(err)) });
    setName('');
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        aria-label="New status name"
        placeholder="New status"
        maxLength={60}
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <select aria-label="New status category" value={category} onChange={(e) => setCategory(e.target.value as StatusCategory)}>
        {StatusCategories.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      <button type="submit" className="primary">
        Add status
      </button>
      <FormError error={error} />
    </form>
  );
}

function DeleteStatusDialog({
  pid,
  status,
  others,
  taskCount,
  onClose,
}: {
  pid: string;
  status: StatusView;
  others: StatusView[];
  taskCount: number;
  onClose: () => void;
}) {
  const remove = useTandemMutation('status.delete');
  const [target, setTarget] = useState(others[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    remove.mutate(
      { projectId: pid, id: status.id, target: target || undefined },
      { onSuccess: onClose, onError: (err) => setError(errorMessage(err)) },
    );
  };
  return (
    <dialog open className="modal" aria-labelledby="delete-status-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form onSubmit={submit}>
        <h2 id="delete-status-title">Delete status {status.name}</h2>
        {taskCount > 0 ? (
          <p>
            {taskCount} {taskCount === 1 ? 'task is' : 'tasks are'} in {status.name}. Choose where they go.
          </p>
        ) : (
          <p>No task is in {status.name}. Tasks found there when it is deleted go to the status below.</p>
        )}
        <label className="field">
          Move its tasks to
          <select value={target} onChange={(e) => setTarget(e.target.value)} required>
            {others.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <FormError error={error} />
        <div className="row">
          <button type="submit" className="danger" disabled={remove.isPending}>
            Delete status
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

function MemberOverrides({ pid }: { pid: string }) {
  const { data: members, error } = useProjectMembers(pid);
  const { data: me } = useMe();
  const set = useTandemMutation('projectMember.set');
  const clear = useTandemMutation('projectMember.clear');
  return (
    <section className="settings-section" aria-labelledby="roles-title">
      <h2 id="roles-title">Project roles</h2>
      <p className="muted">Members have their workspace role here unless the project overrides it.</p>
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {!members && !error && <p className="muted">Loading members…</p>}
      <ul className="member-list">
        {members?.map((m: ProjectMemberView) => (
          <li key={m.userId} className="member-row">
            <Avatar id={m.userId} name={m.displayName} size={32} />
            <div className="member-who">
              <strong>
                {m.displayName}
                {m.userId === me?.id && <span className="muted"> (you)</span>}
              </strong>
              <span className="muted">
                {m.email} · workspace {m.workspaceRole}
                {m.override ? ' · overridden here' : ''}
              </span>
            </div>
            {m.userId === me?.id || m.workspaceRole === 'owner' ? (
              // Workspace owners keep owner rights in every project: there is nothing to override.
              <span className="role-badge" title={m.workspaceRole === 'owner' ? 'Workspace owners are owners of every project' : undefined}>
                {m.role}
              </span>
            ) : (
              <>
                <select
                  aria-label={`Project role of ${m.displayName}`}
                  value={m.role}
                  onChange={(e) => set.mutate({ projectId: pid, userId: m.userId, role: e.target.value as Role })}
                >
                  {Roles.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
                {m.override && (
                  <button type="button" onClick={() => clear.mutate({ projectId: pid, userId: m.userId })}>
                    Use workspace role
                  </button>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
