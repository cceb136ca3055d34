"""The register as files: CSV, XLSX and GeoJSON of every place or of a filtered view.

`/downloads/register.<csv|xlsx|geojson>` takes the same filters as `/api/assets` (area,
category, status, bbox, q, source, changed_since), so a link from a search, an area
page or the map gives the places that list shows, and all of them.

Each row carries its dataset (`source`, `source_name`) and the SPDX id of its licence,
so attribution survives any cut of the file. The XLSX file also has a "Licence" sheet
and the GeoJSON top-level "licence", "licences" and "attribution" members; CSV stays
plain (one header row, then data: no comment lines for parsers to trip on) and, like
the others, is served with a `Link: <…/about/data/>; rel="license"` header.

Formula injection: in CSV, text cells that start with = + - @ tab or CR get a leading
apostrophe (core.files.spreadsheet_safe); numbers are written as they are, so a negative
longitude stays a number. XLSX has cell types: text is always a string cell, never a
formula, and one that starts like a formula is also quote-prefixed, so it reads exactly
as stored and stays text when edited.

The register can hold 150,000 places: rows are read in primary-key chunks and every
format streams out as it is written, so memory stays flat. XLSX is written here as
SpreadsheetML into a streamed zip (openpyxl's writer took a minute for 150,000 rows,
past a web worker's timeout; this takes a few seconds).
"""

import hashlib
import json

from pydantic import ValidationError

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from assets_register.core import ratelimits
from assets_register.core.caching import content_version
from assets_register.core.files import csv_response
from assets_register.core.licences import (
    ATTRIBUTION_LINES,
    LICENCE_SUMMARY,
    LICENCES,
    licence_link,
    row_licence,
    source_name,
)
from assets_register.models import (
    CLOSURE_KINDS,
    OPEN_STATUSES,
    Area,
    AssetEvent,
    Category,
    DatePrecision,
    EventKind,
    Status,
)
from assets_register.opendata.filters import UnknownArea, filter_assets, parse_filters
from assets_register.opendata.xlsx import xlsx_stream

CHUNK = 1000  # rows per database read; also the IN list of the events query
FIELDS = {
    "id": "The place's number on this register; its page is /assets/<id>/.",
    "name": "The place's name.",
    "category": "Kind of place: " + ", ".join(f"{v} ({label})" for v, label in Category.choices),
    "status": "Status now, derived from the dated history: "
    + ", ".join(f"{v} ({label})" for v, label in Status.choices),
    "address": "Street address.",
    "postcode": "Postcode.",
    "latitude": "WGS84 decimal degrees; empty when the place is not located.",
    "longitude": "WGS84 decimal degrees; empty when the place is not located.",
    "location_source": "Where the location came from: postcode (centroid), address "
    "(geocoded), source_data, map_pin or none.",
    "uprn": "Unique Property Reference Number, when known.",
    "osm_id": "OpenStreetMap node id, when known.",
    "operator": "Who runs it, when known.",
    "ownership": "public, private, community_owned, community_managed, charity_faith or unknown.",
    "opened": "When it opened, as precisely as known: YYYY, YYYY-MM or YYYY-MM-DD.",
    "closed": "For a place closed, demolished or converted: when, as precisely as known.",
    "council_code": "GSS code of its council.",
    "council_name": "Its council.",
    "ward_code": "GSS code of its ward.",
    "ward_name": "Its ward.",
    "lsoa_code": "GSS code of its LSOA (neighbourhood).",
    "lsoa_name": "Its LSOA.",
    "source": "Key of the dataset the record came from; empty for places added here.",
    "source_ref": "The record's id in that dataset.",
    "source_name": "That dataset, by name: attribute it.",
    "licence": "SPDX id of the licence this row is under: OGL-UK-3.0 or ODbL-1.0.",
    "url": "The place's page on this site.",
    "updated_at": "When the record was last edited (ISO 8601).",
}
NUMBERS = {"id", "latitude", "longitude"}  # never text, so never a formula
COLUMNS = (
    "pk",
    "name",
    "category",
    "status",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "location_source",
    "uprn",
    "osm_id",
    "operator",
    "ownership",
    "council__gss_code",
    "council__name",
    "ward__gss_code",
    "ward__name",
    "lsoa__gss_code",
    "lsoa__name",
    "source",
    "source_ref",
    "updated_at",
)
RENAMED = {
    "pk": "id",
    "council__gss_code": "council_code",
    "council__name": "council_name",
    "ward__gss_code": "ward_code",
    "ward__name": "ward_name",
    "lsoa__gss_code": "lsoa_code",
    "lsoa__name": "lsoa_name",
}
CLOSED_STATUSES = frozenset(Status.values) - OPEN_STATUSES - {Status.TEMPORARILY_CLOSED}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _precise(day, precision):
    if precision == DatePrecision.YEAR:
        return f"{day:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{day:%Y-%m}"
    return day.isoformat()


def _opened_and_closed(asset_ids):
    """{asset id: (opened, closed)} from the events: the first opening, the last closure."""
    found = {}
    events = (
        AssetEvent.objects.filter(
            asset_id__in=asset_ids, kind__in=[EventKind.OPENED, *CLOSURE_KINDS]
        )
        .order_by("date", "pk")
        .values_list("asset_id", "date", "date_precision", "kind")
    )
    for asset_id, day, precision, kind in events:
        opened, closed = found.get(asset_id, ("", ""))
        if kind == EventKind.OPENED:
            opened = opened or _precise(day, precision)
        else:
            closed = _precise(day, precision)
        found[asset_id] = (opened, closed)
    return found


