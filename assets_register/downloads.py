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
apostrophe (exports.spreadsheet_safe); numbers are written as they are, so a negative
longitude stays a number. XLSX has cell types: text is always a string cell, never a
formula, and one that starts like a formula is also quote-prefixed, so it reads exactly
as stored and stays text when edited.

The register can hold 150,000 places: rows are read in primary-key chunks and every
format streams out as it is written, so memory stays flat. XLSX is written here as
SpreadsheetML into a streamed zip (openpyxl's writer took a minute for 150,000 rows,
past a web worker's timeout; this takes a few seconds).
"""

import csv
import io
import json
import re
import zipfile

from django_ratelimit.core import is_ratelimited
from pydantic import ValidationError

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .api_schemas import LICENCE_SUMMARY, LICENCES, AssetFilters, row_licence
from .attribution import ATTRIBUTION_LINES, source_name
from .exports import FORMULA_STARTS, spreadsheet_safe
from .models import (
    CLOSURE_KINDS,
    OPEN_STATUSES,
    Area,
    Asset,
    AssetEvent,
    Category,
    DatePrecision,
    EventKind,
    Status,
)

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
    "ownership": "public, private, community_owned, community_managed, charity_faith or "
                 "unknown.",
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
    "pk", "name", "category", "status", "address", "postcode", "latitude", "longitude",
    "location_source", "uprn", "osm_id", "operator", "ownership", "council__gss_code",
    "council__name", "ward__gss_code", "ward__name", "lsoa__gss_code", "lsoa__name",
    "source", "source_ref", "updated_at",
)
RENAMED = {"pk": "id", "council__gss_code": "council_code", "council__name": "council_name",
           "ward__gss_code": "ward_code", "ward__name": "ward_name",
           "lsoa__gss_code": "lsoa_code", "lsoa__name": "lsoa_name"}
CLOSED_STATUSES = frozenset(Status.values) - OPEN_STATUSES - {Status.TEMPORARILY_CLOSED}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class UnknownArea(LookupError):
    def __str__(self):
        return f"No area with GSS code {self.args[0]}"


def filter_assets(filters: AssetFilters):
    """The live places the filters select (UnknownArea for an area code we do not hold)."""
    assets = Asset.objects.live()
    if filters.area:
        by_kind = {}
        for pk, kind in Area.objects.filter(gss_code=filters.area).values_list("pk", "kind"):
            by_kind.setdefault(kind, []).append(pk)
        if not by_kind:
            raise UnknownArea(filters.area)
        in_area = Q()
        for kind, pks in by_kind.items():
            in_area |= Q(**{f"{kind}__in": pks})
        assets = assets.filter(in_area)
    if filters.category:
        assets = assets.filter(category__in=filters.category)
    if filters.status:
        assets = assets.filter(status__in=filters.status)
    if filters.bbox:
        assets = assets.in_bbox(*filters.bbox_numbers)
    for word in (filters.q or "").split():
        assets = assets.filter(Q(name__icontains=word) | Q(address__icontains=word))
    if filters.source:
        assets = assets.filter(source=filters.source)
    if filters.changed_since:
        since = filters.changed_since
        assets = assets.filter(Q(updated_at__gte=since) | Exists(
            AssetEvent.objects.filter(asset=OuterRef("pk"), recorded_at__gte=since)))
    return assets


def rate_limit_retry_after(request, group, rate):
    """Seconds to wait when this address is over its rate, else None. Counts the request."""
    if not is_ratelimited(request, group=group, key="ip", rate=rate, increment=True):
        return None
    match = re.fullmatch(r"\d+/(\d*)([smhd])", rate)
    return (int(match[1] or 1) * PERIOD_SECONDS[match[2]]) if match else 60


def _precise(day, precision):
    if precision == DatePrecision.YEAR:
        return f"{day:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{day:%Y-%m}"
    return day.isoformat()


def _opened_and_closed(asset_ids):
    """{asset id: (opened, closed)} from the events: the first opening, the last closure."""
    found = {}
    events = (AssetEvent.objects.filter(asset_id__in=asset_ids,
                                        kind__in=[EventKind.OPENED, *CLOSURE_KINDS])
              .order_by("date", "pk").values_list("asset_id", "date", "date_precision", "kind"))
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


def csv_stream(rows):
    """CSV text in chunks: numbers as they are, text cells spreadsheet-safe."""
    fields = list(FIELDS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    yield buffer.getvalue()
    for batch in _chunks(rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(
            ["" if row[f] is None else row[f] if f in NUMBERS else spreadsheet_safe(row[f])
             for f in fields]
            for row in batch
        )
        yield buffer.getvalue()


def geojson_stream(rows, header):
    """A FeatureCollection (RFC 7946; foreign members carry the licence) in chunks.
    A place that is not located is a feature with a null geometry."""
    yield json.dumps({"type": "FeatureCollection", **header})[:-1] + ', "features": ['
    first = True
    for batch in _chunks(rows):
        features = []
        for row in batch:
            located = row["latitude"] is not None and row["longitude"] is not None
            properties = {key: value for key, value in row.items()
                          if key not in ("latitude", "longitude")}
            features.append(json.dumps({
                "type": "Feature", "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [
                    round(float(row["longitude"]), 6), round(float(row["latitude"]), 6)]}
                if located else None,
                "properties": properties,
            }))
        yield ("" if first else ",") + ",".join(features)
        first = False
    yield "]}"


class _Sink:
    """A write-only file for zipfile that hands on whatever has been written so far."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XLSX_MAX_TEXT = 32767  # characters in one cell
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
BOLD, AS_TEXT = 1, 2  # cell styles: the header, and text that would look like a formula
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        "</Relationships>"),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        '<sheet name="Places" sheetId="1" r:id="rId1"/>'
        '<sheet name="Licence" sheetId="2" r:id="rId2"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL_NS}/worksheet" Target="worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{MAIN_NS}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '</borders><cellStyleXfs count="1">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"),
}


