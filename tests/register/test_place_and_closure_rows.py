"""A list's rows of places and closures ({% asset_rows %}, {% closure_rows %}) as the
templates wrote them, read as values: an area's page makes no place or event model for
its rows."""

import datetime
from unittest import mock

import pytest

from django.template import Context, Template
from django.urls import reverse

from assets_register.core.dates import DatePrecision
from assets_register.models import Asset, AssetEvent, Category, EventKind, Status
from assets_register.models.assets import (
    BY_PK_SLOTS,
    ClosureRow,
    PlaceRow,
    closure_rows,
    closure_rows_by_pk,
)

from ..factories import (
    AreaFactory,
    AssetEventFactory,
    AssetFactory,
    CouncilFactory,
    PostcodeLocationFactory,
)

pytestmark = pytest.mark.django_db


def rows(places, empty=""):
    template = Template("{% load asset_rows %}{% asset_rows places empty=empty %}")
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


def test_a_closure_row_says_what_closed_and_when_as_precisely_as_known():
    closure = ClosureRow(
        9,
        "Bell & Anchor",
        Category.COMMUNITY_CENTRE,
        EventKind.CONVERTED,
        datetime.date(2019, 6, 1),
        DatePrecision.MONTH,
        None,
    )
    template = Template("{% load closure_rows %}{% closure_rows events category=True %}")
    assert template.render(Context({"events": [closure]})) == (
        '<li><a href="/assets/9/">Bell &amp; Anchor</a> <span class="meta">community centre or'
        " village hall, converted to other use June 2019</span></li>"
    )


def test_an_area_page_makes_no_place_or_event_model_for_its_rows(client):
    council = CouncilFactory()
    ward = AreaFactory(parent=council)
    PostcodeLocationFactory(postcode="DH7 6LQ")
    for n in range(3):
        pub = AssetFactory(name=f"Pub {n}", council=council, ward=ward)
        AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=datetime.date(2021, 1, n + 1))
    with (
        mock.patch.object(Asset, "from_db", wraps=Asset.from_db) as places,
        mock.patch.object(AssetEvent, "from_db", wraps=AssetEvent.from_db) as events,
    ):
        page = client.get(reverse("area_detail", args=[council.gss_code]), {"postcode": "DH7 6LQ"})
    html = page.content.decode()
    assert html.count('<span class="meta">Pub · ') == 3 + 3  # nearest too
    assert '<a href="/assets/' in html and "closed 3 January 2021</span>" in html
    assert (places.call_count, events.call_count) == (0, 0)


def test_rows_by_pk_are_the_events_newest_first_however_many():
    """The compiled query pads a short list of pks with the first: each event once."""
    events = [
        AssetEventFactory(
            kind=EventKind.CLOSED, date=datetime.date(2000, 1, 1) + datetime.timedelta(days=n % 7)
        )
        for n in range(BY_PK_SLOTS + 3)
    ]
    pks = [event.pk for event in events]
    for chosen in ([], pks[:1], pks[3:9], pks[:BY_PK_SLOTS], pks):
        expected = closure_rows(AssetEvent.objects.filter(pk__in=chosen).order_by("-date", "-pk"))
        assert closure_rows_by_pk(chosen) == expected
        assert len(expected) == len(chosen)
    assert closure_rows_by_pk([pks[0], pks[0]]) == closure_rows_by_pk(pks[:1])
