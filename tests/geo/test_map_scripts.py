from django.template import engines
from django.test import override_settings


def render(source):
    return engines["django"].from_string(source).render({})


def test_map_scripts_are_the_map_include_rendered_once():
    once = render("{% load register_maps %}{% map_scripts %}")
    assert once == render('{% include "includes/map.html" %}')
    assert "leaflet.js" in once and "assets_register/map_boot.js" in once


def test_map_scripts_follow_the_static_url():
    with override_settings(STATIC_URL="/elsewhere/"):
        moved = render("{% load register_maps %}{% map_scripts %}")
    assert 'src="/elsewhere/assets_register/map_boot.js"' in moved
    assert "/elsewhere/" not in render("{% load register_maps %}{% map_scripts %}")


def test_map_options_are_django_leaflets_for_each_map():
    from leaflet.templatetags.leaflet_tags import leaflet_map

    for name in ("m", "n", "m"):
        options = render(f'{{% load register_maps %}}{{% leaflet_map_options "{name}" "boot" %}}')
        assert f'<script id="{name}-options" type="application/json">' in options
        assert f'"name": "{name}", "callback": "boot"' in options
        djoptions = leaflet_map(name, creatediv=False)["djoptions"]
        assert f'"djoptions": {djoptions}}}</script>' in options
