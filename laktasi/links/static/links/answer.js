/* The mother's form: one question per screen with progress, answers kept on the phone
   (localStorage) until the server has them, and sent again by itself when the signal returns.
   Without JavaScript the form is one page that posts normally. */
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form) { return; }
  var key = form.getAttribute("data-storage-key");
  var words = document.getElementById("i18n");
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.q"));
  var pager = form.querySelector(".pager");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var send = form.querySelector(".send");
  var sendButton = document.getElementById("send");
  var note = document.getElementById("offline-note");
  var progressText = document.getElementById("progress-text");
  var progressBar = document.getElementById("progress-bar");
  var current = 0;
  var pending = false;
  var retryTimer = null;

  function word(name) { return words ? words.getAttribute("data-" + name) : ""; }
  function answered(q) { return q.querySelector("input:checked") !== null; }

  function save() {
    var data = {};
    form.querySelectorAll("input:checked").forEach(function (input) {
      (data[input.name] = data[input.name] || []).push(input.value);
    });
    try { localStorage.setItem(key, JSON.stringify({answers: data, pending: pending})); } catch (e) { /* private mode: keep going */ }
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || form.querySelector("input:checked")) { return saved; }
    Object.keys(saved.answers || {}).forEach(function (name) {
      saved.answers[name].forEach(function (value) {
        form.querySelectorAll("input[name='" + name + "']").forEach(function (input) {
          if (input.value === value) { input.checked = true; }
        });
      });
    });
    return saved;
  }

  function progress() {
    var done = questions.filter(answered).length;
    var total = questions.length;
    progressText.textContent = word("question") + " " + (current + 1) + " " + word("of") + " " + total;
    progressBar.max = total;
    progressBar.value = done;
  }

  function show(index) {
    current = Math.max(0, Math.min(index, questions.length - 1));
    questions.forEach(function (q, n) { q.classList.toggle("current", n === current); });
    prev.disabled = current === 0;
    var last = current === questions.length - 1;
    next.hidden = last;
    send.classList.toggle("hidden-until-last", !last);
    progress();
    var legend = questions[current].querySelector("legend");
    if (legend) { legend.setAttribute("tabindex", "-1"); legend.focus({preventScroll: true}); }
    window.scrollTo(0, 0);
  }

  function showOffline(on) { note.hidden = !on; }

  function submitNow() {
    if (!navigator.onLine) { pending = true; save(); showOffline(true); return; }
    sendButton.disabled = true;
    sendButton.textContent = word("sending");
    fetch(form.action || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin"
    }).then(function (response) {
      if (response.redirected && response.url.indexOf("/selesai/") !== -1) {
        pending = false;
        try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
        window.location.replace(response.url);
        return;
      }
      // Not accepted as it stands (an unanswered item, a closed link): let the server say why.
      pending = false; save();
      form.submit();
    }).catch(function () {
      pending = true; save(); showOffline(true);
      sendButton.disabled = false;
      if (!retryTimer) { retryTimer = window.setInterval(function () { if (pending) { submitNow(); } }, 15000); }
    });
  }

  form.addEventListener("change", function () { save(); progress(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); submitNow(); });
  window.addEventListener("online", function () { if (pending) { showOffline(false); submitNow(); } });
  window.addEventListener("offline", function () { if (pending) { showOffline(true); } });

  var saved = restore();
  if (questions.length > 1) {
    form.classList.add("js-paged");
    pager.hidden = false;
    prev.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () {
      var warning = document.getElementById("need-answer");
      if (!answered(questions[current])) { warning.hidden = false; return; }
      warning.hidden = true;
      show(current + 1);
    });
    var firstError = questions.findIndex(function (q) { return q.classList.contains("has-error"); });
    var firstOpen = questions.findIndex(function (q) { return !answered(q); });
    show(firstError >= 0 ? firstError : (firstOpen >= 0 ? firstOpen : 0));
  } else {
    progress();
  }
  if (saved && saved.pending) { pending = true; submitNow(); }
})();
