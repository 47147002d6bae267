// Sign in and create an account, as the server's sign-up policy allows (open, by invitation, or
// for some email domains), with a password and/or the server's identity provider (single sign-on).
// Problems are shown next to the field they concern, in plain words.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { errorMessage, fieldErrors } from '../../api/errors.js';
import { api } from '../../api/tandem.js';
import { FieldNote } from '../../ui/FieldNote.js';
import { FormError } from '../../ui/FormError.js';
import { accountKeys } from '../account/account.js';
import { SsoButton, useSsoError } from './sso.js';

type Mode = 'login' | 'register' | 'forgot';

const NAME_MAX = 100;

export function AuthScreen({ invitation, header }: { invitation?: { token: string; email: string | null }; header?: ReactNode } = {}) {
  const policy = useQuery({ queryKey: ['signup-policy'], queryFn: () => api.auth.signupPolicy(), staleTime: 60_000, retry: false });
  const providers = useQuery({ queryKey: accountKeys.providers, queryFn: () => api.identity.providers(), staleTime: 60_000, retry: false });
  const sso = providers.data?.oidc ?? null;
  // Until the server says otherwise, offer the password form (every server had it before single sign-on).
  const passwordOn = providers.data?.password !== false;
  const [ssoError, dismissSsoError] = useSsoError();
  const firstUser = policy.data?.firstUser ?? false;
  // Without an invitation, an invite-only server offers no sign-up (except to its very first user).
  const mayRegister = passwordOn && (!!invitation || firstUser || policy.data?.policy !== 'invite');
  const [mode, setMode] = useState<Mode>(invitation || window.location.pathname === '/register' ? 'register' : 'login');
  const [email, setEmail] = useState(invitation?.email ?? '');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const registering = mode === 'register' && mayRegister;

  const [resetSent, setResetSent] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    dismissSsoError();
    const problems: Record<string, string> = {};
    if (registering && !displayName.trim()) problems.displayName = 'Enter your name as colleagues should see it.';
    if (!email.trim()) problems.email = 'Enter your email address.';
    if (registering && password.length < 8) problems.password = 'Use at least 8 characters.';
    if (!registering && !password) problems.password = 'Enter your password.';
    if (mode === 'forgot') {
      if (!email.trim()) return setFields({ email: 'Enter the address you sign in with.' });
      setFields({});
      setBusy(true);
      try {
        await api.auth.requestPasswordReset(email.trim());
        setResetSent(true);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setBusy(false);
      }
      return;
    }
    setFields(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      if (registering) {
        await api.auth.register({
          email: email.trim(),
          password,
          displayName: displayName.trim(),
          ...(invitation ? { invitation: invitation.token } : {}),
        });
      } else await api.auth.login({ email: email.trim(), password });
      // Signing in flips the session store; the app shell takes over from here.
    } catch (err) {
      const byField = fieldErrors(err);
      setFields(byField);
      setError(Object.keys(byField).length > 0 ? null : errorMessage(err));
      setBusy(false);
    }
  };

  const switchTo = (m: Mode) => {
    setMode(m);
    setError(null);
    setResetSent(false);
    setFields({});
  };
  const domains = policy.data?.policy === 'domains' && !invitation && !firstUser ? policy.data.domains : [];

  if (mode === 'forgot') {
    return (
      <main className="auth">
        <form className="auth-card" onSubmit={submit} noValidate>
          <div className="brand">
            <span className="brand-mark">T</span> Tandem
          </div>
          <h1>Reset your password</h1>
          {resetSent ? (
            <p role="status">
              If an account uses <strong>{email.trim()}</strong>, we sent it a link to choose a new password. It is valid for one hour.
            </p>
          ) : (
            <>
              <p className="muted">Enter the email you sign in with; we will send you a link to choose a new password.</p>
              <label>
                Email
                <input
                  name="email"
                  type="email"
                  autoComplete="email"
                  required
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  autoFocus
                />
              </label>
              <FormError error={error} />
              <button className="primary" type="submit" disabled={busy}>
                {busy ? 'Please wait…' : 'Send reset link'}
              </button>
            </>
          )}
          <p className="muted">
            <button type="button" className="link" onClick={() => switchTo('login')}>
              Back to sign in
            </button>
          </p>
        </form>
      </main>
    );
  }

  return (
    <main className="auth">
      <form className="auth-card" onSubmit={submit} noValidate>
        <div className="brand">
          <span className="brand-mark">T</span> Tandem
        </div>
        {header}
        <h1>{!registering ? 'Sign in' : firstUser ? 'Set up Tandem' : 'Create your account'}</h1>
        {registering && firstUser && <p className="muted">You are the first person here: your account will administer this server.</p>}
        {sso && (
          <>
            <SsoButton name={sso.name} primary={!passwordOn} />
            {passwordOn && (
              <p className="auth-divider muted">
                {registering ? 'or create an account with a password' : 'or with your email and password'}
              </p>
            )}
          </>
        )}
        {!passwordOn && <FormError error={ssoError ?? error} />}
        {passwordOn && registering && (
          <label>
            Name
            <input
              name="displayName"
              autoComplete="name"
              required
              maxLength={NAME_MAX}
              value={displayName}
              aria-invalid={!!fields.displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
            <FieldNote
              error={fields.displayName}
              hint={displayName.length > NAME_MAX - 20 ? `${displayName.length}/${NAME_MAX}` : undefined}
            />
          </label>
        )}
        {passwordOn && (
          <>
            <label>
              Email
              <input
                name="email"
                type="email"
                autoComplete="email"
                required
                maxLength={254}
                value={email}
                readOnly={registering && !!invitation?.email}
                aria-invalid={!!fields.email}
                onChange={(e) => setEmail(e.target.value)}
                autoFocus
              />
              <FieldNote
                error={fields.email}
                hint={registering && domains.length > 0 ? `Use your address at ${domains.join(' or ')}.` : undefined}
              />
            </label>
            <label>
              Password
              <input
                name="password"
                type="password"
                autoComplete={registering ? 'new-password' : 'current-password'}
                required
                maxLength={200}
                value={password}
                aria-invalid={!!fields.password}
                onChange={(e) => setPassword(e.target.value)}
              />
              <FieldNote error={fields.password} hint={registering ? 'At least 8 characters.' : undefined} />
            </label>
            {mode === 'login' && (
              <button type="button" className="link forgot-link" onClick={() => switchTo('forgot')}>
                Forgot password?
              </button>
            )}
            <FormError error={error ?? ssoError} />
            <button className="primary" type="submit" disabled={busy}>
              {busy ? 'Please wait…' : !registering ? 'Sign in' : invitation ? 'Create account and join' : 'Create account'}
            </button>
          </>
        )}
        {passwordOn && (
          <p className="muted">
            {!registering ? (
              mayRegister ? (
                <>
                  New here?{' '}
                  <button type="button" className="link" onClick={() => switchTo('register')}>
                    Create an account
                  </button>
                </>
              ) : (
                <>Accounts on this server are by invitation. Ask a workspace owner for an invite link.</>
              )
            ) : (
              <>
                Already have an account?{' '}
                <button type="button" className="link" onClick={() => switchTo('login')}>
                  Sign in
                </button>
              </>
            )}
          </p>
        )}
      </form>
    </main>
  );
}
