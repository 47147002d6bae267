// A document's saved versions: preview any of them as text and, for editors, restore one. The
// restore happens on the server's live copy, so everyone editing sees it at once.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { useMembers } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { toast } from '../../ui/toast.js';

const REASON: Record<string, string> = { auto: 'Autosave', manual: 'Saved', restore: 'Before a restore' };

export function DocHistory({ wid, did, readOnly, onClose }: { wid: string; did: string; readOnly: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const { data: members = [] } = useMembers(wid);
  const versions = useQuery({ queryKey: ['document', did, 'history'], queryFn: () => api.documents.history(did) });
  const [selected, setSelected] = useState<string | null>(null);
  const preview = useQuery({
    queryKey: ['document', did, 'history', selected],
    queryFn: () => api.documents.versionText(did, selected!),
    enabled: !!selected,
  });
  const [restoring, setRestoring] = useState(false);

  const restore = async () => {
    if (!selected || !confirm('Replace the document with this version? The current text is kept in the history.')) return;
    setRestoring(true);
    try {
      await api.documents.restoreVersion(did, selected);
      toast('Version restored');
      await qc.invalidateQueries({ queryKey: ['document', did, 'history'] });
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setRestoring(false);
    }
  };

  return (
    <aside className="doc-history" aria-label="Version history">
      <header className="drawer-header">
        <h2>History</h2>
        <span className="spacer" />
        <button type="button" className="icon-button close" aria-label="Close history" onClick={onClose}>
          ×
        </button>
      </header>
      {versions.error && <p className="form-error">{errorMessage(versions.error)}</p>}
      {versions.data?.length === 0 && <p className="muted">No saved versions yet. Versions are kept as the document changes.</p>}
      <ol className="versions">
        {versions.data?.map((v) => (
          <li key={v.id}>
            <button type="button" className={`version ${selected === v.id ? 'active' : ''}`} onClick={() => setSelected(v.id)}>
              <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>
              <span className="muted">
                {REASON[v.reason] ?? v.reason}
                {v.createdById ? ` · ${members.find((m) => m.userId === v.createdById)?.displayName ?? 'Someone'}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {selected && (
        <section className="version-preview">
          {preview.isPending ? (
            <p className="muted">Loading…</p>
          ) : (
            <section aria-label="Version text">
              <pre>{preview.data}</pre>
            </section>
          )}
          {!readOnly && (
            <button type="button" className="primary" disabled={restoring || preview.isPending} onClick={restore}>
              Restore this version
            </button>
          )}
        </section>
      )}
    </aside>
  );
}
