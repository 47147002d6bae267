// Updates: an app connected to a team's server updates from that server's feed (GET /updates/,
// where the admin drops each release); a host-mode app checks the public release feed named at
// build time. electron-updater's generic provider downloads in the background; when a release is
// ready the page offers "Restart to update". This module is the wiring, with the updater passed
// in, so it is tested without Electron.
import { isIP } from 'node:net';

export type UpdateState =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'downloading'; version: string; percent: number }
  | { state: 'ready'; version: string }
  | { state: 'error'; message: string };

export interface FeedInput {
  mode: 'connected' | 'host' | 'unset';
  serverUrl: string | null;
  /** The public release feed configured at build time (package.json "tandem.releaseFeed"). */
  releaseFeed: string | null;
  /** TANDEM_UPDATE_URL overrides both (administrators, tests). */
  override?: string | null;
}

/** The generic-provider feed URL, or null when this app should not check for updates. */
export function updateFeedUrl(input: FeedInput): string | null {
  const pick =
    input.override ||
    (input.mode === 'connected' && input.serverUrl ? `${input.serverUrl}/updates/` : null) ||
    (input.mode === 'host' ? input.releaseFeed : null);
  if (!pick) return null;
  let url: URL;
  try {
    url = new URL(pick);
  } catch {
    return null;
  }
  // An installer runs code: plain http is accepted only on this computer and the local network
  // (a team's host-mode or LAN server); anything across the internet must be https.
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLocalHost(url.hostname))) {
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
  }
  return null;
}

function isLocalHost(host: string): boolean {
  if (host === 'localhost') return true;
  const h = host.replace(/^\[|\]$/g, '');
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
  }
  return h === '::1' || /^f[cd]/i.test(h) || /^fe80:/i.test(h);
}

/** The part of electron-updater's AppUpdater this flow uses. */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'checking-for-update', listener: () => void): unknown;
  on(event: 'update-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-not-available', listener: () => void): unknown;
  on(event: 'download-progress', listener: (p: { percent: number }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export const CHECK_EVERY_MS = 4 * 60 * 60 * 1000;

export class UpdateFlow {
  private current: UpdateState = { state: 'idle' };
  private version = '';
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly updater: Updater,
    private readonly onChange: (s: UpdateState) => void,
  ) {
    updater.autoDownload = true;
    updater.autoInstallOnAppQuit = true;
    updater.on('checking-for-update', () => this.set({ state: 'checking' }));
    updater.on('update-not-available', () => this.set({ state: 'idle' }));
    updater.on('update-available', (info) => {
      this.version = info.version;
      this.set({ state: 'downloading', version: info.version, percent: 0 });
    });
    updater.on('download-progress', (p) => this.set({ state: 'downloading', version: this.version, percent: Math.round(p.percent) }));
    updater.on('update-downloaded', (info) => this.set({ state: 'ready', version: info.version }));
    // A failed check is not the user's problem: it is retried at the next interval.
    updater.on('error', (err) => this.current.state !== 'ready' && this.set({ state: 'error', message: err.message }));
  }

  get state(): UpdateState {
    return this.current;
  }

  /** Points the updater at `feed` and checks now and every few hours; null turns checking off. */
  start(feed: string | null) {
    this.stop();
    if (!feed) return;
    this.updater.setFeedURL({ provider: 'generic', url: feed });
    const check = () => void this.updater.checkForUpdates().catch(() => undefined);
    check();
    this.timer = setInterval(check, CHECK_EVERY_MS);
    this.timer.unref?.();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** "Restart to update": only once a release is downloaded. */
  restartToUpdate(): boolean {
    if (this.current.state !== 'ready') return false;
    this.updater.quitAndInstall(false, true);
    return true;
  }

  private set(s: UpdateState) {
    this.current = s;
    this.onChange(s);
  }
}
