/* laktasi phone step-by-step guide: timers and offline caching.
 *
 * No inline script is needed: strings and the Marmet stages come from the JSON data block
 * <script type="application/json" id="guide-data">. Timers measure wall-clock time
 * (Date.now), so they stay correct when the phone throttles a background tab.
 */
(function () {
  "use strict";

  var dataEl = document.getElementById("guide-data");
  if (!dataEl) { return; }
  var DATA = JSON.parse(dataEl.textContent);
  var S = DATA.strings;

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : m;
    });
  }

  function clock(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  /* A gentle cue when a round ends: vibration where supported, plus a short beep. */
  var audioCtx = null;
  function cue() {
    if (navigator.vibrate) { navigator.vibrate([250, 120, 250]); }
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { return; }
      audioCtx = audioCtx || new Ctx();
      var osc = audioCtx.createOscillator();
      var gain = audioCtx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain);
      gain.connect(audioCtx.destination);
      osc.start();
      osc.stop(audioCtx.currentTime + 0.35);
    } catch (e) { /* sound is optional */ }
  }

  /* Keep the screen on while a timer runs (where the Wake Lock API exists). */
  var wakeLock = null;
  function keepAwake(on) {
    if (!("wakeLock" in navigator)) { return; }
    if (on && !wakeLock) {
      navigator.wakeLock.request("screen").then(function (lock) { wakeLock = lock; })
        .catch(function () { wakeLock = null; });
    } else if (!on && wakeLock) {
      wakeLock.release().catch(function () {});
      wakeLock = null;
    }
  }

  /* A start/pause stopwatch measured against Date.now(). */
  function Stopwatch(onTick) {
    this.elapsedBefore = 0;
    this.startedAt = null;
    this.onTick = onTick;
    this.handle = null;
  }
  Stopwatch.prototype.elapsed = function () {
    var running = this.startedAt === null ? 0 : (Date.now() - this.startedAt) / 1000;
    return this.elapsedBefore + running;
  };
  Stopwatch.prototype.running = function () { return this.startedAt !== null; };
  Stopwatch.prototype.start = function () {
    if (this.running()) { return; }
    this.startedAt = Date.now();
    var self = this;
    this.handle = window.setInterval(function () { self.onTick(self.elapsed()); }, 250);
    keepAwake(true);
  };
  Stopwatch.prototype.pause = function () {
    if (!this.running()) { return; }
    this.elapsedBefore = this.elapsed();
    this.startedAt = null;
    window.clearInterval(this.handle);
    keepAwake(false);
  };
  Stopwatch.prototype.reset = function () {
    this.pause();
    this.elapsedBefore = 0;
  };

  function part(root, name) { return root.querySelector("[data-" + name + "]"); }
  function button(root, action) { return root.querySelector('[data-action="' + action + '"]'); }

  /* Oxytocin massage: countdown of 2 or 3 minutes per round, rounds counted. */
  function massageTimer(root) {
    var clockEl = part(root, "clock");
    var bar = part(root, "bar");
    var status = part(root, "status");
    var roundsEl = part(root, "rounds");
    var toggle = button(root, "toggle");
    var rounds = 0;
    var lastMinute = null;

    function length() {
      var checked = root.querySelector('input[name="massage-length"]:checked');
      return checked ? parseInt(checked.value, 10) : 180;
    }
    function say(text) { status.textContent = text; }
    function render(elapsed) {
      var left = Math.max(0, length() - elapsed);
      clockEl.textContent = clock(left);
      bar.style.width = Math.min(100, (elapsed / length()) * 100) + "%";
    }
    var watch = new Stopwatch(function (elapsed) {
      var left = length() - elapsed;
      if (left <= 0) {
        watch.reset();
        rounds += 1;
        roundsEl.textContent = String(rounds);
        toggle.textContent = S.start;
        lastMinute = null;
        render(0);
        say(S.massage_round_done);
        cue();
        return;
      }
      var minute = Math.ceil(left / 60);
      if (lastMinute !== null && minute < lastMinute) {
        say(minute === 1 ? S.one_minute_left : fmt(S.minutes_left, { n: minute }));
      }
      lastMinute = minute;
      render(elapsed);
    });

    toggle.addEventListener("click", function () {
      if (watch.running()) {
        watch.pause();
        toggle.textContent = S.resume;
        say(S.timer_paused);
      } else {
        watch.start();
        lastMinute = Math.ceil((length() - watch.elapsed()) / 60);
        toggle.textContent = S.pause;
        say(S.massage_running);
      }
    });
    button(root, "reset").addEventListener("click", function () {
      watch.reset();
      rounds = 0;
      roundsEl.textContent = "0";
      toggle.textContent = S.start;
      lastMinute = null;
      render(0);
      say(S.timer_reset);
    });
    Array.prototype.forEach.call(root.querySelectorAll('input[name="massage-length"]'), function (input) {
      input.addEventListener("change", function () {
        if (!watch.running()) { watch.reset(); render(0); }
      });
    });
    render(0);
  }

  /* Marmet: stages (express first breast, second breast, massage-stroke-shake, ...). */
  function marmetTimer(root) {
    var stages = DATA.stages;
    var clockEl = part(root, "clock");
    var bar = part(root, "bar");
    var minMark = part(root, "min-mark");
    var status = part(root, "status");
    var countEl = part(root, "stage-count");
    var titleEl = part(root, "stage-title");
    var toggle = button(root, "toggle");
    var next = button(root, "next");
    var prev = button(root, "prev");
    var index = 0;
    var announcedMin = false;
    var lastMinute = 0;

    function stage() { return stages[index]; }
    function say(text) { status.textContent = text; }
    function render(elapsed) {
      var st = stage();
      clockEl.textContent = clock(elapsed);
      bar.style.width = st.max ? Math.min(100, (elapsed / st.max) * 100) + "%" : "0%";
    }
    var watch = new Stopwatch(function (elapsed) {
      var st = stage();
      if (st.kind !== "express") { return; }
      var minutes = { min: st.min / 60, max: st.max / 60 };
      if (elapsed >= st.max) {
        watch.pause();
        render(st.max);
        toggle.textContent = S.resume;
        say(fmt(S.max_reached, minutes));
        cue();
        return;
      }
      if (!announcedMin && elapsed >= st.min) {
        announcedMin = true;
        say(fmt(S.min_reached, minutes));
        cue();
      } else if (Math.floor(elapsed / 60) > lastMinute) {
        lastMinute = Math.floor(elapsed / 60);
        if (!announcedMin) { say(fmt(S.minutes_elapsed, { n: lastMinute })); }
      }
      render(elapsed);
    });

    function show(newIndex, autostart) {
      watch.reset();
      index = Math.max(0, Math.min(stages.length - 1, newIndex));
      announcedMin = false;
      lastMinute = 0;
      var st = stage();
      countEl.textContent = fmt(S.stage_of, { n: index + 1, total: stages.length });
      titleEl.textContent = st.title;
      var timed = st.kind === "express";
      toggle.hidden = !timed;
      clockEl.parentNode.hidden = !timed;
      bar.parentNode.hidden = !timed;
      if (timed) {
        minMark.style.display = "block";
        minMark.style.left = ((st.min / st.max) * 100) + "%";
      }
      prev.disabled = index === 0;
      next.disabled = index === stages.length - 1;
      toggle.textContent = S.start;
      render(0);
      if (st.kind === "flow") {
        say(S.flow_prompt);
      } else if (st.kind === "done") {
        say(st.title);
        cue();
      } else if (autostart) {
        watch.start();
        toggle.textContent = S.pause;
        say(st.title);
      } else {
        say("");
      }
    }

    toggle.addEventListener("click", function () {
      if (watch.running()) {
        watch.pause();
        toggle.textContent = S.resume;
        say(S.timer_paused);
      } else {
        watch.start();
        toggle.textContent = S.pause;
        say(S.timer_started);
      }
    });
    next.addEventListener("click", function () { show(index + 1, true); });
    prev.addEventListener("click", function () { show(index - 1, false); });
    button(root, "reset").addEventListener("click", function () {
      show(0, false);
      say(S.timer_reset);
    });
    show(0, false);
  }

  /* Offline: register the service worker and ask it to cache this page and its assets. */
  function offline() {
    var swUrl = document.body.getAttribute("data-sw");
    if (!swUrl || !("serviceWorker" in navigator)) { return; }
    var scope = document.body.getAttribute("data-sw-scope");
    var options = scope ? { scope: scope } : undefined;
    navigator.serviceWorker.register(swUrl, options).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var page = location.href.split("#")[0];
      var urls = [page].concat(DATA.cache.map(function (u) { return new URL(u, location.href).href; }));
      var worker = registration.active;
      if (!worker) { return; }
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.type === "cached") {
          var el = document.getElementById("offline-status");
          if (el) { el.textContent = S.guide_offline_ready; }
        }
      });
      worker.postMessage({ type: "cache-urls", urls: urls });
    }).catch(function () { /* offline support is a bonus; the page works without it */ });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-needs-js]"), function (el) {
      el.hidden = false;
    });
    var m = document.querySelector('[data-timer="massage"]');
    if (m) { massageTimer(m); }
    var k = document.querySelector('[data-timer="marmet"]');
    if (k) { marmetTimer(k); }
    offline();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
