/* Impact dashboard charts (ECharts, vendored). Data comes from the #impact-charts JSON the
   server renders with the page body; charts are drawn again whenever htmx swaps the body. */
(function () {
  "use strict";
  var script = document.getElementById("impact-script");
  var mapUrl = script ? script.getAttribute("data-map-url") : null;
  var mapReady = null;
  var charts = [];
  var lang = document.documentElement.lang || "id";
  var decimal = lang.indexOf("en") === 0 ? "." : ",";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function pct(value) {
    if (value === null || value === undefined) return "–";
    return (value * 100).toFixed(1).replace(".", decimal) + " %";
  }
  function thousands(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function loadMap() {
    if (!mapReady) {
      mapReady = fetch(mapUrl).then(function (response) { return response.json(); }).then(function (topology) {
        var geo = topojson.feature(topology, topology.objects.provinces);
        geo.features.forEach(function (feature) { feature.properties.name = feature.properties.kode; });
        echarts.registerMap("indonesia-2020", geo);
      });
    }
    return mapReady;
  }

  // Every category named under its bar, wrapped over lines rather than cut or skipped.
  var CATEGORY_LABELS = { interval: 0, width: 80, overflow: "break", lineHeight: 13, fontSize: 11 };

  function barOption(items, labels, field, horizontal) {
    var names = items.map(function (item) { return item.label; });
    var values = items.map(function (item) { return item[field]; });
    // Long names wrap onto a second line instead of being cut ("Kerajinan & a...").
    var category = { type: "category", data: names, axisLabel: { width: 150, overflow: "break", lineHeight: 13 } };
    var value = { type: "value", axisLabel: { formatter: field === "count" ? thousands : pct } };
    return {
      grid: { left: 10, right: 30, top: 30, bottom: horizontal ? 20 : 10, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: field === "count" ? thousands : pct },
      xAxis: horizontal ? value : Object.assign(category, { axisLabel: CATEGORY_LABELS }),
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: [{ type: "bar", data: values, name: field === "count" ? labels.businesses : labels.decline, itemStyle: { color: "#0b3d91" },
                 label: { show: true, position: horizontal ? "right" : "top", formatter: function (p) { return field === "count" ? thousands(p.value) : pct(p.value); }, fontSize: 10 } }]
    };
  }

  function declineOption(items, labels) {
    return {
      legend: { top: 0 },
      grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: pct },
      xAxis: { type: "category", data: items.map(function (i) { return i.label; }), axisLabel: CATEGORY_LABELS },
      yAxis: { type: "value", axisLabel: { formatter: pct } },
      series: [
        { type: "bar", name: labels.decline, data: items.map(function (i) { return i.decline; }), itemStyle: { color: "#c0392b" } },
        { type: "bar", name: labels.median, data: items.map(function (i) { return i.median; }), itemStyle: { color: "#f39c12" } }
      ]
    };
  }

  function trendOption(items, labels) {
    var option = declineOption(items, labels);
    option.series.forEach(function (series) { series.type = "line"; series.symbolSize = 8; });
    option.xAxis.axisLabel = {};
    return option;
  }

  function mapOption(shapes, labels) {
    // Colour over the range the provinces span (rounded to 10 %), so differences show.
    var values = shapes.map(function (s) { return s.decline; }).filter(function (v) { return v !== null; });
    var low = values.length ? Math.floor(Math.min.apply(null, values) * 10) / 10 : 0;
    var high = values.length ? Math.ceil(Math.max.apply(null, values) * 10) / 10 : 1;
    if (high <= low) high = low + 0.1;
    return {
      tooltip: {
        formatter: function (p) {
          var d = p.data;
          if (!d) return p.name;
          var text = "<b>" + d.label + "</b><br>" + labels.decline + ": " + pct(d.value) + "<br>" + labels.responses + ": " + thousands(d.responses);
          if (d.members.length > 1) text += "<br><small>" + labels.merged + ": " + d.members.join(", ") + "</small>";
          return text;
        }
      },
      visualMap: { min: low, max: high, left: 10, bottom: 0, calculable: false, itemHeight: 70, orient: "horizontal",
                   text: [pct(high), pct(low)], inRange: { color: ["#fff5eb", "#fdae6b", "#e6550d", "#7f2704"] }, outOfRange: { color: "#ddd" } },
      series: [{
        type: "map", map: "indonesia-2020", roam: false, aspectScale: 1, left: 5, right: 5, top: 5, bottom: 45,
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#0b3d91" } }, select: { disabled: true },
        data: shapes.map(function (s) { return { name: s.code, value: s.decline, label: s.name, responses: s.responses, members: s.members }; })
      }]
    };
  }

  function show(chart, option) {
    option.animation = !still;  // charts grow into place unless the user asked for less motion
    chart.setOption(option);
  }

  function draw() {
    charts.forEach(function (chart) { chart.dispose(); });
    charts = [];
    var source = document.getElementById("impact-charts");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var labels = data.labels || {};
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var kind = element.getAttribute("data-chart");
      var chart = echarts.init(element, null, { renderer: "svg" });
      charts.push(chart);
      if (kind === "map") {
        loadMap().then(function () {
          show(chart, mapOption(data.map || [], labels));
          chart.on("click", function (params) {
            var url = element.getAttribute("data-province-url");
            if (params.data && url) window.location = url.replace("/00/", "/" + params.data.name + "/");
          });
        });
      } else if (kind === "sectors" || kind === "scales") {
        show(chart, declineOption(data[kind] || [], labels));
      } else if (kind === "trend") {
        show(chart, trendOption(data.trend || [], labels));
      } else {
        show(chart, barOption(data[kind] || [], labels, "count", true));
      }
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
  // Drawn again at the paper's width for printing, and back at the window's afterwards.
  window.addEventListener("beforeprint", function () { charts.forEach(function (chart) { chart.resize({ width: 640 }); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (chart) { chart.resize(); }); });
  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && (event.target.id === "impact-body" || event.target.querySelector && event.target.querySelector("#impact-charts"))) draw();
  });
})();
