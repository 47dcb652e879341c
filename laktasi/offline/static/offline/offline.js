/* laktasi offline field work, part 3 of 3 (after offline-store.js and offline-sync.js): the
 * queue of forms sent without signal, the status strip, and the privacy rules of a shared phone.
 * Design and limits: docs/decisions/0008-offline.md.
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
  var ns = window.laktasiOffline;
  if (!body || !ns || !ns.runSync) { return; }
  var USER = ns.config.USER;
  var USER_PREFIX = ns.config.USER_PREFIX;
  var SW_URL = ns.config.SW_URL;
  var t = ns.t;
  var uuid4 = ns.uuid4;
  var queueAll = ns.queueAll;
  var queuePut = ns.queuePut;
  var queueDelete = ns.queueDelete;
  var metaGet = ns.metaGet;
  var metaPut = ns.metaPut;
  var deleteCaches = ns.deleteCaches;
  var wipeAll = ns.wipeAll;
  var expired = ns.expired;
  var sync = ns.runSync;

  /* ------------------------------------------------------------------ status panel */
  var panel = document.getElementById("offline-status");
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
    panel.querySelector("[data-offline-synced]").textContent = ns.state.lastMeta.syncedAt
      ? t("synced", { when: new Date(ns.state.lastMeta.syncedAt).toLocaleString() })
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
        ns.wipeForLogout().then(function () { form.submit(); });
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
      ns.state.lastMeta = meta;
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
    started = checkOwner().then(settleSubmitted).then(render).then(function () {
      return sendQueue();
    }).then(function (sent) {
      return sync(sent > 0);
    }).catch(function () { return render(); });
  }

  // Test and debugging hooks (no personal data): the state of the queue and sync. Idle only
  // once the page load's own send-then-sync has begun and ended.
  var started = null;
  function idle() {
    return Promise.resolve(started).then(function () {
      var syncing = ns.syncInFlight();
      if (!sending && !syncing) { return true; }
      return Promise.all([sending, syncing]).then(idle);
    });
  }

  ns.render = render;
  ns.showNote = showNote;
  ns.sync = function () { return sync(true); };
  ns.send = sendQueue;
  ns.idle = idle;
  ns.queue = queueAll;
  ns.meta = metaGet;

  init();
}());
