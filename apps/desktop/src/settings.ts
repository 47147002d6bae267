// The desktop app's own settings (settings.json in the user-data folder): the server address and
// an optional update feed. Read defensively: a damaged file means defaults, never a crash.
import { normalizeServerUrl } from './server-url.js';

export interface DesktopSettings {
  serverUrl: string | null;
  /** Where electron-updater looks for releases; updates stay off while this is unset. */
  updateFeedUrl: string | null;
}

export const defaultSettings: DesktopSettings = { serverUrl: null, updateFeedUrl: null };

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
  return {
    serverUrl: server?.ok ? server.url : null,
    updateFeedUrl: httpsUrl(s.updateFeedUrl),
  };
}

/** The update feed: TANDEM_UPDATE_URL wins over the settings file; only https feeds are used. */
export function updateFeed(settings: DesktopSettings, env: Record<string, string | undefined>): string | null {
  return httpsUrl(env.TANDEM_UPDATE_URL) ?? settings.updateFeedUrl;
}

function httpsUrl(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}
