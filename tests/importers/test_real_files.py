"""Real files import whole (issue 14): each way the shared data's library and Open Pubs
files went wrong, on a few rows cut from those files, then the 2023 libraries edition
whole."""

import datetime
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assets_register.importers.base import is_placeholder
from assets_register.importers.libraries import (
    CLOSED,
    OPERATING_MODELS,
    TEMPORARILY_CLOSED,
    UNKNOWN,
    PublicLibrariesImporter,
    operating_model,
    year_text,
)
from assets_register.importers.pubs import OpenPubsImporter
from assets_register.models import (
    Asset,
    AssetEvent,
    EventKind,
    LocationSource,
    Ownership,
    Status,
)

from ..conftest import DATA
from ..factories import PostcodeLocationFactory

pytestmark = pytest.mark.django_db
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
LIBRARIES_2023 = SHARED_DATA / "libraries" / "public_libraries_england_2023.csv"


def libraries(name, **kwargs):
    return PublicLibrariesImporter(DATA / name, **kwargs).run()


def library(authority, name):
    return Asset.objects.get(source="ace-libraries", source_ref=f"{authority}/{name}")


def events_of(asset):
    return [(e.kind, e.date.year) for e in asset.events.order_by("date", "kind")]


# Placeholder cells, fuzzy years -----------------------------------------------------------


def test_placeholder_cells_keep_the_row_record_the_unknown_and_say_so():
    """Six rows the importer used to reject: '[No registered public address]', '[Unknown]'
    and 'n/a - mobile' postcodes and addresses; opened '[unknown]', '1960s', '1985c'."""
    report = libraries("libraries_placeholders.csv")
    assert (report.created, report.rejected) == (6, 0)
    access_east = library("Lincolnshire", "Access East")
    assert (access_east.postcode, access_east.address) == ("", "")
    assert library("Wakefield", "Mobile Library A").postcode == ""
    children = library("Oxfordshire", "Children's Mobile North")
    assert children.status == Status.CLOSED and children.address == ""
    notices = "\n".join(report.notices)
    assert "postcode '[No registered public address]' stands for an unknown value" in notices
    assert "postcode 'n/a - mobile' stands for an unknown value" in notices
    assert "opened '[unknown]' stands for an unknown year" in notices

    assert events_of(library("Cheshire West and Chester", "Tattenhall Library")) == []
    bletchley = library("Milton Keynes", "Bletchley Library").events.get()
    assert (bletchley.kind, bletchley.date, bletchley.display_date) == (
        EventKind.OPENED,
        datetime.date(1960, 1, 1),
        "1960",
    )
    assert bletchley.note == "Opened in the 1960s (the dataset gives only the decade)."
    northenden = library("Manchester", "Northenden Community Library").events.get()
    assert northenden.date.year == 1985
    assert northenden.note == "Opened about 1985 (the dataset says '1985c')."


# Operating-model codes ----------------------------------------------------------------------


def test_every_operating_model_code_is_read_with_the_publishers_meaning():
    """Beckenham: LA then C (commissioned: GLL runs it for Bromley) from 2019; Lostwithiel:
    LA, C, C, c, C; Shortlanesend Micro: CR, [Unknown] three times, then Closed; Kilburn: LA
    with one 'La'; Wheatley Lane: Closed and one 'closed'."""
    report = libraries("libraries_dirty_codes.csv")
    assert (report.created, report.rejected) == (5, 0)

    beckenham = library("Bromley", "Beckenham Library")
    change = beckenham.events.get()
    assert (change.kind, change.date.year) == (EventKind.OWNERSHIP_CHANGED, 2019)
    assert change.note == (
        "Was run by the council; run for the council by a commissioned trust or organisation "
        "by 2019 (DCMS returns for 2016 and 2019)."
    )
    assert beckenham.ownership == Ownership.PUBLIC and beckenham.status == Status.OPEN
    assert events_of(library("Cornwall", "Lostwithiel Library")) == [
        (EventKind.OWNERSHIP_CHANGED, 2019)
    ]

    micro = library("Cornwall", "Shortlanesend Micro")
    closure = micro.events.get()
    assert (closure.kind, closure.date.year) == (EventKind.CLOSED, 2023)
    assert closure.note == "Closed by 2023 (DCMS returns for 2016 and 2023)."
    assert micro.status == Status.CLOSED
    assert micro.ownership == Ownership.COMMUNITY_MANAGED  # CR: community run

    assert events_of(library("Brent", "Kilburn")) == []
    assert events_of(library("Lancashire", "Wheatley Lane")) == [(EventKind.CLOSED, 2015)]
    unknown = [n for n in report.notices if "operating model unknown" in n]
    assert len(unknown) == 1 and "operation_19 '[Unknown]'" in unknown[0]


