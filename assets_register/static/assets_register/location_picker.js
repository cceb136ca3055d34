/* Admin pin picker: keeps a draggable marker and the latitude/longitude inputs in step. */
(function () {
  "use strict";
  function init(element) {
    if (element.dataset.ready) return;
    element.dataset.ready = "1";
    var lat = document.getElementById(element.dataset.latitudeId);
    var lon = document.getElementById(element.dataset.longitudeId);
    var map = L.map(element);
    if (element.dataset.tilesUrl) {
      L.tileLayer(element.dataset.tilesUrl, { attribution: element.dataset.tilesAttribution }).addTo(map);
    }
    var marker = null;
    function place(latlng, write) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, title: "Location pin" }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), true); });
      }
      marker.setLatLng(latlng);
      if (write) {
        lat.value = latlng.lat.toFixed(6);
        lon.value = latlng.lng.toFixed(6);
        lat.dispatchEvent(new Event("change", { bubbles: true }));
        lon.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    function fromInputs() {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (!isNaN(a) && !isNaN(b)) { place(L.latLng(a, b), false); return true; }
      return false;
    }
    if (fromInputs()) map.setView(marker.getLatLng(), 16); else map.setView([53.0, -1.5], 6);
    map.on("click", function (event) { place(event.latlng, true); });
    [lat, lon].forEach(function (input) { input.addEventListener("input", fromInputs); });
  }
  function initAll() { document.querySelectorAll("[data-location-picker]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
