// The desktop app's preload exposes `window.tandemDesktop` (apps/desktop/src/preload.ts); in a
// browser it is absent. This is its shape as the web client uses it, and where the API lives:
// the page's own origin in a browser (the server serves the client), the configured server in the
// desktop app (its pages come from app://tandem, bundled inside the app).

export type CheckStep = 'address' | 'reachable' | 'tandem' | 'desktop' | 'websocket';
export type ConnectionCheck =
  | { ok: true; url: string; version: string; passed: CheckStep[] }
  | { ok: false; url: string | null; failed: CheckStep; passed: CheckStep[]; message: string };

export interface HostInfo {
  localUrl: string;
  lanUrl: string | null;
  /** The QR code of lanUrl as an SVG document. */
  qrSvg: string | null;
  portable: boolean;
  keepRunningInTray: boolean;
}

export type UpdateState =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'downloading'; version: string; percent: number }
  | { state: 'ready'; version: string }
  | { state: 'error'; message: string };

export interface DesktopBridge {
  platform: string;
  /** The server this app talks to; null until the first-run screen has chosen one. */
  serverUrl: string | null;
  mode: 'connected' | 'host' | 'unset';
  onDeepLink(listener: (path: string) => void): () => void;
  checkServer(url: string): Promise<ConnectionCheck>;
  /** Saves the choice and reloads the app against that server. */
  useServer(url: string): Promise<{ ok: boolean; error?: string }>;
  startHosting(): Promise<HostInfo>;
  hostInfo(): Promise<HostInfo | null>;
  setKeepRunningInTray(on: boolean): Promise<void>;
  /** Back to the first-run screen (sign out of this server first). */
  forgetServer(): Promise<void>;
  onUpdate(listener: (state: UpdateState) => void): () => void;
  restartToUpdate(): Promise<boolean>;
  notify(n: { title: string; body: string; path: string }): void;
  setBadge(count: number): void;
}

declare global {
  interface Window {
    tandemDesktop?: DesktopBridge;
  }
}

export const desktop: DesktopBridge | null = typeof window !== 'undefined' ? (window.tandemDesktop ?? null) : null;

/** The origin of the Tandem server the client calls (REST, /ws, /collab). */
export function serverOrigin(): string {
  return desktop?.serverUrl ?? window.location.origin;
}

/** In the desktop app before a server was chosen: the first-run screen shows instead of the app. */
export function needsFirstRun(): boolean {
  return desktop !== null && !desktop.serverUrl;
}
