// `/invite/<token>`: who invites whom to what, then sign in or create an account, then join.
// Shown whether or not someone is signed in; joining lands in the workspace.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, isStatus } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useSignedIn } from '../../api/session.js';
import { api } from '../../api/tandem.js';
import { navigate, paths } from '../../app/router.js';
import { FormError } from '../../ui/FormError.js';
import { AuthScreen } from '../auth/AuthScreen.js';

export function InvitePage({ token }: { token: string }) {
  const signedIn = useSignedIn();
  const qc = useQueryClient();
  const preview = useQuery({ queryKey: ['invitation', token], queryFn: () => api.invitations.preview(token), retry: false });
  const me = useQuery({ queryKey: keys.me, queryFn: api.me, enabled: signedIn });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const join = async () => {
    setBusy(true);
    setError(null);
    try {
      const joined = await api.invitations.accept(token);
      await qc.invalidateQueries({ queryKey: keys.workspaces });
      navigate(paths.workspace(joined.workspaceId), { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  if (preview.isPending) return <Card>Opening the invitation…</Card>;
  if (preview.error || !preview.data) {
    return (
      <Card>
        <h1>This invitation cannot be used</h1>
        <p className="muted">
          {isStatus(preview.error, 404)
            ? 'It expired, was revoked or has been used up. Ask whoever sent it for a new one.'
            : errorMessage(preview.error)}
        </p>
        <button type="button" onClick={() => navigate('/', { replace: true })}>
          Go to Tandem
        </button>
      </Card>
    );
  }
  const inv = preview.data;
  const summary = (
    <>
      <p className="invite-kicker">{inv.inviterName} invited you to join</p>
      <h1 className="invite-workspace">{inv.workspaceName}</h1>
      <p className="muted">
        as <span className="role-badge">{inv.role}</span>
        {inv.email ? ` · for ${inv.email}` : ''}
      </p>
    </>
  );
  if (!signedIn) {
    return <AuthScreen invitation={{ token, email: inv.email }} header={summary} />;
  }
  const wrongAccount = inv.email && me.data && me.data.email !== inv.email;
  return (
    <Card>
      {summary}
      {me.data && (
        <p className="muted">
          Signed in as <strong>{me.data.displayName}</strong> ({me.data.email})
        </p>
      )}
      {wrongAccount && (
        <p className="form-error">This invitation is for {inv.email}. Sign out and sign in with that address to accept it.</p>
      )}
      <FormError error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={() => void api.auth.logout().catch(() => undefined)}>
          Use another account
        </button>
        <button type="button" className="primary" disabled={busy || !!wrongAccount} onClick={() => void join()} autoFocus>
          {busy ? 'Joining…' : `Join ${inv.workspaceName}`}
        </button>
      </div>
    </Card>
  );
}

function Card({ children }: { children: React.ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card invite-card">
        <div className="brand">
          <span className="brand-mark">T</span> Tandem
        </div>
        {children}
      </div>
    </main>
  );
}
