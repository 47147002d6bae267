// Owners invite people: by email (mailed when the server sends mail; the person joins when they
// accept, sign up or sign in with that address) or with a link (role, expiry, number of uses).
import type { CreatedInvitation, InvitationView, Role } from '@tandem/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage, fieldErrors } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { useInvitations } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { FieldNote } from '../../ui/FieldNote.js';
import { FormError } from '../../ui/FormError.js';
import { toast } from '../../ui/toast.js';

const ROLES: Array<{ role: Role; what: string }> = [
  { role: 'viewer', what: 'reads everything' },
  { role: 'editor', what: 'creates and changes content' },
  { role: 'owner', what: 'also manages people and deletion' },
];
const EXPIRY_DAYS = [1, 7, 14, 30, 90];

export function InviteDialog({ wid, workspaceName, onClose }: { wid: string; workspaceName: string; onClose: () => void }) {
  const qc = useQueryClient();
  const [kind, setKind] = useState<'email' | 'link'>('email');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [days, setDays] = useState(14);
  const [uses, setUses] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<CreatedInvitation | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFields({});
    if (kind === 'email' && !email.trim()) return setFields({ email: 'Enter the email address of the person to invite.' });
    const maxUses = uses.trim() ? Number(uses) : undefined;
    if (kind === 'link' && maxUses !== undefined && !(Number.isInteger(maxUses) && maxUses >= 1 && maxUses <= 1000)) {
      return setFields({ maxUses: 'Enter a whole number from 1 to 1000, or leave it empty for no limit.' });
    }
    setBusy(true);
    try {
      const expiresAt = new Date(Date.now() + days * 86_400_000).toISOString();
      const inv = await api.invitations.create(
        wid,
        kind === 'email' ? { email: email.trim(), role, expiresAt } : { role, expiresAt, ...(maxUses ? { maxUses } : {}) },
      );
      await qc.invalidateQueries({ queryKey: keys.invitations(wid) });
      if (kind === 'email') toast(`Invitation for ${inv.email} created`);
      setCreated(inv);
    } catch (err) {
      setFields(fieldErrors(err));
      setError(Object.keys(fieldErrors(err)).length ? null : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog open className="modal invite-dialog" aria-labelledby="invite-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <h2 id="invite-title">Invite people to {workspaceName}</h2>
      {created ? (
        <CreatedLink invitation={created} onAnother={() => setCreated(null)} onClose={onClose} />
      ) : (
        <form onSubmit={submit} noValidate>
          <fieldset className="segmented" aria-label="How to invite">
            <button
              type="button"
              aria-pressed={kind === 'email'}
              className={kind === 'email' ? 'active' : ''}
              onClick={() => setKind('email')}
            >
              By email
            </button>
            <button
              type="button"
              aria-pressed={kind === 'link'}
              className={kind === 'link' ? 'active' : ''}
              onClick={() => setKind('link')}
            >
              Invite link
            </button>
          </fieldset>
          {kind === 'email' ? (
            <label className="field">
              Email
              <input
                type="email"
                aria-label="Email"
                autoFocus
                placeholder="name@company.com"
                maxLength={254}
                value={email}
                aria-invalid={!!fields.email}
                onChange={(e) => setEmail(e.target.value)}
              />
              <FieldNote error={fields.email} />
            </label>
          ) : (
            <p className="muted">Anyone holding the link can join with the role below until it expires or is used up.</p>
          )}
          <label className="field">
            Role
            <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r.role} value={r.role}>
                  {r.role} — {r.what}
                </option>
              ))}
            </select>
          </label>
          <div className="field-row">
            <label className="field">
              Expires after
              <select aria-label="Expires after" value={days} onChange={(e) => setDays(Number(e.target.value))}>
                {EXPIRY_DAYS.map((d) => (
                  <option key={d} value={d}>
                    {d === 1 ? '1 day' : `${d} days`}
                  </option>
                ))}
              </select>
            </label>
            {kind === 'link' && (
              <label className="field">
                Uses
                <input
                  aria-label="Uses"
                  inputMode="numeric"
                  placeholder="No limit"
                  value={uses}
                  aria-invalid={!!fields.maxUses}
                  onChange={(e) => setUses(e.target.value.replace(/[^0-9]/g, ''))}
                />
                <FieldNote error={fields.maxUses} />
              </label>
            )}
          </div>
          <FormError error={error} />
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {kind === 'email' ? 'Send invitation' : 'Create link'}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

function CreatedLink({ invitation, onAnother, onClose }: { invitation: CreatedInvitation; onAnother: () => void; onClose: () => void }) {
  // The link points at this app wherever it is served from (the server may not know its public address).
  const url = `${window.location.origin}/invite/${invitation.token}`;
  return (
    <div>
      <p>
        {invitation.email
          ? `${invitation.email} is invited as ${invitation.role}. If this server sends mail they have it already; you can also send them this link:`
          : `Share this link. It lets ${invitation.maxUses ? `${invitation.maxUses} ${invitation.maxUses === 1 ? 'person' : 'people'}` : 'anyone holding it'} join as ${invitation.role}.`}
      </p>
      <div className="copy-row">
        <input readOnly aria-label="Invitation link" value={url} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(url).then(
              () => toast('Link copied'),
              () => toast('Select the link and copy it', 'error'),
            )
          }
        >
          Copy
        </button>
      </div>
      <p className="muted">This is the only time the link is shown.</p>
      <div className="dialog-actions">
        <button type="button" onClick={onAnother}>
          Invite someone else
        </button>
        <button type="button" className="primary" onClick={onClose} autoFocus>
          Done
        </button>
      </div>
    </div>
  );
}

const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' }) : 'never';

/** Open invitations of the workspace, with revoke. */
export function PendingInvitations({ wid }: { wid: string }) {
  const qc = useQueryClient();
  const { data: invitations = [] } = useInvitations(wid);
  if (invitations.length === 0) return null;
  const revoke = async (inv: InvitationView) => {
    try {
      await api.invitations.revoke(inv.id);
      toast(inv.email ? `Invitation for ${inv.email} revoked` : 'Invite link revoked');
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      await qc.invalidateQueries({ queryKey: keys.invitations(wid) });
    }
  };
  return (
    <section className="settings-section" aria-labelledby="pending-title">
      <h3 id="pending-title">Pending invitations</h3>
      <ul className="member-list">
        {invitations.map((inv) => (
          <li key={inv.id} className="member-row invitation-row">
            <div className="member-who">
              <strong>{inv.email ?? 'Invite link'}</strong>
              <span className="muted">
                {inv.email ? '' : `${inv.uses} of ${inv.maxUses ?? '∞'} used · `}invited by {inv.inviterName} · expires{' '}
                {when(inv.expiresAt)}
              </span>
            </div>
            <span className="role-badge">{inv.role}</span>
            <button type="button" className="danger" onClick={() => void revoke(inv)}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
