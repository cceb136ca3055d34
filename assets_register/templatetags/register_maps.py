"""Maps without inline scripts: django-leaflet's map options as inert JSON, started by
map_boot.js, so the Content Security Policy needs no nonce and pages can be cached whole."""

import functools
import json

from leaflet.templatetags.leaflet_tags import leaflet_map

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.html import json_script
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def leaflet_map_options(name, callback):
    """What {% leaflet_map %} would put in an inline script, for map_boot.js to read:
    worked out once a process per map and language (0.2 ms, a tenth of a place's page)."""
    return _map_options(name, callback, get_language())


@functools.cache
def _map_options(name, callback, language):
    options = leaflet_map(name, creatediv=False)
    return json_script(
        {"name": name, "callback": callback, "djoptions": json.loads(options["djoptions"])},
        f"{name}-options",
    )


@register.simple_tag
def map_scripts():
    """Leaflet's and the site's map styles and scripts (includes/map.html): the same on
    every page with a map, so rendered once a process instead of once a page (0.8 ms)."""
    return _map_scripts(get_language())


@functools.cache
def _map_scripts(language):
    return render_to_string("includes/map.html")


@receiver(setting_changed)
def _forget_map_scripts(**kwargs):  # they follow STATIC_URL and LEAFLET_CONFIG
    _map_scripts.cache_clear()
    _map_options.cache_clear()
