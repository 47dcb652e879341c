/* laktasi offline field work, part 1 of 3 (loaded first): settings of this page, texts, and
 * what the phone keeps: the IndexedDB queue and metadata, the caches, wiping and expiry.
 * Shared with offline-sync.js and offline.js through the window.laktasiOffline namespace.
 * Design and limits: docs/decisions/0008-offline.md.
 */
(function () {
  "use strict";

  var body = document.body;
  if (!body) { return; }
  var ns = window.laktasiOffline = window.laktasiOffline || {};
  var USER = body.getAttribute("data-offline-user") || "";
  var DAYS = parseInt(body.getAttribute("data-offline-days") || "3", 10);
  var DB_NAME = "laktasi-offline";
  var DAY_MS = 24 * 3600 * 1000;
  var stringsEl = document.getElementById("offline-status");
  var S = stringsEl ? JSON.parse(stringsEl.getAttribute("data-offline-strings") || "{}") : {};

  ns.config = {
    USER: USER,
    DAYS: DAYS,
    SYNC_URL: body.getAttribute("data-offline-sync") || "/sinkron/",
    SW_URL: body.getAttribute("data-offline-sw") || "/sw.js",
    USER_PREFIX: "laktasi-user-",
    STATIC_CACHE: "laktasi-static-v1",
    META_PATH: "/__laktasi/meta",
    AUTO_SYNC_MS: 5 * 60 * 1000
  };
  // The last known metadata (last sync, owner), read by the status strip.
  ns.state = { lastMeta: {} };

  function t(key, values) {
    var text = S[key] || key;
    return text.replace(/\{(\w+)\}/g, function (m, k) {
      return values && Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
    });
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* ------------------------------------------------------------------ IndexedDB */
  var dbPromise = null;
  // Set at logout: work still running on this page (a sync) must not put anything back.
  var leaving = false;
  function db() {
    if (leaving) { return Promise.reject(new Error("logged out")); }
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore("queue", { keyPath: "key" });
          req.result.createObjectStore("meta", { keyPath: "name" });
        };
        req.onsuccess = function () {
          // Another tab deleting the database (logout) must not be blocked by this one.
          req.result.onversionchange = function () { req.result.close(); dbPromise = null; };
          resolve(req.result);
        };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }

  function store(name, mode, action) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var tx = conn.transaction(name, mode);
        var req = action(tx.objectStore(name));
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function queueAll() {
    return store("queue", "readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).filter(function (i) { return i.user === USER; })
        .sort(function (a, b) { return a.created - b.created; });
    });
  }
  function queuePut(item) { return store("queue", "readwrite", function (s) { return s.put(item); }); }
  function queueDelete(key) { return store("queue", "readwrite", function (s) { return s["delete"](key); }); }
  function metaGet() {
    return store("meta", "readonly", function (s) { return s.get("state"); }).then(function (m) { return m || {}; });
  }
  function metaPut(meta) {
    meta.name = "state";
    return store("meta", "readwrite", function (s) { return s.put(meta); });
  }

  /* ------------------------------------------------------------------ privacy */
  function deleteCaches(filter) {
    if (!window.caches) { return Promise.resolve(); }
    return caches.keys().then(function (keys) {
      return Promise.all(keys.filter(filter).map(function (k) { return caches["delete"](k); }));
    });
  }

  function openCache(name) {
    return leaving ? Promise.reject(new Error("logged out")) : caches.open(name);
  }

  /* Everything this site keeps on the phone: every cache and the whole database. */
  function wipeAll() {
    var closing = dbPromise ? dbPromise.then(function (c) { c.close(); }).catch(function () {}) : Promise.resolve();
    dbPromise = null;
    return closing.then(function () {
      return deleteCaches(function () { return true; });
    }).then(function () {
      return new Promise(function (resolve) {
        var req = indexedDB.deleteDatabase(DB_NAME);
        req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
      });
    });
  }

  function expired(meta) {
    return !meta.syncedAt || Date.now() - meta.syncedAt > DAYS * DAY_MS;
  }

  ns.t = t;
  ns.uuid4 = uuid4;
  ns.queueAll = queueAll;
  ns.queuePut = queuePut;
  ns.queueDelete = queueDelete;
  ns.metaGet = metaGet;
  ns.metaPut = metaPut;
  ns.deleteCaches = deleteCaches;
  ns.wipeAll = wipeAll;
  ns.openCache = openCache;
  /* Logout: wipe, and refuse every later write of this page (a sync may still be running). */
  ns.wipeForLogout = function () { leaving = true; return wipeAll(); };
  ns.expired = expired;
}());
