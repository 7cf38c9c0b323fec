/* The phone app's service worker: the app shell is stored on install and served from the cache,
   so the app opens with no signal. API calls are never cached here: the app keeps its data in
   IndexedDB and decides itself what to do when the network fails. */
const CACHE = "phone-shell-{{ version }}";
const SHELL = {{ shell_urls|safe }};
const SHELL_URL = {{ shell_url|safe }};
const API = {{ api_prefix|safe }};

self.addEventListener("install", (event) => {
  // cache: "reload" bypasses the HTTP cache so a new version never stores stale files.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, {cache: "reload"}))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("phone-shell-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith(API)) return;
  // Every screen of the app is the one shell page (routes live after the #).
  const key = request.mode === "navigate" && url.pathname.startsWith(SHELL_URL) ? SHELL_URL : request;
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(key, {ignoreSearch: true})
    .then((hit) => hit || fetch(request))));
});