def test_the_commissioned_and_community_run_codes_are_not_swapped():
    """The 2016 definitions: CL commissioned (a trust runs it, the council is accountable),
    CRL community run. 2023's C and CR are those codes shortened."""
    assert operating_model("CL") == operating_model("C") == "C"
    assert operating_model("CRL") == operating_model("CRL+") == operating_model("CR") == "CR"
    assert OPERATING_MODELS["C"][1] == Ownership.PUBLIC
    assert OPERATING_MODELS["CR"][1] == Ownership.COMMUNITY_MANAGED
    assert "commissioned" in OPERATING_MODELS["C"][0]
    assert "community" in OPERATING_MODELS["CR"][0]


CODES = ["LA", "LAU", "C", "CR", "ICL", "LAL", "LAL-", "CL", "CRL", "IL", CLOSED]
STATUSES = [CLOSED, TEMPORARILY_CLOSED, "Facility Not Open"]


def spellings(word):
    """The word as returns spell it: any case, padded, inner spaces doubled."""
    return st.tuples(
        st.lists(st.booleans(), min_size=len(word), max_size=len(word)),
        st.sampled_from(["", " ", "  ", "\t"]),
        st.sampled_from(["", " ", "\xa0"]),
        st.sampled_from([" ", "  "]),
    ).map(
        lambda parts: (
            parts[1]
            + "".join(
                c.upper() if up else c.lower() for c, up in zip(word, parts[0], strict=True)
            ).replace(" ", parts[3])
            + parts[2]
        )
    )


@given(
    st.sampled_from(CODES + STATUSES).flatmap(
        lambda code: st.tuples(st.just(code), spellings(code))
    )
)
def test_codes_fold_whatever_their_case_and_spacing(pair):
    code, spelt = pair
    assert operating_model(spelt) == operating_model(code) != UNKNOWN


@given(st.text(max_size=12))
def test_any_other_cell_is_unknown_or_empty_never_an_error(value):
    folded = operating_model(value)
    known = set(OPERATING_MODELS) | set(STATUSES)
    assert folded in known | {UNKNOWN, ""}
    assert (folded == "") == (value.split() == [])


@given(
    st.sampled_from(
        [
            "[Unknown]",
            "[unknown]",
            "[No registered public address]",
            "n/a - mobile",
            "N/A",
            "n/a",
            "NA",
            "-",
            "--",
            "\\N",
            "unknown",
            "N/A Closed",
            "?",
        ]
    ),
    st.sampled_from(["", " ", "  "]),
)
def test_placeholders_are_recognised(value, padding):
    assert is_placeholder(padding + value + padding)


@given(
    st.from_regex(r"[A-Z]{1,2}[0-9] ?[0-9][A-Z]{2}", fullmatch=True)
    | st.from_regex(r"[0-9]{4}", fullmatch=True)
)
def test_postcodes_and_years_are_not_placeholders(value):
    assert not is_placeholder(value)


@given(st.integers(1800, 2025), st.sampled_from(["{}", "{}.0", " {} "]))
def test_a_year_is_a_year(year, form):
    found = year_text(form.format(year), "opened")
    assert (found.year, found.kind, found.note("Opened")) == (year, "year", "")


