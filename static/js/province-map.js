/* The 2020 province map (34 shapes, TopoJSON vendored under static/maps) coloured by one
   figure, for the budget and marketplace pages: PortalMap.draw(element, mapUrl, shapes,
   options) with shapes [{code, name, value, members}] and options {label, merged, format
   ("percent" or "count"), min, max, colors}. Returns the ECharts instance (drawn once the
   map file is loaded). */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "id";
  var decimal = lang.indexOf("en") === 0 ? "." : ",";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var loaded = {};

  function percent(value) {
    return value === null || value === undefined ? "–" : (value * 100).toFixed(1).replace(".", decimal) + " %";
  }
  function count(value) {
    return value === null || value === undefined ? "–" : String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function load(mapUrl) {
    if (!loaded[mapUrl]) {
      loaded[mapUrl] = fetch(mapUrl).then(function (response) { return response.json(); }).then(function (topology) {
        var geo = topojson.feature(topology, topology.objects.provinces);
        geo.features.forEach(function (feature) { feature.properties.name = feature.properties.kode; });
        echarts.registerMap("indonesia-2020", geo);
      });
    }
    return loaded[mapUrl];
  }

  function draw(element, mapUrl, shapes, options) {
    var format = options.format === "count" ? count : percent;
    var values = shapes.map(function (s) { return s.value; }).filter(function (v) { return v !== null && v !== undefined; });
    var low = options.min !== undefined ? options.min : (values.length ? Math.min.apply(null, values) : 0);
    var high = options.max !== undefined ? options.max : (values.length ? Math.max.apply(null, values) : 1);
    if (high <= low) high = low + 1;
    var chart = echarts.init(element, null, { renderer: "svg" });
    load(mapUrl).then(function () {
      chart.setOption({
        animation: !still,
        tooltip: {
          formatter: function (p) {
            var d = p.data;
            if (!d) return p.name;
            var text = "<b>" + d.label + "</b><br>" + options.label + ": " + format(d.value);
            if (d.members.length > 1) text += "<br><small>" + options.merged + ": " + d.members.join(", ") + "</small>";
            return text;
          }
        },
        visualMap: { min: low, max: high, left: 10, bottom: 0, calculable: false, itemHeight: 70, orient: "horizontal",
                     text: [format(high), format(low)], inRange: { color: options.colors }, outOfRange: { color: [options.colors[0]] } },
        series: [{
          type: "map", map: "indonesia-2020", roam: false, aspectScale: 1, left: 5, right: 5, top: 5, bottom: 45,
          emphasis: { label: { show: false }, itemStyle: { areaColor: "#0b3d91" } }, select: { disabled: true },
          data: shapes.map(function (s) { return { name: s.code, value: s.value, label: s.name, members: s.members }; })
        }]
      });
    });
    return chart;
  }

  window.PortalMap = { draw: draw };
})();