def _column_letters(count):
    letters = []
    for n in range(1, count + 1):
        name = ""
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _xml_text(value):
    text = XML_ILLEGAL.sub("", str(value))[:XLSX_MAX_TEXT]
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xlsx_cell(ref, value, number=False, style=0):
    """One cell. Text is stored as a string, never a formula; text that starts like a
    formula is also quote-prefixed, as if typed after an apostrophe, so that editing it
    in a spreadsheet keeps it text."""
    if value is None or value == "":
        return ""
    if number:
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = _xml_text(value)
    if not style and text.startswith(FORMULA_STARTS):
        style = AS_TEXT
    space = ' xml:space="preserve"' if text != text.strip() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t{space}>{text}</t></is></c>'


def _xlsx_row(number, letters, values, numbers=(), style=0):
    cells = "".join(
        _xlsx_cell(f"{letter}{number}", value, index in numbers, style)
        for index, (letter, value) in enumerate(zip(letters, values, strict=False))
    )
    return f'<row r="{number}">{cells}</row>'


def _sheet_start(widths=(), frozen_header=False):
    view = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            if frozen_header else "")
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(widths, start=1))
    return (f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}">{view}'
            f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')


def _core_properties(about):
    created = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_xml_text(about['title'])}</dc:title>"
        f"<dc:creator>{_xml_text(settings.WAGTAIL_SITE_NAME)}</dc:creator>"
        f"<dc:description>{_xml_text(LICENCE_SUMMARY + ' ' + ' '.join(ATTRIBUTION_LINES))}"
        "</dc:description>"
        f"<dc:rights>{_xml_text(LICENCE_SUMMARY)}</dc:rights>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        "</cp:coreProperties>")


def _licence_rows(about, count):
    yield [about["title"]], BOLD
    for label, value in (
        ("Downloaded from", about["url"]), ("Generated", about["generated"]),
        ("Selection", about["selection"]), ("Places", str(count)),
        ("Licence", LICENCE_SUMMARY),
    ):
        yield [label, value], 0
    for licence_id, (name, url) in LICENCES.items():
        yield [licence_id, name, url], 0
    yield [], 0
    yield ["Attribution"], BOLD
    for line in ATTRIBUTION_LINES:
        yield [line], 0
    yield ["Sources and licences in full", about["about_url"]], 0
    yield [], 0
    yield ["Field", "Meaning"], BOLD
    for field, meaning in FIELDS.items():
        yield [field, meaning], 0


