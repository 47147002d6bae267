// Whether the server is reachable. The browser's online flag alone misses a server that is down or
// a network that drops silently, so a failed request also marks the app offline and a probe of
// /health/live brings it back. TanStack Query pauses queries and mutations while offline and
// resumes them — replaying queued writes — the moment this flips back.
import { onlineManager } from '@tanstack/react-query';
import { serverOrigin } from './desktop-bridge.js';

const PROBE_MS = 2000;
let probing: ReturnType<typeof setTimeout> | null = null;

async function probe() {
  probing = null;
  if (!navigator.onLine) return;
  try {
    const res = await nativeFetch(`${serverOrigin()}/health/live`, { cache: 'no-store' });
    if (res.ok || res.status < 500) {
      onlineManager.setOnline(true);
      return;
    }
  } catch {
    // still unreachable
  }
  probing = setTimeout(probe, PROBE_MS);
}

const nativeFetch: typeof fetch = (...args) => globalThis.fetch(...args);

function wentOffline() {
  onlineManager.setOnline(false);
  if (!probing) probing = setTimeout(probe, PROBE_MS);
}

/** The fetch the SDK uses: a request that cannot reach the server takes the app offline. */
export const trackedFetch: typeof fetch = async (input, init) => {
  try {
    return await nativeFetch(input, init);
  } catch (err) {
    wentOffline();
    throw err;
  }
};

onlineManager.setEventListener((setOnline) => {
  const offline = () => setOnline(false);
  const online = () => void probe();
  window.addEventListener('offline', offline);
  window.addEventListener('online', online);
  setOnline(navigator.onLine);
  return () => {
    window.removeEventListener('offline', offline);
    window.removeEventListener('online', online);
  };
});
