"""Council, ward and home pages build only what they show: a page of places, the wards
(neighbourhoods on their own pages), the newest closures; in a bounded number of queries
however many places an area holds."""

import datetime

import pytest

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets_register.models import AreaKind, Category, EventKind, PendingRecompute, Status
from assets_register.register import views

from ..factories import (
    AreaFactory,
    AreaIndicatorDetailFactory,
    AreaIndicatorFactory,
    AssetEventFactory,
    AssetFactory,
    CouncilFactory,
    IndicatorSnapshotFactory,
    PostcodeLocationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    council = CouncilFactory(name="Wearside")
    for name in ("Hetton", "Easington"):
        AreaFactory(name=name, parent=council)
    for n in range(3):
        AreaFactory(kind=AreaKind.LSOA, name=f"Wearside 00{n}A", parent=council)
    return council


def fill(area, count, start=0, closed=True):
    for n in range(start, start + count):
        pub = AssetFactory(name=f"Pub {n:03d}", council=area)
        if closed:
            AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=datetime.date(2021, 1, 1))


def area_page(client, area, **query):
    return client.get(reverse("area_detail", args=[area.gss_code]), query)


def test_council_page_queries_do_not_grow_with_its_places(
    client, council, django_assert_max_num_queries
):
    AreaIndicatorFactory(area=council)
    fill(council, 5)
    with django_assert_max_num_queries(16) as few:
        area_page(client, council)
    fill(council, 120, start=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = area_page(client, council).content.decode()
    assert html.count('href="/assets/') < 125 and "Places 1 to 50 of 125" in html


def test_council_page_lists_its_places_a_page_at_a_time(client, council):
    fill(council, 60, closed=False)
    AssetFactory(name="Aardvark Library", category=Category.LIBRARY, council=council)
    first = area_page(client, council).content.decode()
    assert "Places 1 to 50 of 61, by kind and name." in first
    assert "Aardvark Library" in first  # by kind: libraries before pubs
    assert "Pub 000" in first and "Pub 048" in first and "Pub 049" not in first
    assert 'href="?page=2#assets-heading" rel="next"' in first
    second = area_page(client, council, page=2).content.decode()
    assert "Places 51 to 61 of 61" in second
    assert "Pub 049" in second and "Pub 059" in second and "Pub 048" not in second
    assert "Aardvark Library" not in second
    assert 'href="?page=1#assets-heading" rel="prev"' in second
    assert "Pub 049" not in area_page(client, council, page="junk").content.decode()


def test_page_links_keep_the_postcode_searched_for(client, council):
    PostcodeLocationFactory(postcode="DH7 6LQ")
    fill(council, 51, closed=False)
    html = area_page(client, council, postcode="dh76lq").content.decode()
    assert 'href="?postcode=DH7+6LQ&amp;page=2#assets-heading"' in html


def test_council_page_lists_wards_only_and_counts_its_neighbourhoods(client, council):
    html = area_page(client, council).content.decode()
    assert "Easington" in html and "Hetton" in html
    assert "Wearside 001A" not in html
    url = reverse("area_neighbourhoods", args=[council.gss_code])
    assert f'<a href="{url}">3 neighbourhoods (LSOAs) in Wearside</a>' in html


def test_neighbourhoods_have_their_own_pages(client, council, monkeypatch):
    monkeypatch.setattr(views, "NEIGHBOURHOODS_PER_PAGE", 2)
    url = reverse("area_neighbourhoods", args=[council.gss_code])
    first = client.get(url).content.decode()
    assert "Wearside 000A" in first and "Wearside 001A" in first
    assert "Wearside 002A" not in first and "Hetton" not in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "Wearside 002A" in second and "Wearside 000A" not in second
    ward = council.children.get(name="Hetton")
    assert client.get(reverse("area_neighbourhoods", args=[ward.gss_code])).status_code == 404


def test_a_ward_page_has_no_wards_section(client, council):
    ward = council.children.get(name="Hetton")
    html = area_page(client, ward).content.decode()
    assert 'id="wards-heading"' not in html


def test_home_lists_the_eight_newest_closures_of_every_kind(client, django_assert_max_num_queries):
    kinds = [EventKind.CLOSED, EventKind.DEMOLISHED, EventKind.CONVERTED]
    for n in range(12):
        AssetEventFactory(
            asset__name=f"Gone {n:02d}", kind=kinds[n % 3], date=datetime.date(2010 + n, 1, 1)
        )
    AssetEventFactory(asset__name="Draft", asset__live=False, date=datetime.date(2030, 1, 1))
    AssetEventFactory(
        asset__name="Reopened", kind=EventKind.REOPENED, date=datetime.date(2030, 1, 1)
    )
    with django_assert_max_num_queries(8):
        html = client.get(reverse("home")).content.decode()
    shown = [f"Gone {n:02d}" for n in range(12) if f"Gone {n:02d}" in html]
    assert shown == [f"Gone {n:02d}" for n in range(4, 12)]
    assert html.index("Gone 11") < html.index("Gone 04")  # newest first
    assert "Draft" not in html and "Reopened" not in html


def test_recent_closures_are_the_areas_newest_read_through_the_event_index(
    client, council, django_assert_max_num_queries
):
    """Its own places' closures only, newest first; on PostgreSQL the places are read
    first (ANY(ARRAY(...))), not hash-joined against every closure in England."""
    elsewhere = AssetFactory(name="Elsewhere Arms", council=CouncilFactory(name="Other"))
    AssetEventFactory(asset=elsewhere, kind=EventKind.CLOSED, date=datetime.date(2024, 1, 1))
    for n in range(22):
        AssetEventFactory(
            asset=AssetFactory(name=f"Pub {n:03d}", council=council),
            kind=EventKind.DEMOLISHED if n % 2 else EventKind.CLOSED,
            date=datetime.date(2000, 1, 1) + datetime.timedelta(days=100 * n),
        )
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("area_detail", args=[council.gss_code])).content.decode()
    section = html.split('id="closures-heading"')[1].split("</section>")[0]
    listed = [item.split("</a>")[0].split(">")[-1] for item in section.split("<li>")[1:]]
    assert listed == [f"Pub {n:03d}" for n in range(21, 1, -1)]
    if connection.vendor == "postgresql":
        assert any("= ANY(ARRAY(SELECT" in query["sql"] for query in queries)


