// The desktop app's first run: connect to the team's Tandem server (checked live: it answers, it is
// Tandem, it lets the desktop app in, WebSockets pass) or host Tandem on this computer for a small
// team on the same network. Shown only inside the desktop app, before a server is chosen.
import { TandemClient } from '@tandem/client';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { rememberTokens } from '../../api/session.js';
import { type CheckStep, type ConnectionCheck, desktop, type HostInfo } from '../../app/desktop-bridge.js';
import { FormError } from '../../ui/FormError.js';
import { HostAddress } from './HostAddress.js';
import './desktop.css';

const STEPS: [CheckStep, string][] = [
  ['reachable', 'The server answers'],
  ['tandem', 'It is a Tandem server'],
  ['desktop', 'It allows the desktop app'],
  ['websocket', 'Live connections (WebSockets) get through'],
];

export function FirstRun() {
  const [choice, setChoice] = useState<'connect' | 'host' | null>(null);
  return (
    <main className="auth first-run">
      <div className="first-run-card">
        <div className="brand">
          <span className="brand-mark">T</span> Tandem
        </div>
        <h1>Welcome to Tandem</h1>
        <p className="muted">How will you use it?</p>
        <div className="first-run-choices">
          <button
            type="button"
            aria-pressed={choice === 'connect'}
            className={`choice ${choice === 'connect' ? 'selected' : ''}`}
            onClick={() => setChoice('connect')}
          >
            <strong>Connect to a server</strong>
            <span className="muted">Your team already runs Tandem: enter its address.</span>
          </button>
          <button
            type="button"
            aria-pressed={choice === 'host'}
            className={`choice ${choice === 'host' ? 'selected' : ''}`}
            onClick={() => setChoice('host')}
          >
            <strong>Host for my team</strong>
            <span className="muted">Run Tandem on this computer; colleagues on the same network join it.</span>
          </button>
        </div>
        {choice === 'connect' && <ConnectForm />}
        {choice === 'host' && <HostForm />}
      </div>
    </main>
  );
}

function ConnectForm() {
  const [url, setUrl] = useState('');
  const [check, setCheck] = useState<ConnectionCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!desktop) return;
    setBusy(true);
    setError(null);
    try {
      // An address already checked and passing connects; anything else is checked (again) first.
      if (check?.ok && check.url === url.trim().replace(/\/+$/, '')) {
        const saved = await desktop.chooseServer(check.url);
        if (!saved.ok) setError(saved.error ?? 'Could not save the address');
      } else {
        const result = await desktop.checkServer(url);
        setCheck(result);
        if (result.ok) setUrl(result.url);
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const passed = new Set(check?.passed ?? []);
  return (
    <form className="first-run-form" onSubmit={submit} noValidate>
      <label>
        Server address
        <input
          name="server"
          placeholder="https://tandem.example.com"
          autoFocus
          required
          value={url}
          onChange={(e) => {
            setUrl(e.target.value);
            setCheck(null);
          }}
        />
      </label>
      {check && (
        <ul className="check-list" aria-label="Connection check">
          {STEPS.map(([step, label]) => {
            const state = passed.has(step) ? 'ok' : !check.ok && check.failed === step ? 'failed' : 'skipped';
            return (
              <li key={step} className={`check-${state}`} data-step={step} data-state={state}>
                <span className="check-mark" aria-hidden="true">
                  {state === 'ok' ? '✓' : state === 'failed' ? '✕' : '–'}
                </span>
                {label}
                {step === 'tandem' && check.ok && <span className="muted"> (version {check.version})</span>}
              </li>
            );
          })}
        </ul>
      )}
      {check && !check.ok && (
        <p className="check-explanation" role="alert">
          {check.message}
        </p>
      )}
      <FormError error={error} />
      <button type="submit" className="primary" disabled={busy || !url.trim()}>
        {busy ? 'Checking…' : check?.ok ? 'Connect' : 'Check and connect'}
      </button>
    </form>
  );
}

function HostForm() {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [team, setTeam] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hosted, setHosted] = useState<HostInfo | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!desktop) return;
    if (password.length < 8) return setError('Password: at least 8 characters');
    setError(null);
    try {
      setBusy('Starting Tandem on this computer… (the first start prepares its database and takes a little longer)');
      const info = await desktop.startHosting();
      setBusy('Creating your account…');
      // The first account of a new server; it owns the team's first workspace.
      const client = new TandemClient(info.localUrl);
      await client.auth.register({ email: email.trim(), password, displayName: displayName.trim() });
      await client.workspaces.create({ name: team.trim() || `${displayName.trim()}'s team` });
      if (client.accessToken && client.refreshToken) rememberTokens({ accessToken: client.accessToken, refreshToken: client.refreshToken });
      setHosted(info);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  if (hosted) {
    return (
      <div className="first-run-form">
        <h2>Tandem is running on this computer</h2>
        <HostAddress info={hosted} />
        <button type="button" className="primary" autoFocus onClick={() => void desktop?.chooseServer(hosted.localUrl)}>
          Open Tandem
        </button>
      </div>
    );
  }

  return (
    <form className="first-run-form" onSubmit={submit} noValidate>
      <label>
        Your name
        <input name="displayName" autoComplete="name" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <label>
        Team name
        <input name="team" placeholder="Our team" value={team} onChange={(e) => setTeam(e.target.value)} />
      </label>
      {busy && (
        <p className="muted" role="status">
          {busy}
        </p>
      )}
      <FormError error={error} />
      <button type="submit" className="primary" disabled={busy !== null || !displayName.trim() || !email.trim()}>
        Start hosting
      </button>
    </form>
  );
}
