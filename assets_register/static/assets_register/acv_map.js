/* The national map of listed places: the points come with the page (json_script), so it
   needs no API call; a place's name goes into its popup as text, never as HTML. */
(function () {
  "use strict";
  window.acvMap = function (map) {
    var data = JSON.parse(document.getElementById("acv-listed-places").textContent);
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = p.name;
        var popup = document.createElement("div");
        popup.append(link, document.createElement("br"), p.council);
        return L.circleMarker(latlng, {
          radius: 7, weight: 2, color: "#1d1d1b", fillColor: "#005ea5", fillOpacity: 0.9,
        }).bindPopup(popup);
      },
    }).addTo(map);
    if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 13, padding: [20, 20] });
    else map.setView([52.8, -1.5], 6);
  };
})();
