/* laktasi offline: marks the items of a page that already wait in this phone's queue
 * ("menunggu dikirim"), so a cached task list, session page or mother's page opened offline
 * says which of its visits, attendance rows, tests and consultations are done but unsent.
 *
 * Declarative: an element marked data-offline-pending="<form action URL> ..." (space
 * separated) is marked when a queued entry was made for one of those URLs (path only, the
 * query ignored); with data-offline-pending-match="prefix", for any URL under them (every
 * test form of one mother). The badge goes into the element's [data-offline-pending-slot]
 * when it has one (a table row), else at its end. Needs offline.js (window.laktasiOffline),
 * which announces every change of the queue with the "laktasi-offline-queue" event.
 * Design: docs/decisions/0008-offline.md.
 */
(function () {
  "use strict";

  var status = document.getElementById("offline-status");
  if (!status || !window.laktasiOffline) { return; }
  var S = JSON.parse(status.getAttribute("data-offline-strings") || "{}");
  var BADGE = "data-offline-pending-badge";

  function path(url) { return new URL(url, location.href).pathname; }

  function matches(element, entryPath) {
    var prefix = element.getAttribute("data-offline-pending-match") === "prefix";
    return element.getAttribute("data-offline-pending").split(/\s+/).some(function (url) {
      if (!url) { return false; }
      var own = path(url);
      return entryPath === own || (prefix && entryPath.indexOf(own) === 0);
    });
  }

  function badge(element, state) {
    var old = element.querySelector("[" + BADGE + "]");
    if (old) { old.parentNode.removeChild(old); }
    if (!state) {
      element.removeAttribute("data-offline-pending-state");
      return;
    }
    element.setAttribute("data-offline-pending-state", state);
    var span = document.createElement("span");
    span.className = "badge offline-pending-badge offline-pending-" + state;
    span.setAttribute(BADGE, "");
    span.textContent = S["state_" + state] || state;
    var slot = element.querySelector("[data-offline-pending-slot]") || element;
    slot.appendChild(document.createTextNode(" "));
    slot.appendChild(span);
  }

  /* One badge per element: "could not be saved" if any of its entries is a conflict, else
     "waiting to be sent" (also while one is being sent: it is not on the server yet). */
  function mark(items) {
    var paths = items.map(function (item) { return { path: path(item.url), state: item.state }; });
    document.querySelectorAll("[data-offline-pending]").forEach(function (element) {
      var hits = paths.filter(function (p) { return matches(element, p.path); });
      var conflict = hits.some(function (p) { return p.state === "conflict"; });
      badge(element, hits.length ? (conflict ? "conflict" : "waiting") : "");
    });
  }

  document.addEventListener("laktasi-offline-queue", function (event) { mark(event.detail || []); });
  // htmx swaps a row after a tick made online: the new row is marked again.
  document.addEventListener("htmx:afterSettle", function () {
    window.laktasiOffline.queue().then(mark).catch(function () { return null; });
  });
  window.laktasiOffline.queue().then(mark).catch(function () { return null; });
}());
