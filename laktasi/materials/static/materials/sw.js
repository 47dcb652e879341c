/* laktasi guide service worker: keeps the step-by-step guide usable offline.
 *
 * The page posts {type: "cache-urls", urls: [...]} (itself, guide.css, guide.js) once the
 * worker is active; those URLs are cached. Requests for cached URLs (and page navigations
 * inside the scope) go to the network first and fall back to the cache when offline, so
 * the guide updates whenever there is a connection.
 * Serve this file from a URL at or above the guide page's path.
 */
"use strict";

var CACHE = "laktasi-guide-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("laktasi-guide-") === 0 && key !== CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache-urls" || !Array.isArray(data.urls)) { return; }
  var sameOrigin = data.urls.filter(function (url) {
    return new URL(url, self.location.href).origin === self.location.origin;
  });
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(sameOrigin); })
      .then(function () {
        if (event.source) { event.source.postMessage({ type: "cached" }); }
      })
      .catch(function () { /* try again on the next visit */ })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  event.respondWith(
    caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (cached) {
        if (!cached && request.mode !== "navigate") { return fetch(request); }
        return fetch(request).then(function (response) {
          if (response.ok) { cache.put(request, response.clone()); }
          return response;
        }).catch(function () {
          return cached || Response.error();
        });
      });
    })
  );
});
