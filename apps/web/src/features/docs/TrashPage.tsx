// Documents in the trash, restorable by editors.
import { allows } from '@tandem/protocol/policy';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useTandemMutation } from '../../api/mutations.js';
import { useWorkspaces } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { isTrashed } from './tree.js';

export function TrashPage({ wid }: { wid: string }) {
  const { data = [], error, isPending } = useQuery({ queryKey: keys.trash(wid), queryFn: () => api.documents.trash(wid) });
  const restore = useTandemMutation('document.restore');
  const trashed = data.filter(isTrashed);
  const { data: workspaces } = useWorkspaces();
  const canRestore = allows(workspaces?.find((w) => w.id === wid)?.role, 'document.trash');
  return (
    <section className="page">
      <header className="page-header">
        <h1>Trash</h1>
      </header>
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {isPending && <p className="muted">Loading…</p>}
      {!isPending && trashed.length === 0 && <p className="muted">The trash is empty.</p>}
      <ul className="trash-list">
        {trashed.map((d) => (
          <li key={d.id}>
            <span>{d.title || 'Untitled'}</span>
            <span className="muted">{new Date(d.deletedAt!).toLocaleString()}</span>
            {canRestore && (
              <button type="button" onClick={() => restore.mutate({ workspaceId: wid, id: d.id })}>
                Restore
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
