// Who is in the workspace and with which role; owners invite people (email or link), see and revoke
// pending invitations, change roles, remove.

import type { Role } from '@tandem/protocol';
import { allows } from '@tandem/protocol/policy';
import { Roles } from '@tandem/protocol/roles';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useMe, useMembers, useWorkspaces } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { Avatar } from '../../ui/Avatar.js';
import { toast } from '../../ui/toast.js';
import { StorageUsage } from '../files/StorageUsage.js';
import { InviteDialog, PendingInvitations } from './InviteDialog.js';

export function MembersPage({ wid }: { wid: string }) {
  const qc = useQueryClient();
  const { data: me } = useMe();
  const { data: workspaces } = useWorkspaces();
  const { data: members, error, isPending } = useMembers(wid);
  const workspace = workspaces?.find((w) => w.id === wid);
  const isOwner = allows(workspace?.role, 'workspace.members.manage');
  const [inviting, setInviting] = useState(false);
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
        {isOwner && (
          <button type="button" className="primary" onClick={() => setInviting(true)}>
            Invite people
          </button>
        )}
      </header>
      {inviting && workspace && <InviteDialog wid={wid} workspaceName={workspace.name} onClose={() => setInviting(false)} />}
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
      {isOwner && <PendingInvitations wid={wid} />}
    </section>
  );
}
