"""A list's rows of places ({% place_rows %}) as the include per row wrote them, read as
values: an area's page makes no place model for its rows."""

from unittest import mock

import pytest

from django.template import Context, Template
from django.urls import reverse

from assets_register.models import Asset, Category, Status
from assets_register.models.assets import PlaceRow

from ..factories import AreaFactory, AssetFactory, CouncilFactory, PostcodeLocationFactory

pytestmark = pytest.mark.django_db


def rows(places, empty=""):
    template = Template("{% load place_rows %}{% place_rows places empty=empty %}")
    return template.render(Context({"places": places, "empty": empty}))


def test_a_row_links_names_and_labels_its_place_escaped():
    row = PlaceRow(7, "Bell & <Anchor>", Category.PUB, Status.AT_RISK, "St Mary's")
    assert rows([row]) == (
        '<li><a href="/assets/7/">Bell &amp; &lt;Anchor&gt;</a>\n'
        '  <span class="meta">Pub · St Mary&#x27;s</span>\n'
        '  <span class="status status-at_risk">Open, at risk</span>\n</li>\n'
    )


def test_a_nearest_row_gives_its_distance_as_floatformat_does():
    row = PlaceRow(8, "Library", Category.LIBRARY, Status.OPEN, None)
    assert '<span class="meta">Library · 0.3 km</span>' in rows([(row, 0.25)])  # half up
    assert rows([], empty="None nearby.") == "<li>None nearby.</li>"


def test_an_area_page_makes_no_place_model_for_its_rows(client):
    council = CouncilFactory()
    ward = AreaFactory(parent=council)
    PostcodeLocationFactory(postcode="DH7 6LQ")
    for n in range(3):
        AssetFactory(name=f"Pub {n}", council=council, ward=ward)
    with mock.patch.object(Asset, "from_db", wraps=Asset.from_db) as made:
        page = client.get(reverse("area_detail", args=[council.gss_code]), {"postcode": "DH7 6LQ"})
    assert page.content.decode().count('<span class="meta">Pub · ') == 3 + 3  # nearest too
    assert made.call_count == 0
