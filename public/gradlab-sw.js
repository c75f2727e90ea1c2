/*
 * GradLab's service worker: keeps the exercise page's big, content-hashed scripts and Wasm (Monaco,
 * its workers, the Run worker, esbuild-wasm, tfjs's Wasm, nd's declarations) in Cache Storage.
 * Installed from the first visit (app/exercises/[id]/service-worker.ts builds its URL), so a later
 * visit makes no request for them, and Chromium stores the scripts' compiled code when they are
 * cached during install instead of on their second sighting.
 *
 * Narrow by design: it controls /exercises/ only, and answers only GET requests for the paths its
 * URL lists (`?v=<build>&a=<url>&a=...`), each a fingerprinted /gradlab/ asset: a new build has
 * new names, hence a new worker URL, a new cache, and the old cache deleted. HTML, API answers and
 * anything with learner data pass through untouched (no respondWith).
 */
const params = new URL(self.location.href).searchParams;
const BUILD = /^[0-9a-f]{1,64}$/.test(params.get("v") ?? "") ? params.get("v") : "none";
const PREFIX = "gradlab-assets-";
const CACHE = PREFIX + BUILD;
// Only this origin's fingerprinted assets (server/static-files.ts's names, and the Run worker's).
const FINGERPRINTED = /^\/gradlab\/(?:run\/)?[a-z][a-z0-9-]*\.[0-9a-f]{16}(?:\.[a-z0-9]+)?(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
// Each listed URL is cached as written (a query included: the Run worker reads its own URL's query).
const PRECACHE = params.getAll("a").filter((a) => {
  const u = new URL(a, self.location.origin);
  return u.origin === self.location.origin && FINGERPRINTED.test(u.pathname) && !a.includes("..");
});
const PATHS = new Set(PRECACHE.map((a) => new URL(a, self.location.origin).pathname));

/** Fetches and stores one asset; a failure (offline, signed out: the Run worker needs a session) leaves it to be cached on first use. */
async function precache(cache, path) {
  try {
    const res = await fetch(path, { credentials: "same-origin" });
    if (res.ok) await cache.put(path, res);
  } catch {
    /* cached on first use instead */
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(PRECACHE.map((a) => precache(cache, a)));
      // Both versions answer only fingerprinted paths, so the new one may take over at once.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || !PATHS.has(url.pathname)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // Keyed by the whole URL: a response's URL becomes a worker's location and a module's base URL.
      const hit = await cache.match(req.url, { ignoreVary: true });
      if (hit) return hit;
      const res = await fetch(req);
      if (res.ok && res.type === "basic") await cache.put(req.url, res.clone());
      return res;
    })(),
  );
});
