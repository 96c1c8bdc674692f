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
      window.dxFormat.chart(el, option);  // numbers in the page's notation (format.js)
      el.dataset.drawn = "1";
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
    // On the wall one place shows two blocks in turn; the others stay in view.
    var views = board.querySelectorAll(".wall-view[data-turn]");
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

  // The wall's clock: the time, large, and the day written out ("Thứ Hai, 07/12/2026").
  function clock() {
    var time = document.getElementById("wall-clock");
    var day = document.getElementById("wall-day");
    if (!time) { return; }
    var vi = (document.documentElement.lang || "vi").indexOf("en") !== 0;
    var names = vi
      ? ["Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"]
      : ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    // The platform's time zone (Asia/Ho_Chi_Minh), whatever the screen's computer is set to.
    var zone = time.getAttribute("data-time-zone") || undefined;
    var parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, hour12: false, weekday: "short", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit",
    });
    var weekdays = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
    function tick() {
      var now = {};
      parts.formatToParts(new Date()).forEach(function (part) { now[part.type] = part.value; });
      time.textContent = now.hour + ":" + now.minute;
      if (day) {
        day.textContent = names[weekdays[now.weekday]] + ", " + now.day + "/" + now.month + "/" + now.year;
      }
    }
    tick();
    window.setInterval(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    clock();
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
