// `/w/<id>/settings` (owners): rename the workspace, or delete it with everything in it.
import { allows } from '@tandem/protocol/policy';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage, fieldErrors } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useWorkspaces } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { navigate } from '../../app/router.js';
import { FieldNote } from '../../ui/FieldNote.js';
import { FormError } from '../../ui/FormError.js';
import { toast } from '../../ui/toast.js';

const NAME_MAX = 100;

export function WorkspaceSettingsPage({ wid }: { wid: string }) {
  const { data: workspaces } = useWorkspaces();
  const workspace = workspaces?.find((w) => w.id === wid);
  if (!workspace) return <p className="muted">Loading…</p>;
  if (!allows(workspace.role, 'workspace.update')) {
    return (
      <section className="page">
        <h1>Settings</h1>
        <p className="muted">Only owners of {workspace.name} can change its settings.</p>
      </section>
    );
  }
  return (
    <section className="page">
      <header className="page-header">
        <h1>Workspace settings</h1>
      </header>
      <RenameForm key={workspace.name} wid={wid} current={workspace.name} />
      {allows(workspace.role, 'workspace.delete') && <DeleteWorkspace wid={wid} name={workspace.name} />}
    </section>
  );
}

function RenameForm({ wid, current }: { wid: string; current: string }) {
  const qc = useQueryClient();
  const [name, setName] = useState(current);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setProblem('The workspace needs a name.');
    setProblem(null);
    try {
      await api.workspaces.update(wid, { name: name.trim() });
      await qc.invalidateQueries({ queryKey: keys.workspaces });
      toast('Workspace renamed');
    } catch (err) {
      const byField = fieldErrors(err);
      setProblem(byField.name ?? null);
      setError(byField.name ? null : errorMessage(err));
    }
  };
  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      <h2>Name</h2>
      <div className="row">
        <input
          aria-label="Workspace name"
          maxLength={NAME_MAX}
          value={name}
          aria-invalid={!!problem}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="primary" disabled={name.trim() === current}>
          Rename
        </button>
      </div>
      <FieldNote error={problem} length={name.length} max={NAME_MAX} />
      <FormError error={error} />
    </form>
  );
}

function DeleteWorkspace({ wid, name }: { wid: string; name: string }) {
  const qc = useQueryClient();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const remove = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.workspaces.remove(wid);
      qc.setQueryData(keys.workspaces, (old: Array<{ id: string }> | undefined) => old?.filter((w) => w.id !== wid));
      await qc.invalidateQueries({ queryKey: keys.workspaces });
      toast(`${name} deleted`);
      navigate('/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="danger-zone" onSubmit={remove}>
      <h2>Delete workspace</h2>
      <p>Deleting removes every project, task and document in {name} for all its members. This cannot be undone.</p>
      <label className="field">
        Type the workspace name to confirm
        <input aria-label="Workspace name to confirm" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={name} />
      </label>
      <FormError error={error} />
      <button type="submit" className="danger" disabled={typed.trim() !== name}>
        Delete {name}
      </button>
    </form>
  );
}
