"""Writing data out: CSV that spreadsheets cannot execute, GeoJSON, iCalendar."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from urllib.parse import urlsplit

import icalendar

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse

from assets_register.core.licences import ATTRIBUTION_LINES, DEFAULT_LICENCE, LICENCES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value):
    """Numbers stay numbers (a change of -2 is no formula, and quoting it would make it text
    in a spreadsheet); every other cell is spreadsheet-safe text."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return spreadsheet_safe(value)


def csv_chunks(rows, fields, rows_per_chunk=1000):
    """The CSV text of rows (mappings) with a header line, in chunks for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(row.get(field)) for field in fields])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(rows, fields, filename, streaming=False):
    """A CSV download; streaming for selections too big to hold in memory."""
    chunks = csv_chunks(rows, fields)
    content_type = "text/csv; charset=utf-8"
    if streaming:
        response = StreamingHttpResponse(chunks, content_type=content_type)
    else:
        response = HttpResponse("".join(chunks), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def geojson_response(features, filename):
    collection = {
        "type": "FeatureCollection",
        "licence": LICENCES[DEFAULT_LICENCE][0],
        "attribution": ATTRIBUTION_LINES,
        "features": features,
    }
    response = HttpResponse(json.dumps(collection), content_type="application/geo+json")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# RFC 5545 TEXT may not hold control characters other than a tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _add_text(component, name, value):
    """A TEXT property, left out when empty (an empty value helps no reader)."""
    text = _CONTROL.sub("", str(value or ""))
    if text:
        component.add(name, icalendar.vText(text))


def calendar_uid(key):
    """A UID that stays the same whichever host name the calendar was fetched under, so a
    subscriber's copy does not fill with duplicates (RFC 5545 3.8.4.7)."""
    return f"{key}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def ics_response(name, events, filename):
    """events: (key, date, summary, description, url) for all-day deadlines; the
    icalendar library escapes and folds the lines (at most 75 octets)."""
    stamp = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Community Asset Register//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    _add_text(calendar, "x-wr-calname", name)
    for key, day, summary, description, url in events:
        event = icalendar.Event()
        event.add("uid", calendar_uid(key))
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        _add_text(event, "summary", summary)
        _add_text(event, "description", description)
        if url:
            event.add("url", url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
