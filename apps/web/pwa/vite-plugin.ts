// Emits sw.js from pwa/service-worker.js with the list of built files to precache and a version
// derived from them, so each release replaces the previous shell. Hand-written rather than a
// plugin dependency: the worker is small, same-origin (no inline scripts, so it passes a strict
// CSP) and has to skip the API, sockets and health checks exactly as the server defines them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

export function serviceWorker(): Plugin {
  return {
    name: 'tandem-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const built = Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== 'sw.js');
      const statics = ['manifest.webmanifest', 'icon-192.png', 'icon-512.png', 'icon.svg'];
      const precache = ['/', '/index.html', ...[...built, ...statics].filter((f) => f !== 'index.html').map((f) => `/${f}`)];
      const version = createHash('sha256').update(built.sort().join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(join(import.meta.dirname, 'service-worker.js'), 'utf8')
        .replace('self.__TANDEM_PRECACHE__', JSON.stringify([...new Set(precache)]))
        .replace('self.__TANDEM_VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
