// The workspace's labels: editors create, rename, recolour and delete them; everyone sees them.
import { allows } from '@tandem/protocol/policy';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { tempId, useTandemMutation } from '../../api/mutations.js';
import { useLabels, useWorkspaces } from '../../api/queries.js';
import type { LabelView } from '../../api/types.js';
import { FormError } from '../../ui/FormError.js';
import { LabelChip } from '../../ui/LabelChip.js';
import { nextLabelColor } from './labels.js';

export function LabelsPage({ wid }: { wid: string }) {
  const { data: labels, error, isPending } = useLabels(wid);
  const { data: workspaces } = useWorkspaces();
  const role = workspaces?.find((w) => w.id === wid)?.role;
  const canEdit = allows(role, 'label.manage');
  return (
    <section className="page">
      <header className="page-header">
        <h1>Labels</h1>
      </header>
      {canEdit && <NewLabelForm wid={wid} used={labels?.map((l) => l.color) ?? []} />}
      {!canEdit && role && <p className="muted">Editors and owners manage labels.</p>}
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {isPending && <p className="muted">Loading labels…</p>}
      {labels?.length === 0 && <p className="muted">No labels yet.</p>}
      <ul className="label-list" aria-label="Labels">
        {labels?.map((l) => (
          <li key={l.id} className="label-row">
            {canEdit ? <LabelEditor wid={wid} label={l} /> : <LabelChip label={l} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewLabelForm({ wid, used }: { wid: string; used: string[] }) {
  const create = useTandemMutation('label.create');
  const [name, setName] = useState('');
  const [color, setColor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = color ?? nextLabelColor(used);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    setError(null);
    create.mutate({ workspaceId: wid, name: n, color: shown, tempId: tempId() }, { onError: (err) => setError(errorMessage(err)) });
    setName('');
    setColor(null);
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        aria-label="Label name"
        placeholder="New label"
        maxLength={50}
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <input type="color" aria-label="Label color" value={shown} onChange={(e) => setColor(e.target.value)} />
      <button type="submit" className="primary">
        Create label
      </button>
      <FormError error={error} />
    </form>
  );
}

function LabelEditor({ wid, label }: { wid: string; label: LabelView }) {
  const update = useTandemMutation('label.update');
  const remove = useTandemMutation('label.delete');
  const [name, setName] = useState(label.name);
  useEffect(() => setName(label.name), [label.name]);
  // The colour picker reports every colour it passes through: send the one it settles on.
  const [color, setColor] = useState(label.color);
  useEffect(() => setColor(label.color), [label.color]);
  useEffect(() => {
    if (color.toLowerCase() === label.color.toLowerCase()) return;
    const timer = setTimeout(() => update.mutate({ workspaceId: wid, id: label.id, color }), 400);
    return () => clearTimeout(timer);
  }, [color, label.color, label.id, wid, update.mutate]);
  const pending = label.id.startsWith('tmp-');
  const rename = () => {
    const n = name.trim();
    if (!n) return setName(label.name);
    if (n !== label.name) update.mutate({ workspaceId: wid, id: label.id, name: n });
  };
  return (
    <>
      <LabelChip label={{ name: label.name, color }} />
      <input
        aria-label={`Name of label ${label.name}`}
        value={name}
        maxLength={50}
        disabled={pending}
        onChange={(e) => setName(e.target.value)}
        onBlur={rename}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') setName(label.name);
        }}
      />
      <input
        type="color"
        aria-label={`Color of label ${label.name}`}
        value={color}
        disabled={pending}
        onChange={(e) => setColor(e.target.value)}
      />
      <button
        type="button"
        className="danger"
        aria-label={`Delete label ${label.name}`}
        disabled={pending}
        onClick={() => {
          if (confirm(`Delete the label "${label.name}"? It is removed from every task.`))
            remove.mutate({ workspaceId: wid, id: label.id });
        }}
      >
        Delete
      </button>
    </>
  );
}
