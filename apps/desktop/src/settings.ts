// The desktop app's own settings (settings.json in its data folder): which server it uses and how
// (connected to a team's server, or hosting one itself), host-mode options, and an optional update
// feed override. Read defensively: a damaged file means defaults, never a crash.
import { normalizeServerUrl } from './server-url.js';

export type DesktopMode = 'unset' | 'connected' | 'host';

export interface DesktopSettings {
  mode: DesktopMode;
  /** The server the app talks to: the team's server, or this computer's in host mode. */
  serverUrl: string | null;
  /** Host mode: closing the window keeps the server running in the tray for colleagues. */
  keepRunningInTray: boolean;
  /** Host mode: the port colleagues' links point at. */
  hostPort: number;
  /** Host mode: the LAN address the user picked (when the computer has several). */
  lanAddress: string | null;
  /** Overrides the update feed (administrators); normally derived from the mode. */
  updateFeedUrl: string | null;
}

export const defaultSettings: DesktopSettings = {
  mode: 'unset',
  serverUrl: null,
  keepRunningInTray: true,
  hostPort: 3000,
  lanAddress: null,
  updateFeedUrl: null,
};

export function parseSettings(text: string | null): DesktopSettings {
  if (!text) return { ...defaultSettings };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ...defaultSettings };
  }
  const s = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const server = typeof s.serverUrl === 'string' ? normalizeServerUrl(s.serverUrl) : null;
  const serverUrl = server?.ok ? server.url : null;
  const mode: DesktopMode = s.mode === 'host' ? 'host' : serverUrl ? 'connected' : 'unset';
  const port = typeof s.hostPort === 'number' && Number.isInteger(s.hostPort) && s.hostPort > 0 && s.hostPort < 65536 ? s.hostPort : 3000;
  return {
    mode,
    serverUrl: mode === 'host' ? null : serverUrl,
    keepRunningInTray: s.keepRunningInTray !== false,
    hostPort: port,
    lanAddress: typeof s.lanAddress === 'string' && /^[\d.]{7,15}$/.test(s.lanAddress) ? s.lanAddress : null,
    updateFeedUrl: typeof s.updateFeedUrl === 'string' ? s.updateFeedUrl : null,
  };
}

/** Closing the window: hide to the tray while hosting (if wanted), otherwise quit. */
export function closeAction(settings: DesktopSettings, quitting: boolean): 'hide' | 'close' {
  return settings.mode === 'host' && settings.keepRunningInTray && !quitting ? 'hide' : 'close';
}