@given(st.integers(1800, 2025), st.sampled_from(["{}c", "c{}", "c. {}", "circa {}", "{} c", "{}?"]))
def test_about_a_year_keeps_its_year_and_says_about(year, form):
    found = year_text(form.format(year), "opened")
    assert (found.year, found.kind) == (year, "about")
    assert found.note("Opened").startswith(f"Opened about {year} (the dataset says")


@given(st.integers(180, 202), st.sampled_from(["{}0s", "{}0's"]))
def test_a_decade_is_its_first_year_and_says_decade(decade, form):
    found = year_text(form.format(decade), "opened")
    assert (found.year, found.kind) == (decade * 10, "decade")
    assert f"in the {decade * 10}s" in found.note("Opened")


@given(st.text(max_size=8))
def test_a_year_cell_is_a_year_a_placeholder_or_a_named_error(value):
    from assets_register.importers.base import RowError

    try:
        found = year_text(value, "opened")
    except RowError as error:
        assert error.field == "opened" and error.message
    else:
        assert found is None or found.kind == "undated" or 1800 <= found.year <= 2100


# Names twice in one authority -------------------------------------------------------------


def test_duplicate_names_within_an_authority_are_kept_apart_and_stay_apart():
    """Northumberland's three mobile libraries and two archives (different postcodes);
    Oldham's and York's library and archive in one building (one postcode, two types)."""
    report = libraries("libraries_duplicate_names.csv")
    assert (report.created, report.rejected) == (9, 0)
    refs = set(Asset.objects.values_list("source_ref", flat=True))
    assert {
        "Northumberland/mobile (NE66 2ES)",
        "Northumberland/mobile (NE62 5TR)",
        "Northumberland/mobile (NE46 1XL)",
        "Northumberland/Archives (NE63 9YF)",
        "Oldham/Local Studies and Archives (Archive)",
        "Oldham/Local Studies and Archives (Static Local History Library)",
        "York/York Explore Library & Archive (Archive)",
    } <= refs
    again = libraries("libraries_duplicate_names.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9)


# Every importer: encodings, headings, null cells, line numbers, postcodes ---------------------


def test_a_byte_order_mark_on_a_windows_1252_file_is_not_part_of_the_first_heading():
    """Two Swale rows saved by a spreadsheet as Windows-1252 ('Albion Café Bar') behind a
    UTF-8 byte-order mark."""
    report = OpenPubsImporter(DATA / "open_pubs_bom_cp1252.csv").run()
    assert (report.created, report.rejected) == (2, 0)
    assert Asset.objects.get(source_ref="505568").name == "Albion Café Bar"
    assert any("read as Windows-1252" in n for n in report.notices)


def test_headings_match_ignoring_case_and_spacing():
    """FAS_ID, Post Code, Latitude, ...: the same columns."""
    report = OpenPubsImporter(DATA / "open_pubs_headings.csv").run()
    assert (report.created, report.rejected) == (2, 0)
    assert Asset.objects.get(source_ref="505568").postcode == "ME12 1RN"


def test_the_librarieshacked_schema_is_read_through_its_documented_aliases():
    """'Local authority', 'Library name', 'Year closed', 'Type of library' (2016 codes),
    with the edition named: Ashford's library and its replacement on one postcode are told
    apart by their closing year; Roche Micro's year closed is 'Closed'."""
    report = libraries("libraries_librarieshacked_schema.csv", edition="2020")
    assert (report.created, report.rejected) == (6, 0)
    assert library("Bromley", "Beckenham Library").ownership == Ownership.PUBLIC  # CL
    assert library("Leicestershire", "Anstey").ownership == Ownership.COMMUNITY_MANAGED  # CRL
    old_ashford = library("Kent", "Ashford Library (closed 2011)")
    assert events_of(old_ashford) == [(EventKind.CLOSED, 2011)]
    assert library("Kent", "Ashford Library (still open)").status == Status.OPEN
    roche = library("Cornwall", "Roche Micro").events.get()
    assert (roche.kind, roche.date.year) == (EventKind.CLOSED, 2020)
    assert roche.note == "Closed by 2020; the 2020 edition gives no year."


def test_open_pubs_null_cells_are_empty_and_the_row_is_placed_from_its_postcode():
    """Open Pubs' own form of a pub without a location: easting 622675, northing -5527598,
    and \\N for latitude and longitude."""
    PostcodeLocationFactory(postcode="ME13 7TE", latitude="51.318", longitude="0.880")
    report = OpenPubsImporter(DATA / "open_pubs_null_cells.csv").run()
    assert (report.created, report.rejected) == (3, 0)
    cricket = Asset.objects.get(source_ref="505800")
    assert cricket.location_source == LocationSource.POSTCODE
    assert f"{cricket.latitude}" == "51.318000"
    assert (
        "line 3: 'Davington Priory Cricket Club' has no location in the file; placed at the "
        "centre of its postcode ME13 7TE"
    ) in report.notices
    assert any(n.startswith("line 4: could not locate 'Meadow Bay") for n in report.notices)


def test_a_rejected_row_is_named_by_its_line_in_the_file():
    """A blank line, then a row with no id on line 5 (the file's third data row)."""
    report = OpenPubsImporter(DATA / "open_pubs_blank_line.csv").run()
    assert (report.created, report.rejected) == (2, 1)
    assert [str(p) for p in report.problems] == ["line 5, fas_id: an id is required"]


def test_coordinates_keep_a_row_whose_postcode_the_table_lacks_or_that_is_no_postcode():
    report = OpenPubsImporter(DATA / "open_pubs_postcode_not_in_table.csv").run()
    assert (report.created, report.rejected) == (2, 0)
    assert report.notices == [
        "line 3: postcode 'ME12 1R' is not a valid UK postcode; kept at the file's own "
        "coordinates, without a postcode",
        "line 2: postcode ME12 2DA of 'Abbey Hotel' is not in the postcode table; kept at "
        "the file's own coordinates",
    ]
    albion = Asset.objects.get(source_ref="505568")
    assert (albion.postcode, albion.location_source) == ("", LocationSource.SOURCE_DATA)


# The real file, whole -------------------------------------------------------------------------


@pytest.mark.skipif(
    not LIBRARIES_2023.exists(),
    reason=f"the shared data folder is not on this machine ({SHARED_DATA})",
)
def test_the_2023_libraries_edition_imports_whole():
    report = PublicLibrariesImporter(LIBRARIES_2023).run()
    assert report.rejected == 0, [str(p) for p in report.problems[:5]]
    assert report.created == 3487
    assert set(AssetEvent.objects.values_list("source_edition", flat=True)) == {"2023"}

    beckenham = library("Bromley", "Beckenham Library")
    assert events_of(beckenham) == [(EventKind.OWNERSHIP_CHANGED, 2019)]
    micro = library("Cornwall", "Shortlanesend Micro")
    assert (micro.status, events_of(micro)) == (Status.CLOSED, [(EventKind.CLOSED, 2023)])
    mobiles = Asset.objects.filter(source_ref__startswith="Northumberland/mobile (")
    assert sorted(m.postcode for m in mobiles) == ["NE46 1XL", "NE62 5TR", "NE66 2ES"]
    knottingley = library("Wakefield", "Knottingley")
    assert knottingley.status == Status.TEMPORARILY_CLOSED
    assert events_of(knottingley) == [
        (EventKind.OPENED, 1987),
        (EventKind.TEMPORARILY_CLOSED, 2019),
    ]
    chalvey = library("Slough", "Chalvey Satellite Library")
    assert (chalvey.status, events_of(chalvey)) == (
        Status.CLOSED,
        [(EventKind.OPENED, 2011), (EventKind.CLOSED, 2023)],
    )
    # Numbers are the file's lines (as grep -n gives them): cells above hold line breaks.
    assert (
        "line 2044: postcode 'n/a - mobile' stands for an unknown value; kept without one"
        in report.notices
    )
    assert not [n for n in report.notices if re.search(r"operation_\d\d '(c|La|closed|C)'", n)]
