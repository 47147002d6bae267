// A document's saved versions: save the current one under a name, compare any version with the
// document as it is now (words added and removed, highlighted), read its text and, for editors,
// restore it. The restore happens on the server's live copy, so everyone editing sees it at once.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { diffWordsWithSpace } from 'diff';
import { type FormEvent, useState } from 'react';
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
  const [view, setView] = useState<'changes' | 'text'>('text');
  const preview = useQuery({
    queryKey: ['document', did, 'history', selected],
    queryFn: () => api.documents.versionText(did, selected!),
    enabled: !!selected,
  });
  // "Now" is whatever the live document holds when the comparison is opened.
  const now = useQuery({
    queryKey: ['document', did, 'text', selected],
    queryFn: () => api.documents.text(did),
    enabled: !!selected && view === 'changes',
    staleTime: 0,
    gcTime: 0,
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

  const author = (id: string | null) => (id ? ` · ${members.find((m) => m.userId === id)?.displayName ?? 'Someone'}` : '');

  return (
    <aside className="doc-history" aria-label="Version history">
      <header className="drawer-header">
        <h2>History</h2>
        <span className="spacer" />
        <button type="button" className="icon-button close" aria-label="Close history" onClick={onClose}>
          ×
        </button>
      </header>
      {!readOnly && (
        <SaveVersion
          did={did}
          onSaved={async (id) => {
            await qc.invalidateQueries({ queryKey: ['document', did, 'history'] });
            setSelected(id);
          }}
        />
      )}
      {versions.error && <p className="form-error">{errorMessage(versions.error)}</p>}
      {versions.data?.length === 0 && (
        <p className="muted">No saved versions yet. A version is kept every 10 minutes while people edit, and when editing stops.</p>
      )}
      <ol className="versions">
        {versions.data?.map((v) => (
          <li key={v.id}>
            <button type="button" className={`version ${selected === v.id ? 'active' : ''}`} onClick={() => setSelected(v.id)}>
              {v.name ? <strong className="version-name">{v.name}</strong> : null}
              <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>
              <span className="muted">
                {REASON[v.reason] ?? v.reason}
                {author(v.createdById)}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {selected && (
        <section className="version-preview">
          <div className="segmented" role="tablist" aria-label="Show">
            <button type="button" role="tab" aria-selected={view === 'changes'} onClick={() => setView('changes')}>
              Changes since
            </button>
            <button type="button" role="tab" aria-selected={view === 'text'} onClick={() => setView('text')}>
              Text of this version
            </button>
          </div>
          {preview.isPending || (view === 'changes' && now.isPending) ? (
            <p className="muted">Loading…</p>
          ) : preview.error || now.error ? (
            <p className="form-error">{errorMessage(preview.error ?? now.error)}</p>
          ) : view === 'changes' ? (
            <Changes before={preview.data ?? ''} after={now.data ?? ''} />
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

function SaveVersion({ did, onSaved }: { did: string; onSaved: (id: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const v = await api.documents.saveVersion(did, name.trim());
      setName('');
      toast(`Version "${v.name}" saved`);
      await onSaved(v.id);
    } catch (err) {
      // The name stays in the box with the reason.
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="save-version" onSubmit={save}>
      <input
        aria-label="Version name"
        placeholder="Name this version, e.g. Sent for review"
        value={name}
        maxLength={200}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" className="primary" disabled={busy || !name.trim()}>
        Save version
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** The version's text against now: removed words struck through, added words highlighted. */
function Changes({ before, after }: { before: string; after: string }) {
  const parts = diffWordsWithSpace(before, after);
  const added = parts.filter((p) => p.added).length;
  const removed = parts.filter((p) => p.removed).length;
  return (
    <section aria-label="Changes since this version">
      <p className="muted diff-summary">
        {added === 0 && removed === 0
          ? 'No changes since this version.'
          : `${added} addition${added === 1 ? '' : 's'}, ${removed} removal${removed === 1 ? '' : 's'} since this version.`}
      </p>
      <div className="diff">
        {parts.map((p, i) =>
          p.added ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one diff never reorder
            <ins key={i}>{p.value}</ins>
          ) : p.removed ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one diff never reorder
            <del key={i}>{p.value}</del>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one diff never reorder
            <span key={i}>{p.value}</span>
          ),
        )}
      </div>
    </section>
  );
}
