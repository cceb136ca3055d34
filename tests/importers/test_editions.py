"""Editions and snapshots correct each other (issue 14): an event a dataset gave is
withdrawn, not deleted, when a later edition of the same dataset no longer gives it; it
carries the edition it came from; an older edition never overrides a newer one; and a
withdrawn event is out of status, indicators, feeds, alerts and the API."""

import datetime

import feedparser
import pytest

from django.contrib.auth.models import User
from django.utils import timezone

from assets_register.alerts import matching
from assets_register.importers.base import ImportFileError
from assets_register.importers.libraries import PublicLibrariesImporter
from assets_register.indicators.compute import Rules, compute
from assets_register.models import (
    AreaKind,
    Asset,
    AssetEvent,
    Delivery,
    EventKind,
    Status,
)

from ..conftest import DATA
from ..factories import AssetEventFactory, AssetFactory, SubscriptionFactory, durham_and_sacriston
from ..register.test_admin import ASSETS, form_data

pytestmark = pytest.mark.django_db
EDITION_2023 = "libraries_editions_2023.csv"
COPY_2023 = "libraries_editions_2023_knottingley_closed_2017.csv"  # the copy
EDITION_2022 = "libraries_editions_2022.csv"  # Chalvey closed in 2019, as Slough's own file says


def run(name, **kwargs):
    return PublicLibrariesImporter(DATA / name, **kwargs).run()


def library(name):
    return Asset.objects.get(source="ace-libraries", name=name)


def said(asset):
    """(kind, year, edition that said so, edition that withdrew it) for every event."""
    return sorted(
        (e.kind, e.date.year, e.source_edition, e.withdrawn_by_edition)
        for e in AssetEvent.every_edition.filter(asset=asset)
    )


def test_a_later_import_of_the_edition_withdraws_what_the_copy_said():
    """2023, then a copy with Knottingley closed in 2017, then 2023 again: 'Closed 2017'
    is withdrawn, not kept beside 'Temporarily closed 2019'."""
    run(EDITION_2023)
    run(COPY_2023)
    knottingley = library("Knottingley")
    assert (EventKind.CLOSED, 2017, "2023", "") in said(knottingley)
    report = run(EDITION_2023)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    knottingley.refresh_from_db()
    assert said(knottingley) == [
        (EventKind.CLOSED, 2017, "2023", "2023"),
        (EventKind.OPENED, 1987, "2023", ""),
        (EventKind.TEMPORARILY_CLOSED, 2019, "2023", ""),
    ]
    assert [e.kind for e in knottingley.timeline()] == [
        EventKind.TEMPORARILY_CLOSED,
        EventKind.OPENED,
    ]
    assert knottingley.status == Status.TEMPORARILY_CLOSED


def test_a_newer_edition_withdraws_what_an_older_one_said_and_keeps_where_each_came_from():
    run(EDITION_2022)
    chalvey = library("Chalvey Satellite Library")
    assert said(chalvey) == [
        (EventKind.CLOSED, 2019, "2022", ""),
        (EventKind.OPENED, 2011, "2022", ""),
    ]
    run(EDITION_2023)
    assert said(chalvey) == [
        (EventKind.CLOSED, 2019, "2022", "2023"),
        (EventKind.CLOSED, 2023, "2023", ""),
        (EventKind.OPENED, 2011, "2022", ""),  # both said so: it came from the 2022 edition
    ]
    closure = chalvey.timeline().get(kind=EventKind.CLOSED)
    assert closure.source_label == (
        "Public libraries in England (Arts Council England / DCMS, compiled by Libraries "
        "Hacked) (2023 edition)"
    )
    chalvey.refresh_from_db()
    assert (chalvey.status, chalvey.source_edition) == (Status.CLOSED, "2023")


def test_an_older_edition_imported_after_a_newer_one_overrides_nothing(tmp_path):
    run(EDITION_2023)
    knottingley = library("Knottingley")
    older = (DATA / EDITION_2022).read_text().replace("Pontefract Road ", "Old Pontefract Road")
    path = tmp_path / "libraries_2022.csv"
    path.write_text(older)
    report = PublicLibrariesImporter(path).run()
    assert report.created == 0
    knottingley.refresh_from_db()
    assert (knottingley.address.split(",")[0], knottingley.source_edition) == (
        "Pontefract Road",
        "2023",
    )
    chalvey = library("Chalvey Satellite Library")
    # What only the 2022 edition says is history, already withdrawn by the 2023 one.
    assert said(chalvey) == [
        (EventKind.CLOSED, 2019, "2022", "2023"),
        (EventKind.CLOSED, 2023, "2023", ""),
        (EventKind.OPENED, 2011, "2022", ""),
    ]
    assert chalvey.status == Status.CLOSED
    again = PublicLibrariesImporter(path).run()
    assert (again.created, again.updated) == (0, 0)


