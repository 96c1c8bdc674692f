// Decision 766 charts: every element with data-chart gets an ECharts bar or line chart.
// The figures are also in the table next to each chart (for screen readers and printing).
(function () {
  "use strict";
  function draw(element) {
    if (typeof echarts === "undefined") {
      return;
    }
    var data;
    try {
      data = JSON.parse(element.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    if (!data || !data.labels || data.labels.length === 0) {
      element.hidden = true;
      return;
    }
    var type = element.getAttribute("data-chart-type") || "line";
    var horizontal = type === "bar";
    if (!horizontal) {
      element.style.height = "300px";
    }
    // Figures, axes and tooltips in the page's notation (format.js); bars are horizontal, so
    // every unit's name is written out.
    window.dxFormat.chart(element, {
      tooltip: { trigger: "axis" },
      grid: { left: 10, right: 20, top: 20, bottom: 40 },
      xAxis: horizontal ? { type: "value", max: 100 } : { type: "category", data: data.labels },
      yAxis: horizontal
        ? { type: "category", data: data.labels.slice().reverse() }
        : { type: "value", max: 100 },
      series: [
        {
          type: type,
          data: horizontal ? data.values.slice().reverse() : data.values,
          connectNulls: false,
        },
      ],
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
