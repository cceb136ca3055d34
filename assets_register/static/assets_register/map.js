/* Public maps: markers come from /api/map/ for the visible box, clustered by the server. */
(function () {
  "use strict";

  var MAX_LISTED = 100;  // more would bury the rest of the page

  function words(code) { return code.replace(/_/g, " "); }

  // Names come from imported data and residents: Leaflet reads a string as HTML, so every
  // name goes in as a text node.
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

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
    meta.textContent = words(p.category) + " · " + words(p.status);
    popup.appendChild(link);
    popup.appendChild(meta);
    marker.bindPopup(popup);
    marker.bindTooltip(asText(p.name));
    marker.link = link;

    // Keyboard and screen reader users reach each place as a named button: Enter
    // (handled by Leaflet) or Space opens its popup, focus moves to the link in it,
    // and Escape closes it again, returning focus to the marker.
    marker.on("add", function () {
      var element = marker.getElement();
      element.setAttribute("tabindex", "0");
      element.setAttribute("role", "button");
      element.setAttribute("aria-label", p.name + " (" + words(p.category) + ", " + words(p.status) + ")");
      element.addEventListener("keydown", function (event) {
        if (event.key === " ") { event.preventDefault(); marker.openPopup(); }
      });
    });
    marker.on("popupopen", function () {
      if (document.activeElement === marker.getElement()) link.focus();
    });
    popup.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { marker.closePopup(); }
    });
    marker.on("popupclose", function () {
      var element = marker.getElement();
      var active = document.activeElement;
      if (element && marker.isReplacing !== true &&
          (active === document.body || popup.contains(active))) {
        element.focus();
      }
    });
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
    marker.on("add", function () {
      marker.getElement().setAttribute("aria-label", count + " places: zoom in");
    });
    marker.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 18)); });
    return marker;
  }

  function showMarkers(map, container) {
    var api = container.dataset.api;
    var form = container.dataset.filters && document.getElementById(container.dataset.filters);
    var status = document.getElementById("map-status");
    var list = container.dataset.list && document.getElementById(container.dataset.list);
    var listed = null;  // which places the list shows, to leave it alone when they stay
    var layer = L.layerGroup().addTo(map);
    var markers = {};  // asset id -> marker currently drawn
    var controller = null;

    // Markers are redrawn whenever the map moves, including when Leaflet pans to fit
    // an opening popup. Note which place had its popup open or held the focus, so the
    // redrawn marker can carry on where the old one left off.
    function interaction() {
      var active = document.activeElement;
      var state = { id: null, popup: false, focus: null, focusWasInMap: container.contains(active) };
      Object.keys(markers).forEach(function (id) {
        var marker = markers[id];
        var popup = marker.getPopup();
        var popupElement = popup && popup.isOpen() && popup.getElement();
        if (popupElement) { state.id = id; state.popup = true; }
        if (popupElement && popupElement.contains(active)) { state.id = id; state.focus = "popup"; }
        if (marker.getElement() === active) { state.id = id; state.focus = "marker"; }
      });
      return state;
    }

    function restore(state) {
      var marker = state.id !== null && markers[state.id];
      if (marker && state.popup) {
        // Leave the view where it is: the person may be dragging the map.
        var popup = marker.getPopup();
        popup.options.autoPan = false;
        marker.openPopup();
        popup.options.autoPan = true;
      }
      if (marker && state.focus === "popup") marker.link.focus();
      else if (marker && state.focus === "marker") marker.getElement().focus();
      else if (state.focusWasInMap && !container.contains(document.activeElement)) container.focus();
    }

    function draw(data) {
      var state = interaction();
      Object.keys(markers).forEach(function (id) { markers[id].isReplacing = true; });
      layer.clearLayers();
      markers = {};
      L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          if (f.properties.cluster) return clusterMarker(f, latlng, map);
          var marker = assetMarker(f, latlng);
          markers[f.properties.id] = marker;
          return marker;
        },
      }).addTo(layer);
      restore(state);
    }

    // The same places as a list of links, for keyboard and screen reader users: every
    // place in view, by name, or a note when there are too many to list.
    function listPlaces(data) {
      if (!list) return;
      var tooMany = data.clustered || data.total > MAX_LISTED;
      var places = tooMany ? [] : data.features
        .filter(function (f) { return !f.properties.cluster; })
        .map(function (f) { return f.properties; })
        .sort(function (a, b) { return a.name.localeCompare(b.name, "en-GB"); });
      var key = tooMany ? "too many" : places.map(function (p) { return p.id; }).join();
      list.hidden = false;
      if (key === listed) return;
      listed = key;
      var items = list.querySelector("ul");
      var note = list.querySelector(".map-list-note");
      items.textContent = "";
      places.forEach(function (p) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = p.name;
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = words(p.category) + ", " + words(p.status);
        item.append(link, " ", meta);
        items.appendChild(item);
      });
      items.hidden = !places.length;
      note.textContent = tooMany
        ? "Too many places to list here: zoom in on the map, or search by postcode or name."
        : places.length ? "" : "No places in view.";
      note.hidden = !note.textContent;
    }

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
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          draw(data);
          listPlaces(data);
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
      var outline = L.geoJSON(data, {
        style: { color: "#005ea5", weight: 2, fillOpacity: 0.05 }, interactive: false,
      });
      outline.addTo(map);
      map.fitBounds(outline.getBounds());
    } else if (container.dataset.lat) {
      map.setView([+container.dataset.lat, +container.dataset.lon], +(container.dataset.zoom || 15));
    }
    showMarkers(map, container);
  };
})();
