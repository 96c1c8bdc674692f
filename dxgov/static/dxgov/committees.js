// Live session and ballot views: the server's event stream (core.sse) names the parts that
// changed ("agenda", "attendance", "tally"); each is fetched again and swapped in by htmx.
// No inline scripts: the page carries the stream's address in data-events.
(function () {
  "use strict";

  function listen(view) {
    if (typeof window.EventSource === "undefined" || !view.dataset.events) { return; }
    var url = view.dataset.events + "?after=" + encodeURIComponent(view.dataset.lastEvent || "0");
    var source = new window.EventSource(url);
    var pending = {};
    var timer = null;
    function flush() {
      timer = null;
      Object.keys(pending).forEach(function (name) {
        view.querySelectorAll('[data-block="' + name + '"]').forEach(function (el) {
          if (window.htmx) { window.htmx.trigger(el, "dx:refresh"); }
        });
      });
      pending = {};
      var status = document.getElementById("live-status");
      if (status) { status.dataset.updated = new Date().toISOString(); }
    }
    source.addEventListener("change", function (event) {
      var change;
      try { change = JSON.parse(event.data); } catch (e) { return; }
      (change.blocks || []).forEach(function (name) { pending[name] = true; });
      // A burst of answers refreshes each part once.
      if (timer === null) { timer = window.setTimeout(flush, 200); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".live[data-events]").forEach(listen);
  });
})();
