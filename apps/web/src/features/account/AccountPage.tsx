// The person's own account: email and its confirmation, password, the devices signed in, recent
// sign-ins (so a stranger's is noticed), and personal API tokens for scripts.
import type { ApiTokenScope, CreatedApiToken, SessionView, SignInView } from '@tandem/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { useMe } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { FormError } from '../../ui/FormError.js';
import { toast } from '../../ui/toast.js';
import { accountKeys, describeDevice, when } from './account.js';
import './account.css';

export function AccountPage() {
  const { data: me } = useMe();
  return (
    <section className="page account-page">
      <header className="page-header">
        <h1>Your account</h1>
      </header>
      {me && (
        <p className="account-email">
          Signed in as <strong>{me.email}</strong>{' '}
          {me.emailVerified ? <span className="pill ok">confirmed</span> : <span className="pill warn">not confirmed</span>}
        </p>
      )}
      <ChangePassword />
      <Sessions />
      <SignIns />
      <ApiTokens />
    </section>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (next.length < 8) return setError('New password: at least 8 characters');
    setBusy(true);
    try {
      await api.auth.changePassword(current, next);
      setCurrent('');
      setNext('');
      toast('Password changed. Your other devices were signed out.');
      await qc.invalidateQueries({ queryKey: accountKeys.sessions });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="account-section" aria-labelledby="pw-heading">
      <h2 id="pw-heading">Password</h2>
      <form className="stack-form" onSubmit={submit} noValidate>
        <label>
          Current password
          <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          New password
          <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <FormError error={error} />
        <div>
          <button type="submit" className="primary" disabled={busy || !current || !next}>
            Change password
          </button>
          <span className="muted hint">Signs out every other device.</span>
        </div>
      </form>
    </section>
  );
}

function Sessions() {
  const qc = useQueryClient();
  const { data, error, isPending } = useQuery({
    queryKey: accountKeys.sessions,
    queryFn: async () => (await api.identity.sessions.list()).items,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: accountKeys.sessions });
  const end = async (s: SessionView) => {
    try {
      await api.identity.sessions.end(s.id);
      toast(`Signed out ${describeDevice(s.userAgent)}`);
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
    await refresh();
    await qc.invalidateQueries({ queryKey: accountKeys.signIns });
  };
  const everywhere = async () => {
    if (!confirm('Sign out of Tandem on every device, this one included?')) return;
    try {
      await api.identity.sessions.endOthers();
      await api.auth.logout();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  return (
    <section className="account-section" aria-labelledby="sessions-heading">
      <header className="section-header">
        <h2 id="sessions-heading">Where you're signed in</h2>
        <button type="button" className="danger" onClick={() => void everywhere()}>
          Sign out everywhere
        </button>
      </header>
      {isPending && <p className="muted">Loading…</p>}
      <FormError error={error ? errorMessage(error) : null} />
      <ul className="account-list" aria-label="Signed-in devices">
        {data?.map((s) => (
          <li key={s.id} className="account-row">
            <div className="account-what">
              <strong>
                {describeDevice(s.userAgent)}
                {s.current && <span className="pill ok">this device</span>}
              </strong>
              <span className="muted">
                {s.ip ?? 'unknown address'} · signed in {when(s.createdAt)} · last active {when(s.lastUsedAt)}
              </span>
            </div>
            {!s.current && (
              <button type="button" onClick={() => void end(s)}>
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const METHOD_LABEL: Record<SignInView['method'], string> = { password: 'password', sso: 'single sign-on' };

function SignIns() {
  const { data, error } = useQuery({
    queryKey: accountKeys.signIns,
    queryFn: async () => (await api.identity.signIns.list({ limit: 20 })).items,
  });
  return (
    <section className="account-section" aria-labelledby="sign-ins-heading">
      <h2 id="sign-ins-heading">Recent sign-ins</h2>
      <p className="muted">
        Every time someone signed in to your account, newest first. Don't recognise one? Sign that device out above and change your
        password.
      </p>
      <FormError error={error ? errorMessage(error) : null} />
      <ul className="account-list" aria-label="Recent sign-ins">
        {data?.map((s) => (
          <li key={s.id} className="account-row">
            <div className="account-what">
              <strong>
                {describeDevice(s.userAgent)}
                {s.current && <span className="pill ok">this device</span>}
                <span className="pill">{METHOD_LABEL[s.method] ?? s.method}</span>
              </strong>
              <span className="muted" title={s.userAgent ?? undefined}>
                {s.ip ?? 'unknown address'} · {new Date(s.createdAt).toLocaleString()} ·{' '}
                {s.active ? 'still signed in' : `ended ${when(s.endedAt ?? s.createdAt)}`}
              </span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

const EXPIRY: Array<[string, number | null]> = [
  ['Never', null],
  ['30 days', 30],
  ['90 days', 90],
  ['1 year', 365],
];

function ApiTokens() {
  const qc = useQueryClient();
  const { data } = useQuery({ queryKey: accountKeys.tokens, queryFn: async () => (await api.identity.tokens.list()).items });
  const refresh = () => qc.invalidateQueries({ queryKey: accountKeys.tokens });
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiTokenScope>('read');
  const [days, setDays] = useState<number | null>(90);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setError('Name: say what the token is for');
    try {
      const expiresAt = days ? new Date(Date.now() + days * 86_400_000).toISOString() : null;
      setCreated(await api.identity.tokens.create({ name: name.trim(), scope, expiresAt }));
      setName('');
      await refresh();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const revoke = async (id: string, tokenName: string) => {
    if (!confirm(`Revoke "${tokenName}"? Scripts using it stop working at once.`)) return;
    try {
      await api.identity.tokens.revoke(id);
      toast(`Token "${tokenName}" revoked`);
      if (created?.id === id) setCreated(null);
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
    await refresh();
  };

  return (
    <section className="account-section" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">Personal API tokens</h2>
      <p className="muted">
        For scripts and integrations: send <code>Authorization: Bearer tdm_…</code> to the API (see <a href="/api/docs">/api/docs</a>
        ). A token acts with your permissions; a read token cannot change anything.
      </p>
      {created && <NewToken token={created} onDone={() => setCreated(null)} />}
      <form className="inline-form token-form" onSubmit={create} noValidate>
        <input
          aria-label="Token name"
          placeholder="What is it for? e.g. CI export"
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <select aria-label="Scope" value={scope} onChange={(e) => setScope(e.target.value as ApiTokenScope)}>
          <option value="read">Read only</option>
          <option value="write">Read and write</option>
        </select>
        <select aria-label="Expires" value={days ?? ''} onChange={(e) => setDays(e.target.value ? Number(e.target.value) : null)}>
          {EXPIRY.map(([label, d]) => (
            <option key={label} value={d ?? ''}>
              {d ? `Expires in ${label}` : 'Never expires'}
            </option>
          ))}
        </select>
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
      <FormError error={error} />
      {data && data.length === 0 && <p className="muted">No tokens yet.</p>}
      <ul className="account-list" aria-label="API tokens">
        {data?.map((t) => (
          <li key={t.id} className="account-row">
            <div className="account-what">
              <strong>
                {t.name} <span className="pill">{t.scope === 'write' ? 'read and write' : 'read only'}</span>
              </strong>
              <span className="muted">
                created {when(t.createdAt)} · {t.lastUsedAt ? `last used ${when(t.lastUsedAt)}` : 'never used'} ·{' '}
                {t.expiresAt ? `expires ${when(t.expiresAt)}` : 'never expires'}
              </span>
            </div>
            <button type="button" className="danger" onClick={() => void revoke(t.id, t.name)}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewToken({ token, onDone }: { token: CreatedApiToken; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied(true);
    } catch {
      toast('Copying was refused by the browser: select the token and copy it by hand.', 'error');
    }
  };
  return (
    <div className="new-token" role="status">
      <p>
        <strong>Token "{token.name}" created.</strong> Copy it now: it will not be shown again.
      </p>
      <div className="new-token-value">
        <input aria-label="New token" readOnly value={token.token} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
