/* Starts each map from the options its page carries as JSON (see register_maps.py), with
   django-leaflet's L.Map.djangoMap, once the page and every script have loaded. */
(function () {
  "use strict";
  window.addEventListener("load", function () {
    document.querySelectorAll("script[id$='-options'][type='application/json']").forEach(function (tag) {
      var options = JSON.parse(tag.textContent);
      if (!options.djoptions || !document.getElementById(options.name)) return;
      L.Map.djangoMap(options.name, {
        djoptions: options.djoptions, globals: false, callback: window[options.callback] || null,
      });
    });
  });
})();
