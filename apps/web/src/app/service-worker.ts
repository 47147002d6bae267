// The browser client is an installable app (manifest.webmanifest) whose shell a service worker
// keeps (pwa/service-worker.js → /sw.js), so it opens offline. The desktop app ships the shell
// itself and skips this; so does the development server (no built files to cache).
import { desktop } from './desktop-bridge.js';

export function registerServiceWorker() {
  if (!import.meta.env.PROD || desktop || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  window.addEventListener('load', () => {
    void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}
