// The signed-in session: one SDK client for the whole app, its tokens kept in localStorage so a
// reload (or the desktop app restarting) stays signed in, and shared between tabs.
import { TandemClient, type Tokens } from '@tandem/client';
import { del as idbDel, get as idbGet, set as idbSet } from 'idb-keyval';
import { useSyncExternalStore } from 'react';
import { trackedFetch } from '../app/connectivity.js';
import { serverOrigin } from '../app/desktop-bridge.js';

const TOKENS_KEY = 'tandem.tokens';
const REFRESH_LOCK = 'tandem.refresh';

function loadTokens(): Tokens | null {
  try {
    const raw = localStorage.getItem(TOKENS_KEY);
    const t = raw ? (JSON.parse(raw) as Partial<Tokens>) : null;
    return t && typeof t.accessToken === 'string' && typeof t.refreshToken === 'string' ? (t as Tokens) : null;
  } catch {
    return null;
  }
}

const listeners = new Set<() => void>();
let signedIn = loadTokens() !== null;

function setSignedIn(value: boolean) {
  if (value === signedIn) return;
  signedIn = value;
  for (const l of listeners) l();
}

export const client = new TandemClient({
  baseUrl: serverOrigin(),
  tokens: loadTokens(),
  fetch: trackedFetch,
  onTokens(tokens) {
    if (tokens) localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else localStorage.removeItem(TOKENS_KEY);
    void (tokens ? idbSet('tandem.tokens.latest', tokens) : idbDel('tandem.tokens.latest')).catch(() => undefined);
    setSignedIn(tokens !== null);
  },
});

// Refresh tokens are single-use and replaying a spent one revokes the whole login, so two tabs
// must never refresh with the same token. Refreshes are serialised across tabs with a Web Lock,
// and the newest pair is handed over through IndexedDB (localStorage reaches other tabs' processes
// late): a caller that finds a newer pair than the one it failed with adopts it instead.
const LATEST = 'tandem.tokens.latest';
const sdkRefresh = client.http.refresh.bind(client.http);
client.http.refresh = () => {
  const failedWith = client.http.tokens?.accessToken;
  const run = async () => {
    if (client.http.tokens && client.http.tokens.accessToken !== failedWith) return true; // this tab already refreshed
    const latest = await idbGet<Tokens>(LATEST).catch(() => undefined);
    if (latest && client.http.tokens && latest.refreshToken !== client.http.tokens.refreshToken) {
      client.http.tokens = latest;
      return true;
    }
    const ok = await sdkRefresh();
    if (ok && client.http.tokens) await idbSet(LATEST, client.http.tokens).catch(() => undefined);
    return ok;
  };
  return navigator.locks ? navigator.locks.request(REFRESH_LOCK, run).then((ok) => ok) : run();
};

// Another tab signed in, refreshed or signed out.
window.addEventListener('storage', (e) => {
  if (e.key !== TOKENS_KEY) return;
  client.http.tokens = loadTokens();
  setSignedIn(client.http.tokens !== null);
});

export function useSignedIn(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => signedIn,
  );
}

export function onSignedInChange(listener: (signedIn: boolean) => void): () => void {
  const l = () => listener(signedIn);
  listeners.add(l);
  return () => listeners.delete(l);
}
