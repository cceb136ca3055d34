"""The published lists, exports and deadline calendars for a council."""

import csv
import datetime
import io
import json

import icalendar
import pytest

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from assets_register.acv import workflow as acv_workflow
from assets_register.core.files import spreadsheet_safe

from ..factories import AssetFactory, CouncilFactory, ListEntryFactory, NominationFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(gss_code="E06000047", name="County Durham")


@pytest.fixture
def today(monkeypatch):
    day = D(2021, 6, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
    return day


@pytest.fixture
def register(council):
    pub = AssetFactory(name="The Robin Hood", address="Front Street", postcode="DH7 6LQ")
    nomination = acv_workflow.receive_nomination(
        NominationFactory.build(
            council=council,
            asset=pub,
            received_on=D(2020, 11, 2),
            contact_email="private.person@example.org",
            contact_phone="07700 900123",
        )
    )
    entry = acv_workflow.decide_nomination(
        nomination, listed=True, decided_on=D(2020, 12, 14), reference="A-CV-1"
    )
    notice = acv_workflow.record_disposal_notice(entry, D(2021, 4, 30))
    acv_workflow.record_bidder_request(
        notice,
        group_name="Friends of the Robin Hood",
        group_type="charity",
        received_on=D(2021, 5, 7),
    )
    old = AssetFactory(name="Old Hall")
    acv_workflow.decide_nomination(
        acv_workflow.receive_nomination(
            NominationFactory.build(
                council=council,
                asset=old,
                received_on=D(2015, 1, 5),
                contact_email="another.private@example.org",
            )
        ),
        listed=True,
        decided_on=D(2015, 2, 2),
        reference="A-CV-0",
    )
    acv_workflow.decide_nomination(
        acv_workflow.receive_nomination(
            NominationFactory.build(
                council=council,
                asset=AssetFactory(name='=HYPERLINK("http://evil")'),
                land_name='=HYPERLINK("http://evil")',
                received_on=D(2021, 1, 4),
            )
        ),
        listed=False,
        decided_on=D(2021, 2, 22),
        reasons="Ancillary use only.",
    )
    return entry


def test_the_list_shows_every_statutory_date_with_a_countdown(client, council, register, today):
    page = client.get(reverse("acv_list", args=["E06000047"])).content.decode()
    assert "The Robin Hood" in page and "A-CV-1" in page
    assert "received on Friday 30 April 2021" in page
    assert "ask to bid until Thursday 10 June 2021: 9 days left" in page
    assert "Friends of the Robin Hood asked to be treated as a bidder on 7 May 2021" in page
    assert "Friday 29 October 2021: 150 days left" in page
    assert "Saturday 29 October 2022" in page
    assert "13 December 2025" in page  # last day on the list
    assert "Old Hall" not in page  # its five years ended on 1 February 2020
    assert "private.person@example.org" not in page and "07700" not in page


def test_the_asset_page_shows_its_listing_and_bid_window(client, register, today):
    page = client.get(register.asset.get_absolute_url()).content.decode()
    assert "Asset of community value" in page and "on the list until 13 December 2025" in page
    assert "ask to bid until Thursday 10 June 2021: 9 days left" in page
    assert "Friends of the Robin Hood asked to be treated as a bidder on 7 May 2021" in page
    assert reverse("asset_deadlines", args=[register.asset.pk]) in page


def test_the_unsuccessful_list_gives_reasons(client, council, register, today):
    page = client.get(reverse("acv_unsuccessful", args=["E06000047"])).content.decode()
    assert "Ancillary use only." in page and "22 February 2021" in page
    assert "The Robin Hood" not in page


def test_csv_export_in_the_national_schema_is_safe_and_private(client, council, register, today):
    response = client.get(reverse("acv_export_csv", args=["E06000047"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    listed = next(r for r in rows if r["reference"] == "A-CV-1")
    assert listed["organisation"] == "local-authority:DUR"
    assert listed["decision"] == "successful" and listed["expiry-date"] == "2025-12-13"
    assert listed["notification-to-sell-date"] == "2021-04-30"
    assert listed["interested-group"] == "Friends of the Robin Hood"
    assert listed["point"] == "POINT (-1.626000 54.816000)"
    refused = next(r for r in rows if r["decision"] == "unsuccessful")
    assert refused["name"].startswith("'=HYPERLINK")  # shown as text, never run
    assert "example.org" not in text and "07700" not in text
    statutory = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("acv_export_csv", args=["E06000047"]), {"part": "statutory"}
                ).content.decode()
            )
        )
    )
    assert statutory[0]["interim-moratorium-last-day"] == "2021-06-10"
    assert statutory[0]["full-moratorium-last-day"] == "2021-10-29"
    assert statutory[0]["protected-period-last-day"] == "2022-10-29"


