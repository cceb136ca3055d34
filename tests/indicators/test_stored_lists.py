"""An area page's closures and evidence come from the snapshot, worked out with its
figures, while no edit waits for a recompute; else the page counts both again. Either
way its figures and its list agree."""

import datetime

import pytest

from assets_register.indicators import compute
from assets_register.indicators.compute import Rules, area_history, recompute
from assets_register.indicators.stored import period_start, stored_history, with_stored_lists
from assets_register.indicators.tasks import claim
from assets_register.models import (
    CLOSURE_KINDS,
    AreaIndicatorDetail,
    Asset,
    AssetEvent,
    EventKind,
    IndicatorSnapshot,
    PendingRecompute,
)

from ..factories import AssetEventFactory
from .conftest import DAY, ON, place

pytestmark = pytest.mark.django_db


def recomputed():
    """The snapshot as the background recompute leaves it: the edits that built the
    register (each asked for a recompute) taken as it starts."""
    claim()
    return recompute(ON, Rules())


def page(client, area):
    return " ".join(client.get(area.get_absolute_url()).content.decode().split())


def counted_again(monkeypatch):
    """Fail the test if the page counts the area again."""

    def fail(*args, **kwargs):
        raise AssertionError("counted again")

    monkeypatch.setattr(compute, "area_history", fail)


def test_every_areas_stored_lists_are_what_a_recount_finds(register):
    snapshot = recomputed()
    rows = list(with_stored_lists(snapshot.areas.select_related("area")))
    assert len(rows) == AreaIndicatorDetail.objects.filter(snapshot=snapshot).count() == 10
    for row in rows:
        row.snapshot = snapshot
        stored = stored_history(row)
        live = area_history(Asset.objects.live().in_area(row.area), ON, period_start(snapshot))
        assert stored.evidence == live.evidence, row.area.name
        assert stored.closure_count == live.closure_count == row.closures_10y
        assert list(stored.closures) == list(live.closures), row.area.name
        newest = AssetEvent.objects.filter(kind__in=CLOSURE_KINDS).of_assets(
            Asset.objects.live().in_area(row.area)
        )
        assert stored.newest_closures == [
            event.pk for event in newest.order_by("-date", "-pk")[: AreaIndicatorDetail.LISTED]
        ], row.area.name
    abbey = next(row for row in rows if row.area == register["Abbey"])
    stored = stored_history(abbey)
    names = [event.asset.name for event in stored.closures]
    assert names == ["The Plough", "The Swan", "Abbey Library", "Abbey Hall"]
    # Recent closures: any kind of place (the post office too), live places only.
    newest = AssetEvent.objects.filter(pk__in=stored.newest_closures).order_by("-date", "-pk")
    assert [event.asset.name for event in newest] == [
        "The Plough",
        "Abbey Post Office",
        "The Swan",
        "Abbey Library",
        "Abbey Hall",
    ]


def test_an_area_keeps_its_newest_closures_and_counts_them_all(client, register):
    abbey = register["Abbey"]
    areas = (register["Northtown"], abbey, register["Abbey North"])
    for n in range(25):
        closed = datetime.date(2023, 1, 1) + datetime.timedelta(days=n)
        place(f"Pub {n:02}", areas, events=[(EventKind.CLOSED, closed, DAY)])
    snapshot = recomputed()
    detail = AreaIndicatorDetail.objects.get(snapshot=snapshot, area=abbey)
    kept = detail.places_lost
    assert len(detail.newest_closures) == AreaIndicatorDetail.LISTED
    live = area_history(Asset.objects.live().in_area(abbey), ON, period_start(snapshot))
    assert kept == [event.pk for event in live.closures[: AreaIndicatorDetail.LISTED]]
    assert live.closure_count == snapshot.areas.get(area=abbey).closures_10y == 29
    html = page(client, abbey)
    assert "The 20 most recent of 29." in html
    assert html.index("Pub 24") < html.index("Pub 05")
    assert "Pub 04" not in html.split("closed since")[1].split("</ul>")[0]


def test_the_page_reads_the_snapshot_while_no_edit_waits(client, register, monkeypatch):
    recomputed()
    pending = PendingRecompute.objects.create(
        requested_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        run_after=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
    )
    recounted = {name: page(client, area) for name, area in register.items()}
    pending.delete()
    counted_again(monkeypatch)
    for name, area in register.items():
        assert page(client, area) == recounted[name], name
    assert "Abbey Library" in recounted["Abbey"].split("closed since")[1]


def test_an_edit_waiting_for_a_recompute_is_counted_at_once(client, register):
    recomputed()
    abbey = register["Abbey"]
    crown = Asset.objects.get(name="The Crown")
    AssetEventFactory(
        asset=crown, kind=EventKind.CLOSED, date=datetime.date(2024, 6, 1), date_precision=DAY
    )
    assert PendingRecompute.objects.exists()  # the edit asked for a recompute
    html = page(client, abbey)
    section = html.split('id="indicator-heading"')[1].split('id="closures-heading"')[0]
    assert "Net change, last 10 years</dt><dd>-3 (5 closures, 2 openings)" in section
    listed = section.split("closed since")[1].split("</ul>")[0]
    assert listed.count("<li>") == 5 and "The Crown" in listed
    assert "being recomputed" in section


def test_a_snapshot_without_stored_lists_counts_again(client, register):
    snapshot = recomputed()
    stored = page(client, register["Abbey"])
    AreaIndicatorDetail.objects.filter(snapshot=snapshot).delete()
    assert page(client, register["Abbey"]) == stored


def test_a_recompute_replaces_the_stored_lists(register):
    first = recomputed()
    second = recomputed()
    assert list(IndicatorSnapshot.objects.all()) == [second]
    assert not AreaIndicatorDetail.objects.filter(snapshot=first).exists()
    assert AreaIndicatorDetail.objects.filter(snapshot=second).count() == 10
