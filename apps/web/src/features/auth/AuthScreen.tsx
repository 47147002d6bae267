// Sign in and create an account. Errors from the API are shown next to the form, in its words.
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { api } from '../../api/tandem.js';
import { FormError } from '../../ui/FormError.js';

type Mode = 'login' | 'register' | 'forgot';

export function AuthScreen() {
  const [mode, setMode] = useState<Mode>(window.location.pathname === '/register' ? 'register' : 'login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const [resetSent, setResetSent] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (mode === 'forgot') {
      if (!email.trim()) return setError('Email: enter the address you sign in with');
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
    if (mode === 'register' && password.length < 8) return setError('Password: at least 8 characters');
    setBusy(true);
    try {
      if (mode === 'register') await api.auth.register({ email: email.trim(), password, displayName: displayName.trim() });
      else await api.auth.login({ email: email.trim(), password });
      // Signing in flips the session store; the app shell takes over from here.
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const switchTo = (m: Mode) => {
    setMode(m);
    setError(null);
    setResetSent(false);
  };

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
        <h1>{mode === 'login' ? 'Sign in' : 'Create your account'}</h1>
        {mode === 'register' && (
          <label>
            Name
            <input
              name="displayName"
              autoComplete="name"
              required
              maxLength={100}
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          </label>
        )}
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
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {mode === 'login' && (
          <button type="button" className="link forgot-link" onClick={() => switchTo('forgot')}>
            Forgot password?
          </button>
        )}
        <FormError error={error} />
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Please wait…' : mode === 'login' ? 'Sign in' : 'Create account'}
        </button>
        <p className="muted">
          {mode === 'login' ? (
            <>
              New here?{' '}
              <button type="button" className="link" onClick={() => switchTo('register')}>
                Create an account
              </button>
            </>
          ) : (
            <>
              Already have an account?{' '}
              <button type="button" className="link" onClick={() => switchTo('login')}>
                Sign in
              </button>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
