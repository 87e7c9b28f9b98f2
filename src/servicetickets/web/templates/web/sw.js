// Service worker of the installable app (served at /sw.js). The shell is cached so the app
// starts without a network; pages are network-first (the work needs the server) with the
// offline page as the fallback. The API, the live stream and anything but GET are never
// cached. Rendered by web/pwa.py: the URLs below carry the static files' current names.
const VERSION = "shell-{{ version }}";
const OFFLINE = {{ offline }};
const SHELL = {{ shell }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function neverCached(request, url) {
  return request.method !== "GET"
    || url.origin !== self.location.origin
    || url.pathname.startsWith("/api/")
    || request.headers.get("Accept") === "text/event-stream";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (neverCached(request, url)) return; // straight to the network, as without a worker
  if (request.mode === "navigate") {
    // Network first: pages are personal and live. Offline: the cached offline page.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

// A reminder's browser notification, clicked: focus an open window of the app or open one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.href) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if ("focus" in client) { client.navigate(target); return client.focus(); }
      }
      return self.clients.openWindow(target);
    }),
  );
});
