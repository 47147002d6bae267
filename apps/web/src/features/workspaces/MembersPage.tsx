// Who is in the workspace and with which role; owners add people by email, change roles, remove.

import type { Role } from '@tandem/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useMe, useMembers, useWorkspaces } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { Avatar } from '../../ui/Avatar.js';
import { FormError } from '../../ui/FormError.js';
import { toast } from '../../ui/toast.js';
import { StorageUsage } from '../files/StorageUsage.js';

// Listed here rather than imported: the protocol package's runtime pulls its request schemas (zod) into the bundle.
const Roles: Role[] = ['owner', 'editor', 'viewer'];

export function MembersPage({ wid }: { wid: string }) {
  const qc = useQueryClient();
  const { data: me } = useMe();
  const { data: workspaces } = useWorkspaces();
  const { data: members, error, isPending } = useMembers(wid);
  const isOwner = workspaces?.find((w) => w.id === wid)?.role === 'owner';
  const refresh = () => qc.invalidateQueries({ queryKey: keys.members(wid) });

  const act = async (p: Promise<unknown>, done: string) => {
    try {
      await p;
      toast(done);
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      await refresh();
    }
  };

  return (
    <section className="page">
      <header className="page-header">
        <h1>Members</h1>
      </header>
      {isOwner && <AddMemberForm wid={wid} onAdded={refresh} />}
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {isPending && <p className="muted">Loading members…</p>}
      <ul className="member-list">
        {members?.map((m) => (
          <li key={m.userId} className="member-row">
            <Avatar id={m.userId} name={m.displayName} size={32} />
            <div className="member-who">
              <strong>
                {m.displayName}
                {m.userId === me?.id && <span className="muted"> (you)</span>}
              </strong>
              <span className="muted">{m.email}</span>
            </div>
            {isOwner && m.userId !== me?.id ? (
              <>
                <select
                  aria-label={`Role of ${m.displayName}`}
                  value={m.role}
                  onChange={(e) =>
                    act(
                      api.workspaces.updateMember(wid, m.userId, { role: e.target.value as Role }),
                      `${m.displayName} is now ${e.target.value}`,
                    )
                  }
                >
                  {Roles.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    if (confirm(`Remove ${m.displayName} from this workspace?`))
                      void act(api.workspaces.removeMember(wid, m.userId), `${m.displayName} removed`);
                  }}
                >
                  Remove
                </button>
              </>
            ) : (
              <span className="role-badge">{m.role}</span>
            )}
          </li>
        ))}
      </ul>
      <StorageUsage wid={wid} />
    </section>
  );
}

function AddMemberForm({ wid, onAdded }: { wid: string; onAdded: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.workspaces.addMember(wid, { email: email.trim(), role });
      setEmail('');
      toast(`${email.trim()} added as ${role}`);
      onAdded();
    } catch (err) {
      setError(errorMessage(err).replace(/^User not found$/i, 'No Tandem account uses that email. Ask them to sign up first.'));
    }
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        type="email"
        required
        aria-label="Email of the person to add"
        placeholder="name@company.com"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {Roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" className="primary">
        Add member
      </button>
      <FormError error={error} />
    </form>
  );
}
