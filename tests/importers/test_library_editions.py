"""The 2016 libraries edition (Libraries Hacked schema) and one place per library across
the 2016 and 2023 editions."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets_register.importers.base import ImportFileError
from assets_register.importers.libraries import PublicLibrariesImporter
from assets_register.importers.library_editions import (
    Libraries2016Importer,
    merge_library_editions,
)
from assets_register.models import Asset, AssetSource, EventKind, Ownership, Status

from ..conftest import DATA
from ..factories import PostcodeLocationFactory

pytestmark = pytest.mark.django_db
LIBRARIES = DATA / "national" / "libraries"
COLUMNS = [
    "Local authority", "Library name", "Address 1", "Address 2", "Address 3", "Postcode",
    "Unique property reference number", "Statutory", "Type of library", "Year opened",
    "Year closed", "Notes",
]  # fmt: skip


def csv_file(rows):
    text = io.StringIO()
    # Windows line ends, as a spreadsheet writes them: a cell holding a line break or a
    # lone carriage return is then quoted.
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    handle = io.BytesIO(text.getvalue().encode("utf-8", "surrogatepass"))
    handle.name = "libraries_2016.csv"
    return handle


def test_two_libraries_of_one_name_in_one_authority_are_kept_apart():
    report = Libraries2016Importer(LIBRARIES / "librarieshacked_libraries_england_2016.csv").run()
    assert (report.created, report.rejected) == (4, 0)
    assert sorted(
        Asset.objects.filter(name="Sheerness Library").values_list("postcode", flat=True)
    ) == [
        "ME12 1NL",
        "ME12 1PL",
    ]
    russell = Asset.objects.get(name="Sheerness Library", postcode="ME12 1PL")
    assert russell.status == Status.CLOSED
    assert russell.events.get().date.year == 2012
    assert russell.ownership == Ownership.PUBLIC  # LAL: run by the council


def test_a_year_that_is_not_a_year_is_kept_as_unknown_and_reported():
    row = [
        "Cornwall",
        "Roche Micro",
        "",
        "",
        "",
        "PL26 8HA",
        "",
        "no",
        "ICL",
        "1960s",
        "Closed",
        "",
    ]
    report = Libraries2016Importer(csv_file([row])).run()
    roche = Asset.objects.get(name="Roche Micro")
    assert roche.status == Status.OPEN and not roche.events.exists()
    assert any("'1960s' is not a year" in notice for notice in report.notices)
    assert any("'Closed' is not a year" in notice for notice in report.notices)


def test_the_same_library_in_both_editions_is_one_place_citing_both():
    for postcode in ("ME10 4AH", "ME12 1NL", "ME12 1PL", "ME13 8DY"):
        PostcodeLocationFactory(postcode=postcode)
    PublicLibrariesImporter(LIBRARIES / "public_libraries_england_2023.csv").run()
    Libraries2016Importer(LIBRARIES / "librarieshacked_libraries_england_2016.csv").run()
    assert merge_library_editions() == 3
    assert Asset.objects.live().filter(name="Sittingbourne Library").count() == 1
    place = Asset.objects.live().get(name="Sittingbourne Library")
    assert place.source == "ace-libraries"
    assert place.sources.get().source == "dcms-libraries-2016"
    assert merge_library_editions() == 3 and AssetSource.objects.count() == 3  # no change


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Kent", "Cornwall", "", "Kent "]),
            st.sampled_from(["Hoyland", "Hoyland", "Central", "", "=SUM(A1)"]),
            st.text(max_size=12),  # lone carriage returns too: csv_file quotes them
            st.sampled_from(["ME10 4AH", "me104ah", "[Unknown]", "n/a - mobile", ""]),
            st.sampled_from(["LAL", "CL", "icl", "x", ""]),
            st.one_of(
                st.sampled_from(["2012", "2012.0", "1960s", "1985c", "", "0", "99999"]),
                st.text(max_size=6),
            ),
        ),
        max_size=6,
    )
)  # fmt: skip
def test_any_2016_file_imports_without_crashing_and_twice_changes_nothing(rows):
    PostcodeLocationFactory(postcode="ME10 4AH")
    table = [
        [a, n, addr, "", "", pc, "", "yes", kind, "", closed, ""]
        for a, n, addr, pc, kind, closed in rows
    ]
    try:
        report = Libraries2016Importer(csv_file(table)).run()
    except ImportFileError:
        return
    counted = report.created + report.updated + report.unchanged + report.rejected
    assert counted + report.skipped == len(rows)
    again = Libraries2016Importer(csv_file(table)).run()
    assert (again.created, again.updated) == (0, 0)
    for asset in Asset.objects.filter(source="dcms-libraries-2016"):
        assert all(e.kind in (EventKind.OPENED, EventKind.CLOSED) for e in asset.events.all())


def test_a_carriage_return_inside_a_cell_keeps_its_row_whole():
    """A lone carriage return inside a cell, quoted as a spreadsheet writes it, is part of
    the cell (the test above once wrote it unquoted, which any reader takes for a row's
    end, and counted two rows for one)."""
    PostcodeLocationFactory(postcode="ME10 4AH")
    row = ["Kent", "Hoyland", "1 High St\rSittingbourne", "", "", "ME10 4AH", "", "yes", "LAL"]
    report = Libraries2016Importer(csv_file([[*row, "\r", ""]])).run()
    assert report.created + report.rejected == 1
