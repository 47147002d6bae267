// The workspace menu at the top of the sidebar: switch, or create a new one.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useWorkspaces } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { navigate, paths } from '../../app/router.js';
import { FormError } from '../../ui/FormError.js';

export function WorkspaceSwitcher({ current }: { current: string }) {
  const { data: workspaces = [] } = useWorkspaces();
  const [creating, setCreating] = useState(false);
  return (
    <div className="ws-switcher">
      <select
        aria-label="Workspace"
        value={current}
        onChange={(e) => {
          if (e.target.value === '__new') setCreating(true);
          else navigate(paths.workspace(e.target.value));
        }}
      >
        {workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
        <option value="__new">+ New workspace…</option>
      </select>
      {creating && <CreateWorkspaceForm onDone={() => setCreating(false)} />}
    </div>
  );
}

export function CreateWorkspaceForm({ onDone, autoFocus = true }: { onDone?: () => void; autoFocus?: boolean }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError('Give the workspace a name');
    setBusy(true);
    setError(null);
    try {
      const ws = await api.workspaces.create({ name: name.trim() });
      await qc.invalidateQueries({ queryKey: keys.workspaces });
      onDone?.();
      navigate(paths.workspace(ws.id));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        aria-label="Workspace name"
        placeholder="Workspace name"
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
        autoFocus={autoFocus}
        onKeyDown={(e) => e.key === 'Escape' && onDone?.()}
      />
      <button className="primary" type="submit" disabled={busy}>
        Create workspace
      </button>
      <FormError error={error} />
    </form>
  );
}
