"""Maps without inline scripts: django-leaflet's map options as inert JSON, started by
map_boot.js, so the Content Security Policy needs no nonce and pages can be cached whole."""

import json

from leaflet.templatetags.leaflet_tags import leaflet_map

from django import template
from django.utils.html import json_script

register = template.Library()


@register.simple_tag
def leaflet_map_options(name, callback):
    """What {% leaflet_map %} would put in an inline script, for map_boot.js to read."""
    options = leaflet_map(name, creatediv=False)
    return json_script(
        {"name": name, "callback": callback, "djoptions": json.loads(options["djoptions"])},
        f"{name}-options",
    )
