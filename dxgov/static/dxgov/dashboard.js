// The command centre: charts from each block's data-chart, live updates from the event
// stream (server-sent events), and the wall's rotation. No inline scripts: all of it is here.
(function () {
  "use strict";

  function drawCharts(root) {
    if (typeof window.echarts === "undefined") { return; }
    root.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var option;
      try { option = JSON.parse(el.dataset.chart); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function stamp(text) {
    var status = document.getElementById("live-status");
    if (!status) { return; }
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    status.textContent = (status.dataset.updated || "") + " " +
      pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds()) +
      (text ? " · " + text : "");
    status.classList.add("fresh");
  }

  function concerns(pagePath, changePath) {
    // A change concerns the page when one contains the other (a commune's report changes its
    // province's figures; a province page does not change for another province's report).
    if (!pagePath || !changePath) { return true; }
    return changePath.indexOf(pagePath) === 0 || pagePath.indexOf(changePath) === 0;
  }

  function listen(board) {
    if (typeof window.EventSource === "undefined" || !board.dataset.events) { return; }
    var url = board.dataset.events + "?after=" + encodeURIComponent(board.dataset.lastEvent || "0");
    var source = new window.EventSource(url);
    // A burst of changes (a day's overdue tasks, an import) refreshes each block once.
    var pending = {};
    var timer = null;
    function flush() {
      timer = null;
      Object.keys(pending).forEach(function (name) {
        document.querySelectorAll('[data-block="' + name + '"]').forEach(function (el) {
          window.htmx.trigger(el, "dx:refresh");
        });
      });
      pending = {};
    }
    source.addEventListener("change", function (event) {
      var change;
      try { change = JSON.parse(event.data); } catch (e) { return; }
      if (!concerns(board.dataset.scopePath, change.path)) { return; }
      (change.blocks || []).forEach(function (name) { pending[name] = true; });
      if (timer === null) { timer = window.setTimeout(flush, 250); }
      stamp(change.agency);
    });
  }

  function rotate(board) {
    var seconds = parseInt(board.dataset.rotate || "0", 10);
    var views = board.querySelectorAll(".wall-view");
    if (!seconds || views.length < 2) { return; }
    var current = 0;
    window.setInterval(function () {
      views[current].hidden = true;
      current = (current + 1) % views.length;
      views[current].hidden = false;
      views[current].querySelectorAll(".chart[data-drawn]").forEach(function (el) {
        var chart = window.echarts && window.echarts.getInstanceByDom(el);
        if (chart) { chart.resize(); }
      });
    }, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector("[data-events]");
    if (window.htmx) {
      window.htmx.onLoad(function (content) { drawCharts(content); });
    } else {
      drawCharts(document);
    }
    if (board) {
      listen(board);
      rotate(board);
    }
  });
})();
