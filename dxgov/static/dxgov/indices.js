// Composite index charts: every element with data-index-chart gets an ECharts bar chart (units
// by score, horizontal) or a line (data-chart-type="line": a unit's score by year). Numbers go
// through the formatting layer (format.js); the same figures are in the tables beside.
(function () {
  "use strict";
  function draw(element) {
    if (typeof echarts === "undefined") {
      return;
    }
    var data;
    try {
      data = JSON.parse(element.getAttribute("data-index-chart"));
    } catch (error) {
      return;
    }
    if (!data || !data.labels || data.labels.length === 0) {
      element.hidden = true;
      return;
    }
    var line = element.getAttribute("data-chart-type") === "line";
    var option = line
      ? {
          xAxis: { type: "category", data: data.labels },
          yAxis: { type: "value", min: 0, max: data.max || null },
          series: [{ type: "line", data: data.values, connectNulls: false }],
        }
      : {
          xAxis: { type: "value", min: 0, max: data.max || null },
          yAxis: { type: "category", data: data.labels.slice().reverse() },
          series: [{ type: "bar", data: data.values.slice().reverse() }],
        };
    if (!line) {
      element.style.height = Math.max(300, data.labels.length * 22 + 60) + "px";
    } else {
      element.style.height = "280px";
    }
    if (window.dxFormat && window.dxFormat.chart) {
      window.dxFormat.chart(element, option);
      return;
    }
    var chart = echarts.init(element);
    option.grid = { left: 10, right: 20, top: 20, bottom: 30, containLabel: true };
    option.tooltip = { trigger: "axis" };
    chart.setOption(option);
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-index-chart]").forEach(draw);
  });
})();
