/* laktasi service worker (served from /sw.js, scope "/"): pages of the user's scope offline.
 *
 * - Pages (navigations) come from the network first; without a connection, from the cache of
 *   the user the page was synced for ("laktasi-user-<id>", filled by offline.js from /sinkron/).
 *   A cache whose last sync is older than the configured days is deleted instead of used.
 * - A page fetched online refreshes its cached copy only when it is already cached and the
 *   response says it was rendered for that cache's user (header X-Laktasi-Cache), so one
 *   user's page never lands in another user's cache.
 * - Static files (/static/...) are served from a shared cache and refreshed in the background,
 *   while a user cache exists (the offline page is put there by the sync).
 * - Form posts are never touched here: offline.js queues them (docs/decisions/0008-offline.md).
 */
"use strict";

var STATIC_CACHE = "laktasi-static-v1";
var USER_PREFIX = "laktasi-user-";
var META_PATH = "/__laktasi/meta";
var OFFLINE_PAGE = "/luring/";
var DAY_MS = 24 * 3600 * 1000;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function userCacheName() {
  return caches.keys().then(function (keys) {
    for (var i = 0; i < keys.length; i++) {
      if (keys[i].indexOf(USER_PREFIX) === 0) { return keys[i]; }
    }
    return null;
  });
}

function offlinePage() {
  return caches.open(STATIC_CACHE).then(function (cache) { return cache.match(OFFLINE_PAGE); })
    .then(function (page) {
      return page || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
}

function expired(meta) {
  if (!meta || !meta.syncedAt) { return true; }
  return Date.now() - meta.syncedAt > (meta.days || 0) * DAY_MS;
}

function cachedPage(request) {
  return userCacheName().then(function (name) {
    if (!name) { return offlinePage(); }
    return caches.open(name).then(function (cache) {
      return cache.match(META_PATH).then(function (metaResponse) {
        return metaResponse ? metaResponse.json() : null;
      }).then(function (meta) {
        if (expired(meta)) {
          return caches.delete(name).then(offlinePage);
        }
        return cache.match(request, { ignoreVary: true }).then(function (page) {
          return page || offlinePage();
        });
      });
    });
  });
}

function refresh(request, response) {
  var id = response.headers.get("X-Laktasi-Cache");
  if (!id || !response.ok || response.redirected) { return Promise.resolve(); }
  var name = USER_PREFIX + id;
  return caches.has(name).then(function (has) {
    if (!has) { return null; }
    return caches.open(name).then(function (cache) {
      return cache.match(request, { ignoreVary: true }).then(function (old) {
        return old ? cache.put(request, response) : null;
      });
    });
  }).catch(function () { /* a stale copy stays until the next sync */ });
}

function networkThenCache(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    event.waitUntil(refresh(request, response.clone()));
    return response;
  }).catch(function () { return cachedPage(request); });
}

/* Static files are kept only while a user's offline copy exists: after logout the phone's
 * Cache Storage stays empty. */
function staticFile(event) {
  var request = event.request;
  return userCacheName().then(function (name) {
    return name ? staticFromCache(event) : fetch(request);
  });
}

/* A logout while the file is on its way must not leave the shared cache behind: it is read
 * with caches.match (which creates nothing), written only while a user cache exists, and
 * deleted again if the logout's wipe came between that check and the write. */
function staticFromCache(event) {
  var request = event.request;
  return caches.match(request, { cacheName: STATIC_CACHE }).then(function (cached) {
    var network = fetch(request).then(function (response) {
      if (!response.ok) { return response; }
      var copy = response.clone();
      return userCacheName().then(function (name) {
        return name ? caches.open(STATIC_CACHE).then(function (cache) { return cache.put(request, copy); })
          .then(userCacheName).then(function (still) { return still ? null : caches["delete"](STATIC_CACHE); }) : null;
      }).then(function () { return response; });
    });
    if (cached) {
      event.waitUntil(network.catch(function () { return null; }));
      return cached;
    }
    return network;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(event));
  } else if (request.mode === "navigate") {
    event.respondWith(networkThenCache(event));
  }
});
