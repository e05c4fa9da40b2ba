/// <reference lib="webworker" />
// Offline shell: the app's static files are cached; navigations fall back to the cached shell.
// API calls and sockets always go to the network.
const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = 'rosterchirp-shell-v2';
/** Ids of messages whose push was shown here (see the push handler). */
const SEEN_CACHE = 'rc-push-seen';
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
      .then((keys) =>
        Promise.all(keys.filter((k) => k !== CACHE && k !== SEEN_CACHE).map((k) => caches.delete(k))),
      )
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
// (tag). A message already shown on this device is not shown again (a push service may deliver
// a retried push twice); the last ids shown are kept in a small cache.
const SEEN_KEEP = 200;

async function firstTimeSeen(messageId: number | undefined): Promise<boolean> {
  if (typeof messageId !== 'number') return true;
  const cache = await caches.open(SEEN_CACHE);
  const key = `/seen/${messageId}`;
  if (await cache.match(key)) return false;
  await cache.put(key, new Response(''));
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - SEEN_KEEP))) await cache.delete(old);
  return true;
}

sw.addEventListener('push', (event) => {
  const data = (event.data?.json() ?? {}) as {
    title?: string;
    body?: string;
    icon?: string;
    tag?: string;
    url?: string;
    groupId?: number;
    messageId?: number;
  };
  event.waitUntil(
    firstTimeSeen(data.messageId).then((fresh) =>
      fresh
        ? sw.registration.showNotification(data.title ?? 'RosterChirp', {
            body: data.body ?? '',
            icon: data.icon ?? '/icon-192.png',
            badge: '/icon-192.png',
            tag: data.tag,
            data: { url: data.url ?? '/', groupId: data.groupId ?? null },
          })
        : undefined,
    ),
  );
});

// A click opens its conversation: an open window is focused and told which one (no reload);
// otherwise a new window starts at the conversation's address.
sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const { url = '/', groupId = null } = (event.notification.data ?? {}) as {
    url?: string;
    groupId?: number | null;
  };
  event.waitUntil(
    sw.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      const open = windows.find((w) => w.focused) ?? windows[0];
      if (open) {
        if (groupId !== null) open.postMessage({ type: 'open-conversation', groupId });
        // A reminder: the window opens that event's occurrence.
        else if (url.includes('event=')) open.postMessage({ type: 'open-event', url });
        await open.focus().catch(() => undefined);
        return;
      }
      await sw.clients.openWindow(url);
    }),
  );
});
