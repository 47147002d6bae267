// The Tandem server this desktop app talks to, as the user typed it: normalised to an origin,
// and refused unless it is plain http(s) without credentials.
export type ServerUrlResult = { ok: true; url: string } | { ok: false; error: string };

export function normalizeServerUrl(input: string): ServerUrlResult {
  const raw = input.trim();
  if (!raw) return { ok: false, error: 'Enter the address of your Tandem server' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, error: 'That is not a valid address' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, error: 'Only http:// and https:// addresses are supported' };
  if (url.username || url.password) return { ok: false, error: 'The address must not contain a user name or password' };
  if (!url.hostname) return { ok: false, error: 'The address needs a host name' };
  return { ok: true, url: url.origin };
}

/** Whether `candidate` is a page of the configured server (same origin). */
export function isServerPage(serverUrl: string | null, candidate: string): boolean {
  if (!serverUrl) return false;
  try {
    return new URL(candidate).origin === new URL(serverUrl).origin;
  } catch {
    return false;
  }
}
