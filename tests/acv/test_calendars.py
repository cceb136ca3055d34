"""Deadline calendars read by a strict iCalendar parser (RFC 5545)."""

import datetime
import re

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django.core.cache import cache
from django.urls import reverse

from assets_register.acv import workflow as acv_workflow
from assets_register.core.files import ics_response

from ..factories import CouncilFactory, NominationFactory

D = datetime.date
EMPTY_PROPERTY = re.compile(rb"^[A-Z-]+(;[^:]*)?:$")


def strictly_parsed(body):
    """The calendar, after checking what a lenient parser would let pass: every line at most
    75 octets and ending CRLF, no bare CR, no empty property, no error in any component."""
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    for line in lines:
        assert len(line) <= 75, line
        assert b"\r" not in line and b"\n" not in line, line
    unfolded = body.replace(b"\r\n ", b"").split(b"\r\n")
    assert not [line for line in unfolded if EMPTY_PROPERTY.match(line)], "an empty property"
    calendar = icalendar.Calendar.from_ical(body)
    for component in calendar.walk():
        assert not component.errors, component.errors
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert required in event
    return calendar


printable = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=300
)


@settings(max_examples=300, deadline=None)
@given(name=printable, summary=printable, description=printable)
def test_any_text_makes_a_valid_calendar(name, summary, description):
    response = ics_response(
        name, [("key-1", D(2026, 1, 1), summary, description, "")], "calendar.ics"
    )
    calendar = strictly_parsed(response.content)
    (event,) = calendar.walk("VEVENT")
    # A line break in any form reads back as one.
    plain = summary.replace("\r\n", "\n").replace("\r", "\n")
    written = "".join(c for c in plain if (" " <= c != "\x7f") or c in "\t\n")
    assert str(event.get("SUMMARY", "")) == written
    assert "URL" not in event


def test_a_name_with_carriage_returns_and_long_unicode_is_folded_and_escaped():
    summary = "Decision due: Café\rthe Queen’s Head " + "ĳ" * 60 + "🍺" * 30
    calendar = strictly_parsed(
        ics_response("N\rame", [("k", D(2026, 1, 1), summary, "d", "")], "c.ics").content
    )
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == summary.replace("\r", "\n")


@pytest.mark.django_db
def test_served_calendars_parse_strictly_have_no_empty_url_and_stable_uids(client):
    council = CouncilFactory(gss_code="E06000047")
    nomination = acv_workflow.receive_nomination(
        NominationFactory.build(
            council=council,
            asset=None,
            land_name="A field\rby the river",
            received_on=datetime.date.today(),
            accepted_as_valid_on=datetime.date.today(),
        )
    )
    assert nomination.pk
    url = reverse("acv_deadlines", args=["E06000047"])

    def uids(host):
        cache.clear()
        calendar = strictly_parsed(client.get(url, HTTP_HOST=host).content)
        events = calendar.walk("VEVENT")
        assert events and all("URL" not in event for event in events)
        return {str(event["UID"]) for event in events}

    assert uids("register.example.org") == uids("10.0.0.7:8000")
