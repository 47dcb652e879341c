/* laktasi offline field work: sync of her scope, the queue of forms sent without signal, and
 * the privacy rules of a shared phone. Design and limits: docs/decisions/0008-offline.md.
 *
 * Declarative: a <form data-offline data-offline-key="<field>" data-offline-label="..."> is
 * queued in IndexedDB when the phone is offline; <field> (its idempotency key) gets a fresh
 * UUID at every page load, so a page reopened from the cache never reuses a key. Inputs marked
 * data-offline-today get the phone's date when the page was rendered on an earlier day.
 * An htmx request from inside a non-form element marked data-offline (an attendance row) is
 * queued the same way, with a fresh UUID in its submission_uuid field.
 * Queued entries are replayed with "X-Laktasi-Offline: 1"; the server answers with JSON
 * (laktasi/offline/outcome.py): created/duplicate -> removed; conflict/invalid -> kept, marked.
 * No inline script: the texts come from the data-offline-strings attribute of #offline-status.
 */
(function () {
  "use strict";

  var body = document.body;
  if (!body) { return; }
  var USER = body.getAttribute("data-offline-user") || "";
  var DAYS = parseInt(body.getAttribute("data-offline-days") || "3", 10);
  var SYNC_URL = body.getAttribute("data-offline-sync") || "/sinkron/";
  var SW_URL = body.getAttribute("data-offline-sw") || "/sw.js";
  var DB_NAME = "laktasi-offline";
  var USER_PREFIX = "laktasi-user-";
  var STATIC_CACHE = "laktasi-static-v1";
  var META_PATH = "/__laktasi/meta";
  var DAY_MS = 24 * 3600 * 1000;
  var AUTO_SYNC_MS = 5 * 60 * 1000;
  var stringsEl = document.getElementById("offline-status");
  var S = stringsEl ? JSON.parse(stringsEl.getAttribute("data-offline-strings") || "{}") : {};

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
  function db() {
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

  /* ------------------------------------------------------------------ status panel */
  var panel = document.getElementById("offline-status");
  var lastMeta = {};
  var queuedPaths = {};  // paths with entries still to send (htmx ticks keep their order)

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function itemRow(item) {
    var li = el("li", "offline-item offline-" + item.state);
    li.setAttribute("data-offline-item", item.key);
    li.setAttribute("data-state", item.state);
    li.appendChild(el("span", "offline-item-label", item.label || item.url));
    li.appendChild(el("span", "offline-item-state", t("state_" + item.state)));
    if (item.message) { li.appendChild(el("p", "offline-item-message", item.message)); }
    if (item.resultUrl) {
      var a = el("a", "", t("open"));
      a.href = item.resultUrl;
      li.appendChild(a);
    }
    if (item.state !== "sending") {
      var remove = el("button", "linkish", t("remove"));
      remove.type = "button";
      remove.setAttribute("data-offline-remove", item.key);
      li.appendChild(remove);
    }
    return li;
  }

  function render() {
    if (!panel) { return Promise.resolve(); }
    panel.hidden = false;
    var net = panel.querySelector("[data-offline-net]");
    net.textContent = navigator.onLine ? t("online") : t("offline");
    net.className = "offline-net " + (navigator.onLine ? "is-online" : "is-offline");
    panel.querySelector("[data-offline-synced]").textContent = lastMeta.syncedAt
      ? t("synced", { when: new Date(lastMeta.syncedAt).toLocaleString() })
      : t("never_synced");
    return queueAll().then(function (items) {
      var box = panel.querySelector("[data-offline-queue]");
      var list = panel.querySelector("[data-offline-items]");
      list.textContent = "";
      items.forEach(function (item) { list.appendChild(itemRow(item)); });
      var waiting = items.filter(function (i) { return i.state !== "conflict"; }).length;
      if (waiting && !navigator.onLine) { showNote(t("queued")); }
      panel.querySelector("[data-offline-count]").textContent = t("queue_count", { n: items.length, waiting: waiting });
      box.hidden = items.length === 0;
      panel.setAttribute("data-queue-size", String(items.length));
      queuedPaths = {};
      items.forEach(function (i) {
        if (i.state !== "conflict") { queuedPaths[new URL(i.url, location.href).pathname] = true; }
      });
      document.dispatchEvent(new CustomEvent("laktasi-offline-queue", { detail: items }));
    });
  }

  function showNote(text) {
    var note = panel && panel.querySelector("[data-offline-note]");
    if (note) { note.textContent = text; note.hidden = false; }
  }

  /* ------------------------------------------------------------------ sync */
  function collectAssets(html, assets) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel~=icon][href]").forEach(function (n) {
      var url = new URL(n.getAttribute("href") || n.getAttribute("src"), location.href);
      if (url.origin === location.origin) { assets[url.pathname + url.search] = true; }
    });
  }

  function cachePage(cache, url, assets) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      // Only a page rendered for this very user goes into her cache.
      if (!response.ok || response.redirected || response.headers.get("X-Laktasi-Cache") !== USER) {
        return null;
      }
      return response.clone().text().then(function (html) {
        collectAssets(html, assets);
        return cache.put(url, response);
      });
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
    return caches.open(cacheName).then(function (cache) {
      var done = 0;
      return pool(data.urls, 4, function (url) {
        return cachePage(cache, url, assets).then(function () {
          done += 1;
          showNote(t("syncing", { done: done, total: data.urls.length }));
        });
      }).then(function () {
        return caches.open(STATIC_CACHE).then(function (statics) {
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
    if (syncing) { return syncing; }
    syncing = metaGet().then(function (meta) {
      if (!force && meta.checkedAt && Date.now() - meta.checkedAt < AUTO_SYNC_MS) { return null; }
      var headers = {};
      return caches.has(USER_PREFIX + USER).then(function (hasCache) {
        if (meta.etag && hasCache && !expired(meta)) { headers["If-None-Match"] = meta.etag; }
        return fetch(SYNC_URL, { credentials: "same-origin", headers: headers, redirect: "manual" });
      }).then(function (response) {
        if (response.status === 304) {
          return caches.open(USER_PREFIX + USER).then(function (cache) {
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
        lastMeta = meta;
        return metaPut(meta).then(function () {
          if (result) { showNote(t("sync_done")); }
          return render();
        });
      });
    }).catch(function () { return null; }).then(function () { syncing = null; });
    return syncing;
  }

  /* ------------------------------------------------------------------ queue */
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function formEntry(form, submitter, state) {
    var keyName = form.getAttribute("data-offline-key");
    var fields = [];
    var data;
    try { data = new FormData(form, submitter || undefined); } catch (e) { data = new FormData(form); }
    data.forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") { fields.push([name, value]); }
    });
    var key = keyName && form.elements[keyName] ? form.elements[keyName].value : uuid4();
    var action = new URL(form.getAttribute("action") || location.href, location.href);
    return {
      key: key, user: USER, url: action.pathname + action.search, fields: fields,
      label: form.getAttribute("data-offline-label") || document.title,
      created: Date.now(), state: state, message: ""
    };
  }

  function queueForm(form, submitter) {
    return queuePut(formEntry(form, submitter, "waiting")).then(function () {
      var next = form.getAttribute("data-offline-next");
      if (next) { location.href = next; } else { location.reload(); }
    });
  }

  function outcome(item, response) {
    var type = response.headers.get("Content-Type") || "";
    if (response.type === "opaqueredirect" || response.status === 403) {
      item.state = "login";
      item.message = t("login_needed");
      return queuePut(item).then(function () { return false; });
    }
    if (type.indexOf("application/json") === -1) {
      if (response.status === 404) {
        item.state = "conflict";
        item.message = t("unavailable");
        return queuePut(item).then(function () { return true; });
      }
      item.state = "error";
      item.message = t("server_error");
      return queuePut(item).then(function () { return false; });
    }
    return response.json().then(function (data) {
      if (data.outcome === "created" || data.outcome === "duplicate") {
        return queueDelete(item.key).then(function () { return true; });
      }
      item.state = "conflict";
      item.reason = data.reason || data.outcome;
      item.message = data.message || "";
      item.resultUrl = data.url || "";
      return queuePut(item).then(function () { return true; });
    });
  }

  function sendOne(item) {
    item.state = "sending";
    return queuePut(item).then(function () {
      return fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: {
          "X-Laktasi-Offline": "1",
          "X-CSRFToken": csrfToken(),
          "Content-Type": "application/x-www-form-urlencoded"
        },
        body: new URLSearchParams(item.fields).toString()
      });
    }).then(function (response) {
      return outcome(item, response);
    }, function () {
      item.state = "waiting";
      return queuePut(item).then(function () { return false; });
    });
  }

  function sendAll() {
    return queueAll().then(function (items) {
      // A copy of a form being submitted online waits for that page's answer (settleSubmitted).
      var todo = items.filter(function (i) { return i.state !== "conflict" && i.state !== "submitted"; });
      var sent = 0;
      function next(i) {
        if (i >= todo.length || !navigator.onLine) { return Promise.resolve(); }
        return sendOne(todo[i]).then(function (goOn) {
          if (!goOn) { return null; }
          sent += 1;
          return next(i + 1);
        });
      }
      return next(0).then(function () { return sent; });
    });
  }

  var sending = null;
  function sendQueue() {
    if (!USER || !navigator.onLine) { return Promise.resolve(0); }
    if (sending) { return sending; }
    // One sender across tabs (Web Locks); the server's idempotency keys cover the rest.
    var run = navigator.locks ? navigator.locks.request("laktasi-offline-send", sendAll) : sendAll();
    sending = Promise.resolve(run).then(function (sent) {
      sending = null;
      return render().then(function () { return sent; });
    }, function () { sending = null; return 0; });
    return sending;
  }

  /* ------------------------------------------------------------------ wiring */
  function prepareForms() {
    var today = new Date();
    var iso = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" +
      String(today.getDate()).padStart(2, "0");
    document.querySelectorAll("form[data-offline]").forEach(function (form) {
      var keyName = form.getAttribute("data-offline-key");
      if (keyName && form.elements[keyName]) {
        if (form.elements[keyName].value) { renderedKeys[form.elements[keyName].value] = true; }
        form.elements[keyName].value = uuid4();
      }
      var rendered = form.getAttribute("data-rendered-on");
      form.querySelectorAll("input[data-offline-today]").forEach(function (input) {
        // Only forward: a page cached on an earlier day. (A phone clock behind the server's
        // day, e.g. a test browser on UTC, must never move a date back.)
        if (rendered && rendered < iso && input.value === rendered) { input.value = iso; }
      });
    });
  }

  /* Inputs marked data-offline-now get the phone's time when she saves (the time a queued
     consultation was made, not the day it reaches the server). */
  function stampNow(form) {
    var now = new Date().toISOString();
    form.querySelectorAll("input[data-offline-now]").forEach(function (input) { input.value = now; });
  }

  /* Online, a data-offline form keeps a copy in the queue (state "submitted") before it is
     submitted as usual: if the connection fails on the way (the phone says "online" but
     nothing gets through), the copy is sent later; if the submission went through, the copy
     is answered "duplicate" (its idempotency key) and removed. */
  function submitKeepingCopy(form, submitter) {
    var done = false;
    function submit() {
      if (done) { return; }
      done = true;
      form.setAttribute("data-offline-submitting", "");
      showNote(t("sending_kept"));
      if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
    }
    // The copy never delays or blocks the submission itself (a broken IndexedDB included).
    setTimeout(submit, 1500);
    queuePut(formEntry(form, submitter, "submitted")).then(submit, submit);
  }

  /* Copies of forms submitted online, found at the next page load: a form the server rendered
     again with the same key came back with its errors (nothing saved: the copy goes); any
     other is sent (a "duplicate" if the submission had gone through). */
  var renderedKeys = {};
  function settleSubmitted() {
    return queueAll().then(function (items) {
      return Promise.all(items.filter(function (i) { return i.state === "submitted"; }).map(function (item) {
        if (renderedKeys[item.key]) { return queueDelete(item.key); }
        item.state = "waiting";
        return queuePut(item);
      }));
    });
  }

  function onSubmit(event) {
    var form = event.target;
    if (form.hasAttribute("data-offline-logout")) {
      event.preventDefault();
      queueAll().catch(function () { return []; }).then(function (items) {
        if (items.length && !window.confirm(t("logout_confirm", { n: items.length }))) { return; }
        wipeAll().then(function () { form.submit(); });
      });
      return;
    }
    if (!USER || !form.hasAttribute("data-offline")) { return; }
    if (form.hasAttribute("data-offline-submitting")) { return; }  // the copy is kept: submit
    event.preventDefault();
    stampNow(form);
    if (navigator.onLine) { submitKeepingCopy(form, event.submitter); } else { queueForm(form, event.submitter); }
  }

  /* An htmx request inside an element marked data-offline (e.g. an attendance row), made
     without signal: queued like a form, with a fresh key in submission_uuid. */
  function htmxFields(detail) {
    var fields = [];
    var data = detail.formData || detail.parameters || {};
    function add(name, value) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") { fields.push([name, value]); }
    }
    if (typeof data.forEach === "function") {
      data.forEach(function (value, name) { add(name, value); });
    } else {
      Object.keys(data).forEach(function (name) {
        [].concat(data[name]).forEach(function (value) { add(name, String(value)); });
      });
    }
    return fields;
  }

  function offlineHolder(elt) {
    var holder = elt && elt.closest ? elt.closest("[data-offline]") : null;
    return USER && holder && holder.tagName !== "FORM" ? holder : null;
  }

  function queueHtmx(holder, config) {
    var key = uuid4();
    var fields = htmxFields(config).filter(function (f) { return f[0] !== "submission_uuid"; });
    fields.push(["submission_uuid", key]);
    var action = new URL(config.path, location.href);
    queuedPaths[action.pathname] = true;
    return queuePut({
      key: key, user: USER, url: action.pathname + action.search, fields: fields,
      label: holder.getAttribute("data-offline-label") || document.title,
      created: Date.now(), state: "waiting", message: ""
    }).then(render).then(function () {
      showNote(t("queued"));
      // Online (a row with earlier ticks waiting): send once the current round is done.
      if (navigator.onLine) { return Promise.resolve(sending).then(sendQueue); }
      return null;
    });
  }

  /* Without signal, or online while earlier ticks of the same row still wait in the queue
     (they must reach the server in the order she made them): queued, not sent. */
  function onHtmxRequest(event) {
    var holder = offlineHolder(event.detail && event.detail.elt);
    if (!holder) { return; }
    var path = new URL(event.detail.path, location.href).pathname;
    if (navigator.onLine && !queuedPaths[path]) { return; }
    event.preventDefault();
    queueHtmx(holder, event.detail);
  }

  /* Online but failing: the request got no answer (it may have reached the server; the replay
     is then a "duplicate", the ticks being on record already). */
  function onHtmxSendError(event) {
    var detail = event.detail || {};
    var holder = offlineHolder(detail.elt);
    if (holder && detail.requestConfig) { queueHtmx(holder, detail.requestConfig); }
  }

  function onClick(event) {
    var target = event.target.closest("[data-offline-action], [data-offline-remove]");
    if (!target) { return; }
    var action = target.getAttribute("data-offline-action");
    if (action === "send") {
      sendQueue().then(function () { return sync(true); });
    } else if (action === "sync") {
      sync(true);
    } else if (target.hasAttribute("data-offline-remove")) {
      if (window.confirm(t("remove_confirm"))) {
        queueDelete(target.getAttribute("data-offline-remove")).then(render);
      }
    }
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(SW_URL, { scope: "/" }).catch(function () {
      /* offline support is an addition: the pages work without it */
    });
  }

  /* A different user on this phone: the previous user's pages and queue leave it first. */
  function checkOwner() {
    return metaGet().then(function (meta) {
      if (meta.user && meta.user !== USER) {
        return wipeAll().then(function () { return {}; });
      }
      if (meta.syncedAt && expired(meta)) {
        meta.syncedAt = null;
        meta.etag = null;
        return deleteCaches(function (k) { return k.indexOf(USER_PREFIX) === 0; }).then(function () {
          showNote(t("expired"));
          return meta;
        });
      }
      return meta;
    }).then(function (meta) {
      meta.user = USER;
      lastMeta = meta;
      return metaPut(meta);
    });
  }

  function init() {
    document.addEventListener("submit", onSubmit, true);
    if (!USER) { return; }
    registerWorker();
    prepareForms();
    document.addEventListener("click", onClick);
    document.addEventListener("htmx:configRequest", onHtmxRequest);
    document.addEventListener("htmx:sendError", onHtmxSendError);
    window.addEventListener("online", function () {
      render();
      sendQueue().then(function (sent) { return sync(sent > 0); });
    });
    window.addEventListener("offline", render);
    // Back from the browser's error page after a failed submission (a page from the
    // back/forward cache does not load again): its copy is settled and sent like at a load.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      document.querySelectorAll("form[data-offline-submitting]").forEach(function (form) {
        form.removeAttribute("data-offline-submitting");
      });
      settleSubmitted().then(render).then(sendQueue).catch(function () { return render(); });
    });
    checkOwner().then(settleSubmitted).then(render).then(function () {
      return sendQueue();
    }).then(function (sent) {
      return sync(sent > 0);
    }).catch(function () { return render(); });
  }

  // Test and debugging hooks (no personal data): the state of the queue and sync.
  function idle() {
    if (!sending && !syncing) { return Promise.resolve(true); }
    return Promise.all([sending, syncing]).then(idle);
  }

  window.laktasiOffline = {
    sync: function () { return sync(true); },
    send: sendQueue,
    idle: idle,
    queue: queueAll,
    meta: metaGet
  };

  init();
}());
