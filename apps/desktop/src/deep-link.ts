// tandem:// links (from e-mails, chat, the browser) open the matching screen in the app. Every
// route of the web app works, and only those: the one route table the web client also uses
// (`@tandem/protocol/app-routes`) decides, so a new screen gets its deep link with no change here.
import { parseRoute } from '@tandem/protocol/app-routes';

export const PROTOCOL = 'tandem';

const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;
/** `tandem://open/w/<id>/p/<id>` or `tandem://w/<id>/…` → `/w/<id>/p/<id>`; null when not a link we serve. */
export function deepLinkToPath(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== `${PROTOCOL}:`) return null;
  // "tandem://w/abc" parses with host "w"; "tandem://open/w/abc" with host "open".
  const parts = [url.host, ...url.pathname.split('/')].filter(Boolean);
  if (parts[0] === 'open') parts.shift();
  if (parts.length === 0) return '/';
  if (!parts.every((p) => SEGMENT.test(p))) return null;
  const path = `/${parts.join('/')}`;
  if (parseRoute(path).name === 'notFound') return null;
  // Only the search page takes a query (its `q`); it is passed on as one encoded value.
  const q = url.searchParams.get('q');
  return q !== null && parseRoute(path).name === 'search' ? `${path}?q=${encodeURIComponent(q)}` : path;
}

/** The deep link among a process's arguments (Windows and Linux pass it on the command line). */
export function findDeepLink(argv: string[]): string | null {
  return argv.find((a) => a.toLowerCase().startsWith(`${PROTOCOL}://`)) ?? null;
}
