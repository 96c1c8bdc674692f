// The formatting layer on the browser side: numbers as the page's language writes them, the
// same rules as dxgov/core/formats.py (1.234.567,8 and 87,3% on a Vietnamese page; 1,234,567.8
// on an English one). Charts (ECharts axes, tooltips, legends) take every figure through here.
(function () {
  "use strict";

  function lang() {
    var code = (document.documentElement.getAttribute("lang") || "vi").toLowerCase();
    return code.indexOf("en") === 0 ? "en" : "vi";
  }

  // Places: a number gives that many; null gives as many as the value has, at most two.
  function number(value, places) {
    if (value === null || value === undefined || value === "" || isNaN(Number(value))) {
      return "—";
    }
    var figure = Number(value);
    if (places === null || places === undefined) {
      places = 0;
      var rounded = Math.round(figure * 100) / 100;
      if (rounded !== Math.round(rounded)) {
        places = Math.round(rounded * 10) === rounded * 10 ? 1 : 2;
      }
    }
    var fixed = Math.abs(figure).toFixed(places);
    var parts = fixed.split(".");
    var vi = lang() === "vi";
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, vi ? "." : ",");
    var text = whole + (parts[1] ? (vi ? "," : ".") + parts[1] : "");
    var negative = figure < 0 && Number(fixed) !== 0;
    return (negative ? "-" : "") + text;
  }

  function percent(value, places) {
    var text = number(value, places === undefined ? 1 : places);
    return text === "—" ? text : text + "%";
  }

  // Money in đồng: "12,5 tỷ đồng", "350 triệu đồng", "950.000 đồng".
  function money(value) {
    if (value === null || value === undefined || isNaN(Number(value))) {
      return "—";
    }
    var amount = Number(value);
    var vi = lang() === "vi";
    var steps = [
      [1e9, vi ? "tỷ đồng" : "billion dong"],
      [1e6, vi ? "triệu đồng" : "million dong"],
    ];
    for (var i = 0; i < steps.length; i++) {
      if (Math.abs(amount) >= steps[i][0]) {
        var scaled = amount / steps[i][0];
        var text = number(scaled, Math.abs(scaled) < 100 ? 1 : 0);
        text = text.replace(vi ? /,0$/ : /\.0$/, "");
        return text + " " + steps[i][1];
      }
    }
    return number(amount, 0) + (vi ? " đồng" : " dong");
  }

  // An axis label: large numbers shortened the way the page's readers say them (1,2 triệu).
  function axis(value) {
    var figure = Number(value);
    var vi = lang() === "vi";
    if (Math.abs(figure) >= 1e9) {
      return number(figure / 1e9, null) + (vi ? " tỷ" : " bn");
    }
    if (Math.abs(figure) >= 1e6) {
      return number(figure / 1e6, null) + (vi ? " triệu" : " m");
    }
    return number(figure, null);
  }

  // Every chart's figures through the formatter above: value axes, tooltips, the chart's
  // description for screen readers (the table next to it holds the figures). Category axes
  // show every label, in full, wrapped when long (horizontal bars grow with their count).
  // data-unit on the element: "%" (shares), "money" (đồng) or nothing.
  function chart(element, option) {
    var unit = element.getAttribute("data-unit") || "";
    var shown = function (value) {
      if (value === null || value === undefined || value === "-") {
        return "—";
      }
      if (unit === "money") {
        return money(value);
      }
      return unit === "%" ? percent(value, null) : number(value, null);
    };
    var horizontal = false;
    ["xAxis", "yAxis"].forEach(function (key) {
      [].concat(option[key] || []).forEach(function (axisOption) {
        axisOption.axisLabel = axisOption.axisLabel || {};
        if (axisOption.type === "value") {
          axisOption.axisLabel.formatter = axisOption.axisLabel.formatter || axis;
        } else if (axisOption.type === "category") {
          axisOption.axisLabel.interval = 0;
          if (key === "yAxis") {
            horizontal = true;
            // At most 220 px, and never more than two fifths of a phone's narrow chart.
            var room = Math.round((element.clientWidth || 600) * 0.4);
            axisOption.axisLabel.width = axisOption.axisLabel.width || Math.min(220, room);
            axisOption.axisLabel.lineHeight = 14;
            axisOption.axisLabel.overflow = "break";
          } else {
            axisOption.axisLabel.hideOverlap = true;
          }
        }
      });
    });
    option.grid = option.grid || {};
    option.grid.containLabel = true;
    if (option.grid.left === undefined || typeof option.grid.left === "number") {
      option.grid.left = horizontal ? 24 : 8;  // room for a wrapped label's widest line
    }
    if (typeof option.grid.right !== "number" || option.grid.right < 28) {
      option.grid.right = 28;  // the value axis's unit ("%") at its end
    }
    option.tooltip = option.tooltip || { trigger: "axis" };
    option.tooltip.valueFormatter = shown;
    // The wall is read from across the room: larger figures, and each chart fills its place.
    var wall = document.documentElement.classList.contains("wall");
    option.textStyle = { fontFamily: "Be Vietnam Pro, system-ui, sans-serif", fontSize: wall ? 17 : 12 };
    if (wall) {
      ["xAxis", "yAxis"].forEach(function (key) {
        [].concat(option[key] || []).forEach(function (axisOption) {
          axisOption.axisLabel.fontSize = 16;
        });
      });
      if (option.legend) { option.legend.textStyle = { fontSize: 16 }; }
      (option.series || []).forEach(function (series) {
        if (series.type === "pie") {
          series.radius = ["32%", "58%"];
          series.label = { fontSize: 16, width: 170, overflow: "break", lineHeight: 18 };
        }
      });
    }
    option.aria = {
      enabled: true,
      label: { description: element.getAttribute("aria-label") || "" },
    };
    if (horizontal && !wall && !element.getAttribute("data-fixed-height")) {
      var categories = [].concat(option.yAxis)[0].data || [];
      // Room for two lines of label a bar: a long name wraps, never overlaps the next.
      var perBar = (element.clientWidth || 600) < 500 ? 52 : 34;  // a phone wraps names more
      element.style.height = Math.max(200, categories.length * perBar + 60) + "px";
    }
    var instance = window.echarts.init(element, null, {
      renderer: "canvas",
      locale: lang() === "vi" ? "VI" : "EN",
    });
    instance.setOption(option);
    window.addEventListener("resize", function () {
      instance.resize();
    });
    return instance;
  }

  window.dxFormat = {
    lang: lang,
    number: number,
    percent: percent,
    money: money,
    axis: axis,
    chart: chart,
  };
})();