def xlsx_stream(rows, about):
    """An XLSX workbook written as it streams out: the places on a "Places" sheet (first,
    so that programs reading the first sheet get the data), then a "Licence" sheet with
    the licence, the attribution, what was selected and what each field means."""
    sink = _Sink()
    fields = list(FIELDS)
    letters = _column_letters(len(fields))
    numbers = {index for index, field in enumerate(fields) if field in NUMBERS}
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=1) as archive:
        for name, body in XLSX_PARTS.items():
            archive.writestr(name, XML_HEAD + body)
        archive.writestr("docProps/core.xml", XML_HEAD + _core_properties(about))
        yield sink.drain()
        count = 0
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_sheet_start(frozen_header=True).encode())
            sheet.write(_xlsx_row(1, letters, fields, style=BOLD).encode())
            for batch in _chunks(rows):
                sheet.write("".join(
                    _xlsx_row(count + offset, letters, [row[f] for f in fields], numbers)
                    for offset, row in enumerate(batch, start=2)
                ).encode())
                count += len(batch)
                yield sink.drain()
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/worksheets/sheet2.xml", "w") as sheet:
            sheet.write(_sheet_start(widths=(28, 100, 70)).encode())
            sheet.write("".join(
                _xlsx_row(number, letters, values, style=style)
                for number, (values, style) in enumerate(_licence_rows(about, count), start=1)
            ).encode())
            sheet.write(b"</sheetData></worksheet>")
    yield sink.drain()


def _selection(filters):
    parts = []
    if filters.area:
        area = Area.objects.filter(gss_code=filters.area).order_by("-valid_from").first()
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
    if any((filters.category, filters.status, filters.bbox, filters.q, filters.source,
            filters.changed_since)):
        parts.append("selection")
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts) + "." + extension


def parse_filters(params):
    """AssetFilters from a query string, as the API reads it; empty values are unset."""
    data = {}
    for name in AssetFilters.model_fields:
        values = [value for value in params.getlist(name) if value.strip()]
        if values:
            data[name] = values if name in ("category", "status") else values[0]
    return AssetFilters.model_validate(data)


def licence_link(request):
    return f'<{request.build_absolute_uri(reverse("about_data"))}>; rel="license"'


@require_GET
def register_download(request, fmt):
    if fmt not in FORMATS:
        raise Http404("Downloads are .csv, .xlsx or .geojson")
    retry_after = rate_limit_retry_after(request, "downloads", settings.DOWNLOAD_RATE_PER_IP)
    if retry_after:
        return HttpResponse(
            "Too many downloads from your address. Please wait a while and try again, or use "
            "the API for frequent updates.\n", status=429,
            content_type="text/plain; charset=utf-8", headers={"Retry-After": str(retry_after)})
    try:
        filters = parse_filters(request.GET)
        assets = filter_assets(filters)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                             for e in error.errors())
        return HttpResponse(f"Bad filter: {problems}\n", status=400,
                            content_type="text/plain; charset=utf-8")
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
        response = StreamingHttpResponse(csv_stream(rows), content_type=FORMATS[fmt])
    elif fmt == "geojson":
        header = {
            "name": about["title"], "selection": about["selection"],
            "generated": about["generated"], "licence": LICENCE_SUMMARY,
            "licences": {key: {"name": name, "url": url}
                         for key, (name, url) in LICENCES.items()},
            "attribution": ATTRIBUTION_LINES, "about": about["about_url"],
        }
        response = StreamingHttpResponse(geojson_stream(rows, header),
                                         content_type=FORMATS[fmt])
    else:
        response = StreamingHttpResponse(xlsx_stream(rows, about), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = licence_link(request)
    response["Cache-Control"] = f"public, max-age={settings.API_CACHE_SECONDS}"
    return response
