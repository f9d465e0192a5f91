/* Budget pages' charts (ECharts, vendored): absorption on the province map (ranking, drawn by
   province-map.js) and the cumulative realisation against the withdrawal plan (province
   page). Data comes from the #budget-charts JSON the server renders with the page. */
(function () {
  "use strict";
  var script = document.getElementById("budget-script");
  var mapUrl = script ? script.getAttribute("data-map-url") : null;
  var lang = document.documentElement.lang || "id";
  var decimal = lang.indexOf("en") === 0 ? "." : ",";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = [];

  function rupiahShort(value) {
    if (value === null || value === undefined) return "–";
    var units = lang.indexOf("en") === 0 ? [[1e12, " T"], [1e9, " bn"], [1e6, " m"]] : [[1e12, " T"], [1e9, " M"], [1e6, " jt"]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(value) >= units[i][0]) return "Rp " + (value / units[i][0]).toFixed(1).replace(".", decimal) + units[i][1];
    }
    return "Rp " + String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function curveOption(points, labels) {
    return {
      legend: { top: 0 },
      grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: rupiahShort },
      xAxis: { type: "category", data: labels.months.map(function (m) { return m.slice(0, 3); }) },
      yAxis: { type: "value", axisLabel: { formatter: rupiahShort } },
      series: [
        { type: "line", name: labels.planned, data: points.map(function (p) { return p.planned; }), lineStyle: { type: "dashed" }, itemStyle: { color: "#7f8c8d" }, symbolSize: 6 },
        { type: "line", name: labels.realised, data: points.map(function (p) { return p.realised; }), itemStyle: { color: "#0b3d91" }, areaStyle: { opacity: 0.08 }, symbolSize: 8 }
      ]
    };
  }

  function show(chart, option) {
    option.animation = !still;
    chart.setOption(option);
  }

  function draw() {
    var source = document.getElementById("budget-charts");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var labels = data.labels || {};
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var kind = element.getAttribute("data-chart");
      if (kind === "absorption-map" && mapUrl && window.PortalMap) {
        var shapes = (data.map || []).map(function (s) { return { code: s.code, name: s.name, value: s.absorption, members: s.members }; });
        charts.push(window.PortalMap.draw(element, mapUrl, shapes, { label: labels.absorption, merged: labels.merged, format: "percent", min: 0.5, max: 1,
                                                                      colors: ["#c0392b", "#f1c40f", "#27ae60"] }));
      } else if (kind === "curve") {
        var chart = echarts.init(element, null, { renderer: "svg" });
        charts.push(chart);
        show(chart, curveOption(data.curve || [], labels));
      }
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (chart) { chart.resize({ width: 640 }); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (chart) { chart.resize(); }); });
  document.addEventListener("DOMContentLoaded", draw);
})();