def test_rows_show_the_labels_of_their_choices():
    """Asset and event rows read their labels from dicts, as Django's own display would."""
    for value, label in Category.choices:
        assert AssetFactory.build(category=value).get_category_display() == label
    for value, label in Status.choices:
        assert AssetFactory.build(status=value).get_status_display() == label
    for value, label in EventKind.choices:
        assert AssetEventFactory.build(kind=value).get_kind_display() == label
    assert AssetFactory.build(category="unknown").get_category_display() == "unknown"


def test_an_area_page_runs_its_fixed_queries_compiled_once(client, council, monkeypatch):
    """Its area, status counts, page of places, snapshot, figures, wards, neighbourhoods
    and stored lists of closures are SQL compiled by the first view of any council's page
    (core.prepared): a second council's page compiles none."""
    other = CouncilFactory(name="Tyneside")
    snapshot = IndicatorSnapshotFactory()  # both councils' figures and lists in the newest
    for area in (council, other):
        AreaIndicatorDetailFactory(area=area, snapshot=snapshot)
        AreaIndicatorFactory(area=area, snapshot=snapshot)
        fill(area, 3)
    PendingRecompute.objects.all().delete()  # the snapshot's own lists, no recount
    area_page(client, council)
    compiled = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda *a, **k: compiled.append(a[0].query) or as_sql(*a, **k)
    )
    with CaptureQueriesContext(connection) as queries:
        html = area_page(client, other).content.decode()
    assert "Tyneside" in html and "Pub 002" in html
    assert "Places to meet that closed since" in html  # its figures, from the snapshot
    assert compiled == []
    assert len(queries) == 9