def test_the_same_edition_again_changes_nothing():
    run(EDITION_2022)
    run(EDITION_2023)
    before = said(library("Chalvey Satellite Library")), list(Asset.objects.values())
    report = run(EDITION_2023)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert (said(library("Chalvey Satellite Library")), list(Asset.objects.values())) == before


def test_the_edition_comes_from_the_file_or_the_command():
    run(EDITION_2023, edition="2024")
    assert set(AssetEvent.objects.values_list("source_edition", flat=True)) == {"2024"}
    with pytest.raises(ImportFileError, match="not an edition"):
        run(EDITION_2023, edition="last year")


# A withdrawn event is no fact anywhere -------------------------------------------------------


def withdraw(event, edition="2023"):
    """As an import does: in bulk, then the status follows."""
    AssetEvent.objects.filter(pk=event.pk).update(withdrawn_by_edition=edition)
    Asset.objects.filter(pk=event.asset_id).refresh_statuses()


@pytest.fixture
def withdrawn_closure():
    """The Red Lion in Sacriston: a closure the 2022 edition gave and the 2023 one withdrew."""
    council, ward = durham_and_sacriston()
    pub = AssetFactory(name="The Red Lion", council=council, ward=ward)
    withdraw(
        AssetEventFactory(
            asset=pub,
            kind=EventKind.CLOSED,
            date=datetime.date(2021, 3, 1),
            source="ace-libraries",
            source_edition="2022",
        )
    )
    pub.refresh_from_db()
    return pub


def test_status_and_indicators_read_only_live_events(withdrawn_closure):
    assert withdrawn_closure.status == Status.OPEN
    ward = withdrawn_closure.ward
    row = compute(datetime.date(2025, 3, 1), Rules(), kinds=[AreaKind.WARD])[AreaKind.WARD]
    assert (row.loc[ward.pk].open_0, row.loc[ward.pk].closures_10y) == (1, 0)


def test_a_place_an_edition_changed_is_changed_since_for_the_api(client):
    """Withdrawing an event changes the place: an API client that syncs with
    changed_since sees it; a place the import left alone it does not."""
    run(EDITION_2023)
    run(COPY_2023)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Asset.objects.update(updated_at=long_ago)
    AssetEvent.every_edition.update(recorded_at=long_ago)
    since = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    run(EDITION_2023)
    changed = client.get("/api/assets", {"changed_since": since}).json()["items"]
    assert [item["name"] for item in changed] == ["Knottingley"]


def test_feeds_the_api_and_alerts_leave_a_withdrawn_event_out(client, withdrawn_closure):
    feed = feedparser.parse(client.get(f"/assets/{withdrawn_closure.pk}/feed.atom").content)
    assert feed.entries == []
    assert client.get(f"/api/events?asset={withdrawn_closure.pk}").json()["items"] == []
    SubscriptionFactory(area=withdrawn_closure.ward, wants_closures=True)
    today = datetime.date.today()
    news = {
        name: AssetFactory(
            name=name, council=withdrawn_closure.council, ward=withdrawn_closure.ward
        )
        for name in ("Withdrawn Arms", "Live Arms")
    }
    withdraw(AssetEventFactory(asset=news["Withdrawn Arms"], date=today))
    AssetEventFactory(asset=news["Live Arms"], date=today)
    matching.match_new_events()
    assert [d.event.asset.name for d in Delivery.objects.all()] == ["Live Arms"]


def test_the_place_page_shows_what_a_later_edition_withdrew(client, withdrawn_closure):
    page = client.get(f"/assets/{withdrawn_closure.pk}/").content.decode()
    assert "No changes recorded" in page
    assert "Withdrawn by a later edition" in page
    assert "withdrawn by the 2023 edition" in page


def test_the_admin_shows_withdrawn_events_and_saving_the_timeline_keeps_them(
    client, withdrawn_closure
):
    """The inline timeline holds the events that stand; saving it deletes the ones taken
    out of it, and a withdrawn event, never in it, stays."""
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    at_risk = AssetEventFactory(asset=withdrawn_closure, kind=EventKind.AT_RISK)
    page = client.get(f"{ASSETS}edit/{withdrawn_closure.pk}/").content.decode()
    assert "Withdrawn by a later edition" in page and "withdrawn by the 2023 edition" in page
    data = form_data(
        name="The Red Lion",
        **{
            "events-INITIAL_FORMS": "1",
            "events-0-id": str(at_risk.pk),
            "events-0-kind": "at_risk",
            "events-0-date": "2020-03-01",
            "events-0-date_precision": "day",
            "events-0-DELETE": "1",
        },
    )
    assert client.post(f"{ASSETS}edit/{withdrawn_closure.pk}/", data).status_code == 302
    assert not withdrawn_closure.events.exists()
    kept = AssetEvent.every_edition.get(asset=withdrawn_closure)
    assert (kept.kind, kept.withdrawn_by_edition) == (EventKind.CLOSED, "2023")
