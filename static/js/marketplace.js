/* Marketplace onboarding dashboard: businesses onboarded to date against the target, by month,
   and per province on the map (province-map.js) — ECharts, vendored; data from the
   #onboarding-chart JSON rendered with the page. */
(function () {
  "use strict";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function thousands(value) {
    return value === null || value === undefined ? "–" : String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function draw() {
    var source = document.getElementById("onboarding-chart");
    var element = document.querySelector("[data-chart=onboarding]");
    if (!source || !element || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(element, null, { renderer: "svg" });
    var series = [{ type: "line", name: data.labels.onboarded, data: data.onboarded, itemStyle: { color: "#0b3d91" }, areaStyle: { opacity: 0.08 }, symbolSize: 8 }];
    if (data.target.length) series.unshift({ type: "line", name: data.labels.target, data: data.target, lineStyle: { type: "dashed" }, itemStyle: { color: "#7f8c8d" }, symbolSize: 5 });
    chart.setOption({
      animation: !still, legend: { top: 0 }, grid: { left: 10, right: 20, top: element.clientWidth < 500 ? 55 : 30, bottom: 10, containLabel: true },  // the legend takes two lines on a phone
      tooltip: { trigger: "axis", valueFormatter: thousands },
      xAxis: { type: "category", data: data.months }, yAxis: { type: "value", axisLabel: { formatter: thousands } }, series: series
    });
    var charts = [chart];
    var mapElement = document.querySelector("[data-chart=onboarding-map]");
    var script = document.getElementById("marketplace-script");
    if (mapElement && script && window.PortalMap) {
      charts.push(window.PortalMap.draw(mapElement, script.getAttribute("data-map-url"), data.map || [],
                                        { label: data.labels.map, merged: data.labels.merged, format: "count", min: 0, colors: ["#eef3fb", "#6d9eeb", "#0b3d91"] }));
    }
    window.addEventListener("resize", function () { charts.forEach(function (each) { each.resize(); }); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
