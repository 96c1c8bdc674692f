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
    element.style.height = type === "bar" ? Math.max(300, data.labels.length * 22) + "px" : "300px";
    var chart = echarts.init(element);
    var horizontal = type === "bar";
    chart.setOption({
      tooltip: { trigger: "axis" },
      // containLabel: the axis labels (long agency names) are kept inside the chart, not clipped.
      grid: { left: 10, right: 20, top: 20, bottom: 40, containLabel: true },
      xAxis: horizontal ? { type: "value", max: 100 } : { type: "category", data: data.labels },
      yAxis: horizontal ? { type: "category", data: data.labels.slice().reverse() } : { type: "value", max: 100 },
      series: [
        {
          type: type,
          data: horizontal ? data.values.slice().reverse() : data.values,
          connectNulls: false,
        },
      ],
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
