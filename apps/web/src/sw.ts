/// <reference lib="webworker" />
// Offline shell: the app's static files are cached; navigations fall back to the cached shell.
// API calls and sockets always go to the network.
const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = 'rosterchirp-shell-v2';
const SHELL = ['/', '/build/app.js', '/build/app.css', '/icon.svg', '/manifest.webmanifest'];

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return;
  if (event.request.mode === 'navigate') {
    event.respondWith(fetch(event.request).catch(async () => (await caches.match('/')) ?? Response.error()));
    return;
  }
  // The shell and every chunk of the build (dialogs and pages load on demand).
  if (SHELL.includes(url.pathname) || url.pathname.startsWith('/build/')) {
    // Network first so a new deploy shows up at once; the cache answers offline.
    event.respondWith(
      fetch(event.request)
        .then((res) => {
          const copy = res.clone();
          void caches.open(CACHE).then((cache) => cache.put(event.request, copy));
          return res;
        })
        .catch(async () => (await caches.match(event.request)) ?? Response.error()),
    );
  }
});

// Web Push: show what the server sent (title, body, icon), one notification per conversation
// (tag); a click focuses an open window (navigating it) or opens one.
sw.addEventListener('push', (event) => {
  const data = (event.data?.json() ?? {}) as {
    title?: string;
    body?: string;
    icon?: string;
    tag?: string;
    url?: string;
  };
  event.waitUntil(
    sw.registration.showNotification(data.title ?? 'RosterChirp', {
      body: data.body ?? '',
      icon: data.icon ?? '/icon-192.png',
      tag: data.tag,
      data: { url: data.url ?? '/' },
    }),
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data as { url?: string } | null)?.url ?? '/';
  event.waitUntil(
    sw.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      const open = windows[0];
      if (open) {
        await open.focus();
        await open.navigate(url).catch(() => undefined);
        return;
      }
      await sw.clients.openWindow(url);
    }),
  );
});
