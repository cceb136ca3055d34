/* Public maps: markers come from /api/map/ for the visible box, clustered by the server. */
(function () {
  "use strict";

  function assetMarker(feature, latlng) {
    var p = feature.properties;
    var marker = L.circleMarker(latlng, {
      radius: 7, weight: 2, color: "#1d1d1b", fillOpacity: 0.9,
      className: "asset-marker status-" + p.status,
    });
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.name;
    var meta = document.createElement("div");
    meta.textContent = p.category.replace(/_/g, " ") + " · " + p.status.replace(/_/g, " ");
    popup.appendChild(link);
    popup.appendChild(meta);
    marker.bindPopup(popup);
    marker.bindTooltip(p.name);
    return marker;
  }

  function clusterMarker(feature, latlng, map) {
    var count = feature.properties.count;
    var size = count < 10 ? 30 : count < 100 ? 38 : count < 1000 ? 46 : 54;
    var marker = L.marker(latlng, {
      icon: L.divIcon({
        html: "<span>" + count + "</span>", className: "cluster-marker",
        iconSize: [size, size],
      }),
      title: count + " places: zoom in", keyboard: true,
    });
    marker.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 18)); });
    return marker;
  }

  function showMarkers(map, container) {
    var api = container.dataset.api;
    var form = container.dataset.filters && document.getElementById(container.dataset.filters);
    var status = document.getElementById("map-status");
    var layer = L.layerGroup().addTo(map);
    var controller = null;

    function refresh() {
      var b = map.getBounds();
      var params = new URLSearchParams();
      params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
        .map(function (v) { return v.toFixed(5); }).join(","));
      params.set("zoom", map.getZoom());
      if (form) new FormData(form).forEach(function (v, k) { params.append(k, v); });
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(api + "?" + params.toString(), { signal: controller.signal })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          layer.clearLayers();
          L.geoJSON(data, {
            pointToLayer: function (f, latlng) {
              return f.properties.cluster ? clusterMarker(f, latlng, map) : assetMarker(f, latlng);
            },
          }).addTo(layer);
          container.dataset.loaded = String(data.total);
          if (status) {
            status.textContent = data.total + (data.total === 1 ? " place" : " places") +
              " in view" + (data.clustered ? " (grouped: zoom in to see each one)" : "") + ".";
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError" && status) status.textContent = "The map could not load places.";
        });
    }
    map.on("moveend", refresh);
    if (form) form.addEventListener("change", refresh);
    refresh();
  }

  window.registerMap = function (map) {
    var container = map.getContainer();
    var boundary = document.getElementById("area-boundary");
    var data = boundary && JSON.parse(boundary.textContent);
    if (data) {
      var outline = L.geoJSON(data, { style: { color: "#005ea5", weight: 2, fillOpacity: 0.05 } });
      outline.addTo(map);
      map.fitBounds(outline.getBounds());
    } else if (container.dataset.lat) {
      map.setView([+container.dataset.lat, +container.dataset.lon], +(container.dataset.zoom || 15));
    }
    showMarkers(map, container);
  };
})();
