// Public investment pages: every element with data-chart gets its ECharts option (built by the
// server) drawn through the formatting layer (format.js), which formats the figures the page's
// way; the tables beside each chart hold the same figures. No inline scripts: all of it is here.
(function () {
  "use strict";

  function draw(element) {
    if (typeof window.echarts === "undefined" || element.dataset.drawn) {
      return;
    }
    var option;
    try {
      option = JSON.parse(element.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    if (!option) {
      return;
    }
    element.dataset.drawn = "1";
    if (window.dxFormat && window.dxFormat.chart) {
      window.dxFormat.chart(element, option);
      return;
    }
    var chart = window.echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart[data-chart]").forEach(function (element) {
      if (element.getAttribute("data-chart")) {
        draw(element);
      }
    });
  });
})();
