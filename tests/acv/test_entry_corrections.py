"""An officer corrects the date of a list entry in the admin: the timeline follows (issue 12)."""

import datetime

import pytest

from django.contrib.auth.models import User

from assets_register.acv import workflow as acv_workflow
from assets_register.models import AssetEvent, EventKind

from ..factories import AssetFactory, ListEntryFactory
from .test_reviews import entry_form

D = datetime.date
pytestmark = pytest.mark.django_db


def edit_url(entry):
    return f"/admin/snippets/assets_register/listentry/edit/{entry.pk}/"


def listing_events(asset):
    return [
        (event.date, event.note, event.source)
        for event in AssetEvent.objects.filter(asset=asset, kind=EventKind.ACV_LISTED)
    ]


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def test_correcting_the_listing_date_moves_its_timeline_event(admin_client, listed):
    assert listing_events(listed.asset) == [
        (D(2020, 12, 14), "On the list until 13 December 2025.", "acv")
    ]
    form = entry_form(listed, listed_on="2021-01-04")
    response = admin_client.post(edit_url(listed), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    listed.refresh_from_db()
    assert listed.expires_on == D(2026, 1, 3)
    assert listing_events(listed.asset) == [
        (D(2021, 1, 4), "On the list until 3 January 2026.", "acv")
    ]
    admin_client.post(edit_url(listed), form)  # saving again changes nothing
    assert len(listing_events(listed.asset)) == 1


def test_an_imported_entry_corrected_in_the_admin_keeps_the_councils_facts(admin_client):
    entry = ListEntryFactory(
        listed_on=D(2015, 10, 20), nominated_by="Test Parish Council", recorded_on=D(2016, 2, 18)
    )
    form = entry_form(entry, listed_on="2016-02-18")
    response = admin_client.post(edit_url(entry), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert (entry.listed_on, entry.expires_on) == (D(2016, 2, 18), D(2021, 2, 17))
    assert (entry.nominated_by, entry.recorded_on) == ("Test Parish Council", D(2016, 2, 18))


def test_an_imported_listing_event_keeps_its_source_and_the_councils_notes(listed):
    event = AssetEvent.objects.get(asset=listed.asset, kind=EventKind.ACV_LISTED)
    event.source, event.date_precision = "acv-import:E06000047", "month"
    event.note = "On the list until 13 December 2025. The pub and its garden."
    event.save()
    listed.listed_on = D(2021, 1, 4)
    listed.save()
    acv_workflow.apply_entry(listed)
    event.refresh_from_db()
    assert (event.date, event.date_precision, event.source) == (
        D(2021, 1, 4),
        "day",
        "acv-import:E06000047",
    )
    assert event.note == "On the list until 3 January 2026. The pub and its garden."


def test_each_listing_of_a_place_keeps_its_own_event(list_place):
    asset = AssetFactory()
    first = list_place(asset=asset, received_on=D(2013, 1, 7), decided_on=D(2013, 3, 1))
    second = list_place(asset=asset, received_on=D(2018, 1, 8), decided_on=D(2018, 3, 1))
    second.listed_on = D(2018, 3, 5)
    second.save()
    acv_workflow.apply_entry(second)
    acv_workflow.apply_entry(first)
    assert [date for date, _note, _source in listing_events(asset)] == [
        D(2013, 3, 1),
        D(2018, 3, 5),
    ]


def test_an_entry_made_in_the_admin_gets_its_listing_event_once():
    entry = ListEntryFactory(listed_on=D(2020, 10, 20))
    acv_workflow.apply_entry(entry)
    acv_workflow.apply_entry(entry)
    assert listing_events(entry.asset) == [
        (D(2020, 10, 20), "On the list until 19 October 2025.", "acv")
    ]
