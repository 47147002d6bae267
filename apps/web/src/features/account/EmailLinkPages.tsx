// The pages the emailed links open: confirm an email address, choose a new password. They work
// signed in or out, since the link may be opened in any browser.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { errorMessage, isStatus } from '../../api/errors.js';
import { keys } from '../../api/keys.js';
import { api } from '../../api/tandem.js';
import { queryClient } from '../../app/query.js';
import { navigate } from '../../app/router.js';
import { FormError } from '../../ui/FormError.js';
import './account.css';

/** The page for a path the server puts in its mails (shown whether signed in or not). */
export function EmailLinkPage({ path }: { path: string }) {
  return path === '/verify-email' ? <VerifyEmailPage /> : <ResetPasswordPage />;
}
EmailLinkPage.handles = (path: string) => path === '/verify-email' || path === '/reset-password';

/** The server's answer to a used, expired or unknown link, in words a person can act on. */
function spentLink(err: unknown): string | null {
  return isStatus(err, 400) && /token/i.test(errorMessage(err)) ? 'This link has expired or was already used. Ask for a new one.' : null;
}

const tokenFromUrl = () => new URLSearchParams(window.location.search).get('token') ?? '';

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand">
          <span className="brand-mark">T</span> Tandem
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

const ContinueButton = ({ label = 'Continue to Tandem' }: { label?: string }) => (
  <button type="button" className="primary" onClick={() => navigate('/', { replace: true })}>
    {label}
  </button>
);

export function VerifyEmailPage() {
  const [state, setState] = useState<'working' | 'done' | { error: string }>('working');
  const started = useRef(false);
  useEffect(() => {
    // One attempt only: the token is single-use, so React's double effect in development must not spend it twice.
    if (started.current) return;
    started.current = true;
    const token = tokenFromUrl();
    if (!token) return setState({ error: 'This link has no token. Open the link from the email again.' });
    api.auth.verifyEmail(token).then(
      () => {
        // A signed-in app must stop showing the "please confirm" banner.
        void queryClient.invalidateQueries({ queryKey: keys.me });
        setState('done');
      },
      (err) => setState({ error: spentLink(err) ?? errorMessage(err) }),
    );
  }, []);
  if (state === 'working') {
    return (
      <Card title="Confirming your email…">
        <p className="muted">One moment.</p>
      </Card>
    );
  }
  if (state === 'done') {
    return (
      <Card title="Email confirmed">
        <p>Thank you: your email address is confirmed.</p>
        <ContinueButton />
      </Card>
    );
  }
  return (
    <Card title="This link did not work">
      <FormError error={state.error} />
      <p className="muted">
        Links are valid for 48 hours and once only. Signed in, you can ask for a new one from the banner at the top of Tandem.
      </p>
      <ContinueButton />
    </Card>
  );
}

export function ResetPasswordPage() {
  const token = tokenFromUrl();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(token ? null : 'This link has no token. Open the link from the email again.');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (password.length < 8) return setError('Password: at least 8 characters');
    if (password !== confirm) return setError('The two passwords differ');
    setBusy(true);
    try {
      await api.auth.resetPassword(token, password);
      setDone(true);
    } catch (err) {
      setError(spentLink(err) ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <Card title="Password changed">
        <p>Your new password is set. Every device that was signed in has been signed out.</p>
        <ContinueButton label="Sign in" />
      </Card>
    );
  }
  return (
    <Card title="Choose a new password">
      <form className="auth-form" onSubmit={submit} noValidate>
        <label>
          New password
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoFocus
          />
        </label>
        <label>
          Repeat the new password
          <input
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
        </label>
        <FormError error={error} />
        <button className="primary" type="submit" disabled={busy || !token}>
          {busy ? 'Please wait…' : 'Set new password'}
        </button>
      </form>
    </Card>
  );
}
