// Who can open a document: people it is shared with (add by name or email, change role, remove),
// shares inherited from the documents above it, and the workspace's members, so the effective access
// of the whole subtree is visible in one place. Owners only (the server says so too).
import type { DocumentShareView, Role } from '@tandem/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { client } from '../../api/session.js';
import type { DocumentView } from '../../api/types.js';
import { Avatar } from '../../ui/Avatar.js';
import { toast } from '../../ui/toast.js';
import { ancestors, descendants } from './tree.js';

const ROLE_LABEL: Record<Role, string> = { owner: 'Owner', editor: 'Can edit', viewer: 'Can view' };
const sharesKey = (did: string) => ['document-shares', did] as const;

export function ShareDialog({ wid, did, docs, onClose }: { wid: string; did: string; docs: DocumentView[]; onClose: () => void }) {
  const qc = useQueryClient();
  const shares = useQuery({ queryKey: sharesKey(did), queryFn: async () => (await client.documents.shares(did)).items });
  const above = ancestors(docs, did);
  const inherited = useQuery({
    queryKey: ['document-shares-above', did, above.map((a) => a.id).join()],
    queryFn: async () => {
      const lists = await Promise.all(above.map(async (a) => ({ doc: a, items: (await client.documents.shares(a.id)).items })));
      return lists.flatMap(({ doc, items }) => items.map((s) => ({ ...s, from: doc.title || 'Untitled' })));
    },
  });
  const { data: members = [] } = useQuery({
    queryKey: keys.members(wid),
    queryFn: async () => (await client.workspaces.members(wid)).items,
  });
  const below = descendants(docs, did).length;
  const [who, setWho] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: sharesKey(did) });

  const add = async () => {
    const q = who.trim();
    if (!q) return;
    const byName = members.find((m) => m.displayName.toLowerCase() === q.toLowerCase());
    const email = byName?.email ?? q;
    if (!email.includes('@')) {
      setError('Nobody by that name in this workspace: type their email address instead');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const s = await client.documents.shareByEmail(did, email, role);
      toast(`Shared with ${s.displayName}`);
      setWho('');
      await refresh();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const change = async (s: DocumentShareView, next: Role | 'remove') => {
    try {
      if (next === 'remove') await client.documents.unshare(did, s.userId);
      else await client.documents.share(did, s.userId, next);
      await refresh();
    } catch (e) {
      toast(errorMessage(e), 'error');
    }
  };

  return (
    <>
      <div className="modal-backdrop" onClick={onClose} aria-hidden="true" />
      <dialog open className="modal share-dialog" aria-labelledby="share-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <h2 id="share-title">Share “{docs.find((d) => d.id === did)?.title || 'Untitled'}”</h2>
        <p className="muted share-scope">
          {below > 0
            ? `Sharing includes the ${below} document${below === 1 ? '' : 's'} under this one.`
            : 'Sharing gives access to this document.'}
        </p>
        <form
          className="share-add"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <input
            aria-label="Name or email"
            placeholder="Name or email"
            list="share-people"
            value={who}
            onChange={(e) => setWho(e.target.value)}
            autoFocus
          />
          <datalist id="share-people">
            {members.map((m) => (
              <option key={m.userId} value={m.displayName}>
                {m.email}
              </option>
            ))}
          </datalist>
          <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="viewer">Can view</option>
            <option value="editor">Can edit</option>
          </select>
          <button type="submit" className="primary" disabled={busy || !who.trim()}>
            Share
          </button>
        </form>
        {error && <p className="form-error">{error}</p>}

        <h3 className="share-heading">People with access</h3>
        <ul className="share-list" aria-label="Shared with">
          {shares.isLoading && <li className="muted">Loading…</li>}
          {shares.error && <li className="form-error">{errorMessage(shares.error)}</li>}
          {shares.data?.length === 0 && <li className="muted">Not shared with anyone directly.</li>}
          {shares.data?.map((s) => (
            <li key={s.userId} className="share-row">
              <Avatar id={s.userId} name={s.displayName} />
              <span className="share-who">
                <span>{s.displayName}</span>
                <span className="muted">{s.email}</span>
              </span>
              <select
                aria-label={`Role of ${s.displayName}`}
                value={s.role}
                onChange={(e) => void change(s, e.target.value as Role | 'remove')}
              >
                <option value="viewer">Can view</option>
                <option value="editor">Can edit</option>
                <option value="remove">Remove</option>
              </select>
            </li>
          ))}
          {inherited.data?.map((s) => (
            <li key={`${s.documentId}:${s.userId}`} className="share-row inherited">
              <Avatar id={s.userId} name={s.displayName} />
              <span className="share-who">
                <span>{s.displayName}</span>
                <span className="muted">from “{s.from}”</span>
              </span>
              <span className="muted">{ROLE_LABEL[s.role]}</span>
            </li>
          ))}
        </ul>
        <details className="share-members">
          <summary>Everyone in the workspace ({members.length}) — owners and editors can edit, viewers can read</summary>
          <ul className="share-list">
            {members.map((m) => (
              <li key={m.userId} className="share-row">
                <Avatar id={m.userId} name={m.displayName} />
                <span className="share-who">
                  <span>{m.displayName}</span>
                  <span className="muted">{m.email}</span>
                </span>
                <span className="muted">{ROLE_LABEL[m.role]}</span>
              </li>
            ))}
          </ul>
        </details>
        <div className="thread-actions">
          <button type="button" onClick={onClose}>
            Done
          </button>
        </div>
      </dialog>
    </>
  );
}
