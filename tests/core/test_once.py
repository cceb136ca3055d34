"""{% once %}: the layout's fixed parts rendered once per process, script prefix and
language, and the same on every page."""

import pytest

from django.template import Context, Template
from django.urls import set_script_prefix

pytestmark = pytest.mark.django_db


def test_a_part_is_rendered_once_and_shown_on_every_page():
    template = Template("{% once %}{{ first }}{% endonce %} {{ first }}")
    assert template.render(Context({"first": "A"})) == "A A"
    assert template.render(Context({"first": "B"})) == "A B"  # what it is for: fixed parts


def test_it_follows_the_script_prefix():
    template = Template("{% once %}{% url 'about_data' %}{% endonce %}")
    assert template.render(Context()) == "/about/data/"
    try:
        set_script_prefix("/register/")
        assert template.render(Context()) == "/register/about/data/"
    finally:
        set_script_prefix("/")
    assert template.render(Context()) == "/about/data/"


def test_every_page_has_the_layouts_header_and_footer(client):
    for path in ("/about/data/", "/search/?q=x", "/acv/"):
        page = client.get(path).content.decode()
        assert '<a class="brand" href="/">' in page
        assert '<link rel="stylesheet" href="/static/assets_register/site.css">' in page
        assert '<a href="/about/coverage/">What the register covers</a>' in page


def test_a_changed_setting_renders_it_again(settings):
    template = Template("{% once %}{{ site_name }}{% endonce %}")
    assert template.render(Context({"site_name": "A"})) == "A"
    settings.WAGTAIL_SITE_NAME = "B"
    assert template.render(Context({"site_name": "B"})) == "B"
