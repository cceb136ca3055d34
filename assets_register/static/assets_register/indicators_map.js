/* The choropleth on /indicators/: area outlines coloured by the server, which also
   writes the legend, so the map needs no tiles and no colour logic of its own. */
(function () {
  "use strict";

  function outline(feature) {
    return { color: "#505a5f", weight: 1, fillColor: feature.properties.colour, fillOpacity: 0.8 };
  }

  // A tooltip given a string reads it as HTML; an area's name is text from imported data.
  function describe(p) {
    var text = document.createElement("span");
    text.textContent = p.name + ": " + p.label + (p.deprivation ? " · " + p.deprivation : "");
    return text;
  }

  window.indicatorMap = function (map) {
    var container = map.getContainer();
    var status = document.getElementById("map-status");
    fetch(container.dataset.geojson)
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: outline,
          onEachFeature: function (feature, path) {
            var p = feature.properties;
            path.bindTooltip(describe(p), { sticky: true });
            path.on("click", function () { window.location.href = p.url; });
            // Outlines are for the eye and the mouse; the table is the way in by keyboard.
            path.on("add", function () { path.getElement().setAttribute("data-gss", p.gss); });
          },
        }).addTo(map);
        // Fractional zoom so that one council fills the map rather than a quarter of it.
        map.options.zoomSnap = 0.25;
        if (data.features.length) map.fitBounds(layer.getBounds());
        container.dataset.loaded = String(data.features.length);
        if (status) {
          status.textContent = data.features.length + (data.features.length === 1 ? " area" : " areas") +
            " on the map. Select an area to open its page.";
        }
      })
      .catch(function () {
        container.dataset.loaded = "0";
        if (status) status.textContent = "The map could not load the areas; the table below has the same figures.";
      });
  };
})();
