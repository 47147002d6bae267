// Invitations waiting for me (an owner added my account, or invited my verified address): join or
// decline, without leaving the screen I am on. New ones arrive live over my own socket room.
import { useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useMyInvitations } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { navigate, paths } from '../../app/router.js';
import { toast } from '../../ui/toast.js';

export function MyInvitations() {
  const qc = useQueryClient();
  const { data: invitations = [] } = useMyInvitations();
  if (invitations.length === 0) return null;
  const act = async (p: Promise<unknown>, done: string, go?: string) => {
    try {
      await p;
      toast(done);
      if (go) navigate(go);
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      await qc.invalidateQueries({ queryKey: keys.myInvitations });
      await qc.invalidateQueries({ queryKey: keys.workspaces });
    }
  };
  return (
    <section className="my-invitations" aria-label="Invitations for you">
      {invitations.map((inv) => (
        <div key={inv.id} className="invitation-banner">
          <span>
            <strong>{inv.inviterName}</strong> invited you to <strong>{inv.workspaceName}</strong> as {inv.role}.
          </span>
          <span className="spacer" />
          <button type="button" onClick={() => void act(api.invitations.decline(inv.id), 'Invitation declined')}>
            Decline
          </button>
          <button
            type="button"
            className="primary"
            onClick={() =>
              void act(api.invitations.acceptPending(inv.id), `You joined ${inv.workspaceName}`, paths.workspace(inv.workspaceId))
            }
          >
            Join
          </button>
        </div>
      ))}
    </section>
  );
}
