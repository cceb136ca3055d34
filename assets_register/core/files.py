"""Writing data out: CSV that spreadsheets cannot execute, GeoJSON, iCalendar."""

import csv
import datetime
import io
import json
from decimal import Decimal

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


def _ics_text(value):
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line):
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF + space."""
    encoded, parts = line.encode(), []
    while len(encoded) > 75:
        cut = 75 if not parts else 74
        while (encoded[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = encoded[cut:]
    parts.append(encoded.decode())
    return "\r\n ".join(parts)


def ics_response(name, events, filename, host):
    """events: (uid, date, summary, description, url) for all-day deadlines."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Community Asset Register//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(name)}",
    ]
    for uid, day, summary, description, url in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(summary)}",
            f"DESCRIPTION:{_ics_text(description)}",
            f"URL:{url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_fold(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