def register_rows(assets, base_url):
    """Each place as a dict of FIELDS, read CHUNK rows at a time in id order."""
    page_url = base_url + reverse("asset_detail", args=[123456789]).replace("123456789", "{}")
    names = [RENAMED.get(column, column) for column in COLUMNS]
    assets = assets.order_by("pk").values_list(*COLUMNS)
    last = 0
    while True:
        chunk = list(assets.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1][0]
        history = _opened_and_closed([values[0] for values in chunk])
        for values in chunk:
            row = dict(zip(names, values, strict=True))
            opened, closed = history.get(row["id"], ("", ""))
            row["opened"] = opened
            row["closed"] = closed if row["status"] in CLOSED_STATUSES else ""
            row["source_name"] = _source_name(row["source"])
            row["licence"] = row_licence(row["source"])
            row["url"] = page_url.format(row["id"])
            row["updated_at"] = row["updated_at"].isoformat()
            yield row


def _source_name(key):
    return source_name(key) if key else ""


def _chunks(rows, size=CHUNK):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def geojson_stream(rows, header):
    """A FeatureCollection (RFC 7946; foreign members carry the licence) in chunks.
    A place that is not located is a feature with a null geometry."""
    yield json.dumps({"type": "FeatureCollection", **header})[:-1] + ', "features": ['
    first = True
    for batch in _chunks(rows):
        features = []
        for row in batch:
            located = row["latitude"] is not None and row["longitude"] is not None
            properties = {
                key: value for key, value in row.items() if key not in ("latitude", "longitude")
            }
            features.append(
                json.dumps(
                    {
                        "type": "Feature",
                        "id": row["id"],
                        "geometry": {
                            "type": "Point",
                            "coordinates": [
                                round(float(row["longitude"]), 6),
                                round(float(row["latitude"]), 6),
                            ],
                        }
                        if located
                        else None,
                        "properties": properties,
                    }
                )
            )
        yield ("" if first else ",") + ",".join(features)
        first = False
    yield "]}"


def _selection(filters):
    parts = []
    if filters.area:
        area = Area.objects.by_code(filters.area)
        parts.append(f"in {area.name} ({area.gss_code})")
    if filters.category:
        parts.append("kinds: " + ", ".join(filters.category))
    if filters.status:
        parts.append("statuses: " + ", ".join(filters.status))
    if filters.bbox:
        parts.append(f"inside the box {filters.bbox}")
    if filters.q:
        parts.append(f"matching “{filters.q}”")
    if filters.source:
        parts.append(f"from the dataset {filters.source}")
    if filters.changed_since:
        parts.append(f"changed since {filters.changed_since.isoformat()}")
    return "Places " + "; ".join(parts) if parts else "Every place on the register"


def _filename(filters, extension):
    parts = ["community-assets"]
    if filters.area:
        parts.append(filters.area)
    if any(
        (
            filters.category,
            filters.status,
            filters.bbox,
            filters.q,
            filters.source,
            filters.changed_since,
        )
    ):
        parts.append("selection")
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts) + "." + extension


def selection_etag(request):
    """The same selection of an unchanged register is the same file but for its "generated"
    time: a weak ETag, so ConditionalGetMiddleware answers a repeat request with 304."""
    key = f"{content_version()} {timezone.localdate()} {request.get_full_path()}"
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


@require_GET
def register_download(request, fmt):
    if fmt not in FORMATS:
        raise Http404("Downloads are .csv, .xlsx or .geojson")
    retry_after = ratelimits.retry_after(request, "downloads", settings.DOWNLOAD_RATE_PER_IP)
    if retry_after:
        return HttpResponse(
            "Too many downloads from your address. Please wait a while and try again, or use "
            "the API for frequent updates.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": str(retry_after)},
        )
    try:
        filters = parse_filters(request.GET)
        assets = filter_assets(filters)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        return HttpResponse(
            f"Bad filter: {problems}\n", status=400, content_type="text/plain; charset=utf-8"
        )
    except UnknownArea as error:
        raise Http404(str(error)) from None
    rows = register_rows(assets, request.build_absolute_uri("/").rstrip("/"))
    filename = _filename(filters, fmt)
    about = {
        "title": f"{settings.WAGTAIL_SITE_NAME}: places",
        "url": request.build_absolute_uri(),
        "generated": timezone.now().isoformat(timespec="seconds"),
        "selection": _selection(filters),
        "about_url": request.build_absolute_uri(reverse("about_data")),
    }
    if fmt == "csv":
        response = csv_response(rows, list(FIELDS), filename, streaming=True)
    elif fmt == "geojson":
        header = {
            "name": about["title"],
            "selection": about["selection"],
            "generated": about["generated"],
            "licence": LICENCE_SUMMARY,
            "licences": {key: {"name": name, "url": url} for key, (name, url) in LICENCES.items()},
            "attribution": ATTRIBUTION_LINES,
            "about": about["about_url"],
        }
        response = StreamingHttpResponse(geojson_stream(rows, header), content_type=FORMATS[fmt])
    else:
        workbook = xlsx_stream(_chunks(rows), about, FIELDS, NUMBERS)
        response = StreamingHttpResponse(workbook, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = selection_etag(request)
    response["Link"] = licence_link(request)
    response["Cache-Control"] = f"public, max-age={settings.API_CACHE_SECONDS}"
    return response
