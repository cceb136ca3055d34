"""The admin's map pin picker (django-leaflet's bundled Leaflet, no GDAL)."""

from django import forms
from django.conf import settings


class LocationPickerWidget(forms.NumberInput):
    """A latitude input with a map beneath it; clicking or dragging the pin fills in
    both the latitude and the longitude field of the same form."""

    template_name = "assets_register/widgets/location_picker.html"

    def __init__(self, longitude_field="longitude", attrs=None):
        super().__init__(attrs={"step": "0.000001", **(attrs or {})})
        self.longitude_field = longitude_field

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            longitude_id=f"id_{self.longitude_field}",
            tiles_url=settings.MAP_TILES_URL,
            tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
        )
        return context

    class Media:
        css = {"all": ["leaflet/leaflet.css"]}
        js = ["leaflet/leaflet.js", "assets_register/location_picker.js"]
