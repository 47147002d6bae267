// The app's own pages: the built web client ships inside the app (resources/web) and is served
// from the custom scheme app://tandem/…, a standard secure origin, so it opens with no network and
// the server can allow exactly that origin (TANDEM_DESKTOP_APP). Client-side routes fall back to
// index.html; nothing outside the web folder is ever served.
import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'tandem';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export type AppFile = { status: 200; file: string; type: string } | { status: 404 };

/** The file to answer `requestUrl` with, from `webDir`. */
export function resolveAppFile(webDir: string, requestUrl: string): AppFile {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { status: 404 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { status: 404 };
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { status: 404 };
  }
  const root = resolve(webDir);
  const file = resolve(root, `.${path}`);
  if (file !== root && !file.startsWith(root + sep)) return { status: 404 };
  if (isFile(file)) return { status: 200, file, type: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
  // A route of the single-page app (no extension): the client renders it. Missing assets stay 404.
  if (!extname(path)) return { status: 200, file: join(root, 'index.html'), type: TYPES['.html']! };
  return { status: 404 };
}

/** The in-app URL of a route (`/w/…`), for the window and deep links. */
export function appUrl(path = '/'): string {
  return `${APP_ORIGIN}${path.startsWith('/') ? path : `/${path}`}`;
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}