def export_rows(client):
    response = client.get(reverse("acv_export_csv", args=["E06000047"]))
    return {row["reference"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}


def test_the_export_gives_each_records_own_entry_date_and_nominating_group(
    client, council, register, today
):
    ListEntryFactory(
        council=council,
        reference="T-1",
        listed_on=D(2020, 10, 20),
        recorded_on=D(2021, 2, 18),
        nominated_by="Test Parish Council",
    )
    rows = export_rows(client)
    # entry-date is the date the record was made, never the day of the download.
    assert rows["T-1"]["entry-date"] == "2021-02-18"
    assert rows["T-1"]["nominating-group"] == "Test Parish Council"
    made_here = timezone.localtime(register.created_at).date()
    assert made_here != today and rows["A-CV-1"]["entry-date"] == made_here.isoformat()
    refused = next(row for row in rows.values() if row["decision"] == "unsuccessful")
    assert refused["entry-date"] == made_here.isoformat()


def test_the_decision_date_is_the_decision_not_the_list_entry(client, council, register, today):
    register.listed_on = D(2020, 12, 21)  # entered on the list a week after the decision
    register.save()
    row = export_rows(client)["A-CV-1"]
    assert (row["decision-date"], row["expiry-date"]) == ("2020-12-14", "2025-12-20")


def test_a_nominating_group_without_a_nomination_record_is_shown(client, council, today):
    entry = ListEntryFactory(
        council=council,
        asset=AssetFactory(name="The Test Arms"),
        listed_on=D(2020, 10, 20),
        nominated_by="Test Parish Council",
    )
    list_page = client.get(reverse("acv_list", args=["E06000047"])).content.decode()
    assert "nominated by Test Parish Council" in list_page
    asset_page = client.get(entry.asset.get_absolute_url()).content.decode()
    assert "Nominated by Test Parish Council." in asset_page


def test_geojson_export(client, council, register, today):
    data = json.loads(client.get(reverse("acv_export_geojson", args=["E06000047"])).content)
    assert data["type"] == "FeatureCollection" and "Open Government Licence" in data["licence"]
    feature = next(f for f in data["features"] if f["properties"]["reference"] == "A-CV-1")
    assert feature["geometry"] == {"type": "Point", "coordinates": [-1.626, 54.816]}
    assert feature["properties"]["full-moratorium-last-day"] == "2021-10-29"
    assert "example.org" not in json.dumps(data)


def test_deadline_calendars_parse_and_list_what_is_to_come(client, council, register, today):
    response = client.get(reverse("acv_deadlines", args=["E06000047"]))
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in calendar.walk("VEVENT")}
    assert events == {
        "Last day to ask to bid: The Robin Hood": D(2021, 6, 10),
        "Full moratorium ends: The Robin Hood": D(2021, 10, 29),
        "Protected period ends: The Robin Hood": D(2022, 10, 29),
        "Last day on the list: The Robin Hood": D(2025, 12, 13),
    }
    asset_calendar = icalendar.Calendar.from_ical(
        client.get(reverse("asset_deadlines", args=[register.asset.pk])).content
    )
    assert len(asset_calendar.walk("VEVENT")) == 4


def test_unknown_council_is_404(client):
    assert client.get(reverse("acv_list", args=["E06999999"])).status_code == 404


@pytest.mark.parametrize(
    "value, safe",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("The Red Lion", "The Red Lion"),
        (None, ""),
        (3, "3"),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_the_statutory_dates_file_is_documented_field_by_field(client):
    from assets_register.acv.lists import STATUTORY_FIELDS

    page = client.get(reverse("about_data")).content.decode()
    for field in STATUTORY_FIELDS:
        assert f"<code>{field}</code>" in page
    assert "occupiers-notified-date" in STATUTORY_FIELDS


def test_a_period_that_has_ended_reads_as_ended_and_old_notices_are_history(client, list_place):
    today = timezone.localdate()
    days = datetime.timedelta
    entry = list_place(received_on=today - days(120), decided_on=today - days(60))
    notice = acv_workflow.record_disposal_notice(entry, today - days(50))
    for url in (f"/acv/{entry.council.gss_code}/", entry.asset.get_absolute_url()):
        page = client.get(url).content.decode()
        assert f"ask to bid ended on {notice.interim_last_day:%A %-d %B %Y}" in page
        assert "until ended" not in page
    old = list_place(received_on=today - days(1200), decided_on=today - days(1100))
    acv_workflow.record_disposal_notice(old, today - days(1000))  # protected period over
    cache.clear()
    page = client.get(old.asset.get_absolute_url()).content.decode()
    assert "notice of intention to sell was received" not in page  # the timeline keeps it
