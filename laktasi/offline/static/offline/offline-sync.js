/* laktasi offline field work, part 2 of 3 (after offline-store.js): the sync of her scope.
 * Fetches the list of her pages from /sinkron/ and caches each page rendered for her.
 * Shared through window.laktasiOffline; render and showNote come from offline.js (loaded last,
 * looked up when called). Design and limits: docs/decisions/0008-offline.md.
 */
(function () {
  "use strict";

  var ns = window.laktasiOffline;
  if (!ns || !ns.config) { return; }
  var C = ns.config;
  var USER = C.USER;
  var DAYS = C.DAYS;
  var SYNC_URL = C.SYNC_URL;
  var USER_PREFIX = C.USER_PREFIX;
  var STATIC_CACHE = C.STATIC_CACHE;
  var META_PATH = C.META_PATH;
  var AUTO_SYNC_MS = C.AUTO_SYNC_MS;
  var t = ns.t;
  var metaGet = ns.metaGet;
  var metaPut = ns.metaPut;
  var expired = ns.expired;
  function render() { return ns.render ? ns.render() : Promise.resolve(); }
  function showNote(text) { if (ns.showNote) { ns.showNote(text); } }

  function collectAssets(html, assets) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel~=icon][href]").forEach(function (n) {
      var url = new URL(n.getAttribute("href") || n.getAttribute("src"), location.href);
      if (url.origin === location.origin) { assets[url.pathname + url.search] = true; }
    });
  }

  /* A page already on the phone is asked for with its ETag: a 304 (nothing on it changed)
     keeps the copy and costs no page download. */
  function cachePage(cache, url, assets) {
    return cache.match(url, { ignoreVary: true }).then(function (old) {
      // X-Laktasi-Sync: only the sync may get a 304 (offline/middleware.py says why).
      var headers = { "X-Laktasi-Sync": "1" };
      var tag = old && old.headers.get("ETag");
      if (tag) { headers["If-None-Match"] = tag; }
      return fetch(url, { credentials: "same-origin", headers: headers, cache: "no-store" })
        .then(function (response) { return keepPage(cache, url, old, response, assets); });
    });
  }

  function keepPage(cache, url, old, response, assets) {
    // Only a page rendered for this very user goes into (or stays in) her cache.
    if (response.headers.get("X-Laktasi-Cache") !== USER) { return null; }
    if (response.status === 304 && old) { return null; }
    if (!response.ok || response.redirected) {
      // Gone or moved (e.g. a form already filled now leads to its correction): the old copy
      // is stale and leaves the phone. A server error keeps it until the next sync.
      return old && response.status < 500 ? cache["delete"](url, { ignoreVary: true }) : null;
    }
    return response.clone().text().then(function (html) {
      collectAssets(html, assets);
      return cache.put(url, response);
    });
  }

  function pool(items, size, worker) {
    var index = 0;
    function next() {
      if (index >= items.length) { return Promise.resolve(); }
      var item = items[index++];
      return worker(item).catch(function () { return null; }).then(next);
    }
    var runners = [];
    for (var i = 0; i < size; i++) { runners.push(next()); }
    return Promise.all(runners);
  }

  function fillCache(data) {
    var cacheName = USER_PREFIX + USER;
    var assets = {};
    return ns.openCache(cacheName).then(function (cache) {
      var done = 0;
      return pool(data.urls, 4, function (url) {
        return cachePage(cache, url, assets).then(function () {
          done += 1;
          showNote(t("syncing", { done: done, total: data.urls.length }));
        });
      }).then(function () {
        return ns.openCache(STATIC_CACHE).then(function (statics) {
          var list = Object.keys(assets).concat([data.offline_page]);
          return pool(list, 4, function (u) {
            return statics.match(u).then(function (hit) { return hit || statics.add(u); });
          });
        });
      }).then(function () {
        // Pages that left her scope since the last sync leave the phone.
        var keep = {};
        data.urls.forEach(function (u) { keep[new URL(u, location.href).href] = true; });
        keep[new URL(META_PATH, location.href).href] = true;
        return cache.keys().then(function (requests) {
          return Promise.all(requests.filter(function (r) { return !keep[r.url]; })
            .map(function (r) { return cache["delete"](r); }));
        });
      }).then(function () {
        return cache.put(META_PATH, new Response(JSON.stringify({ syncedAt: Date.now(), days: data.expires_days })));
      });
    });
  }

  var syncing = null;
  function sync(force) {
    if (!USER || !navigator.onLine || !window.caches) { return Promise.resolve(); }
    // A page that changed what she syncs (her choice of posyandu) asks for a sync at once.
    force = force || !!document.querySelector("[data-offline-resync]");
    if (syncing) { return syncing; }
    syncing = metaGet().then(function (meta) {
      if (!force && meta.checkedAt && Date.now() - meta.checkedAt < AUTO_SYNC_MS) { return null; }
      var headers = {};
      return caches.has(USER_PREFIX + USER).then(function (hasCache) {
        // A sync she asks for checks every page (each unchanged one is a 304): the list's ETag
        // is a coarse gate for the automatic syncs only.
        if (!force && meta.etag && hasCache && !expired(meta)) { headers["If-None-Match"] = meta.etag; }
        return fetch(SYNC_URL, { credentials: "same-origin", headers: headers, redirect: "manual" });
      }).then(function (response) {
        if (response.status === 304) {
          return ns.openCache(USER_PREFIX + USER).then(function (cache) {
            return cache.put(META_PATH, new Response(JSON.stringify({ syncedAt: Date.now(), days: DAYS })));
          }).then(function () { return { etag: meta.etag }; });
        }
        if (!response.ok) { return null; }
        var etag = response.headers.get("ETag");
        return response.json().then(function (data) {
          if (data.user !== USER) { return null; }
          return fillCache(data).then(function () { return { etag: etag }; });
        });
      }).then(function (result) {
        var now = Date.now();
        meta.checkedAt = now;
        if (result) { meta.syncedAt = now; meta.etag = result.etag; meta.user = USER; }
        ns.state.lastMeta = meta;
        return metaPut(meta).then(function () {
          if (result) { showNote(t("sync_done")); }
          return render();
        });
      });
    }).catch(function () { return null; }).then(function () { syncing = null; });
    return syncing;
  }

  ns.runSync = sync;
  ns.syncInFlight = function () { return syncing; };
}());
