// Single sign-on in the web client: the button that leaves for the identity provider, and the page
// the server sends the browser back to (`/sign-in/sso?code=…`), which trades the one-time code for
// a login and continues where the person started.
import { ssoErrorMessage } from '@tandem/protocol';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { api } from '../../api/tandem.js';
import { navigate } from '../../app/router.js';
import { FormError } from '../../ui/FormError.js';

/** Where to continue after signing in: the page the button was pressed on (an invitation link, a task). */
const RETURN_KEY = 'tandem.sso.return';
export const SSO_LANDING_PATH = '/sign-in/sso';

export function SsoButton({ name, primary }: { name: string; primary: boolean }) {
  const start = () => {
    const here = window.location.pathname;
    if (here !== '/' && !here.startsWith('/sign-in')) sessionStorage.setItem(RETURN_KEY, here);
    else sessionStorage.removeItem(RETURN_KEY);
    window.location.assign(api.auth.oidcStartUrl());
  };
  return (
    <button type="button" className={primary ? 'primary sso-button' : 'sso-button'} onClick={start}>
      Sign in with {name}
    </button>
  );
}

/**
 * The refusal the server's callback put in the URL (`?sso_error=`), as a sentence, until `dismiss`;
 * the URL is cleaned at once.
 */
export function useSsoError(): [string | null, () => void] {
  const [reason, setReason] = useState(() => new URLSearchParams(window.location.search).get('sso_error'));
  useEffect(() => {
    // `/sign-in` is only where the server sends people back to; the app's sign-in screen is at any URL.
    if (window.location.pathname === '/sign-in') navigate('/', { replace: true });
  }, []);
  return [reason ? ssoErrorMessage(reason) : null, () => setReason(null)];
}

/** A same-app path only: never another origin (`//evil`), whatever was stored. */
function returnPath(): string {
  const stored = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  return stored?.startsWith('/') && !stored.startsWith('//') ? stored : '/';
}

export function SsoLandingPage() {
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    // The code is single-use: React's double effect in development must not spend it twice.
    if (started.current) return;
    started.current = true;
    const code = new URLSearchParams(window.location.search).get('code');
    // The code leaves the address bar (and history) before anything else happens.
    history.replaceState(null, '', SSO_LANDING_PATH);
    if (!code) return setError('This sign-in link has no code. Start again from the sign-in screen.');
    api.auth.oidcExchange(code).then(
      () => navigate(returnPath(), { replace: true }),
      (err) => setError(errorMessage(err)),
    );
  }, []);
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand">
          <span className="brand-mark">T</span> Tandem
        </div>
        <h1>{error ? 'Single sign-on did not work' : 'Signing you in…'}</h1>
        {error ? (
          <>
            <FormError error={error} />
            <button type="button" className="primary" onClick={() => navigate('/', { replace: true })}>
              Back to sign in
            </button>
          </>
        ) : (
          <p className="muted">One moment.</p>
        )}
      </div>
    </main>
  );
}
