// Tandem's service worker: keeps the app shell (index.html, the built scripts and styles, icons)
// so a browser that opened Tandem once opens it again with no network; the data comes from the
// client's own offline stores (TanStack Query cache, y-indexeddb). API, sockets and health checks
// are never cached here. The build (vite.config.ts) replaces the two placeholders below with the
// list of built files and a version that changes with them.
const PRECACHE = self.__TANDEM_PRECACHE__;
const VERSION = self.__TANDEM_VERSION__;
const CACHE = `tandem-shell-${VERSION}`;
const LIVE = /^\/(api|ws|collab|health|metrics|updates)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tandem-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || LIVE.test(url.pathname)) return;

  if (request.mode === 'navigate') {
    // Every app URL is the same shell: fresh from the network when it answers, cached otherwise.
    event.respondWith(
      fetch(request)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            void caches.open(CACHE).then((cache) => cache.put('/index.html', copy));
          }
          return res;
        })
        .catch(() => caches.match('/index.html', { cacheName: CACHE }).then((hit) => hit ?? Response.error())),
    );
    return;
  }

  // Built files have content hashes in their names: the cached copy is always right.
  event.respondWith(
    caches.match(request, { cacheName: CACHE }).then(
      (hit) =>
        hit ??
        fetch(request).then((res) => {
          if (res.ok && url.pathname.startsWith('/assets/')) {
            const copy = res.clone();
            void caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return res;
        }),
    ),
  );
});
