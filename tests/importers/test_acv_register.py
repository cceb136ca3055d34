"""Importing a council's published list of assets of community value."""

import contextlib
import csv
import datetime
import io
import re
from io import StringIO

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.core.management import CommandError, call_command

from assets_register.importers.acv_fields import (
    ALIASES,
    HEADINGS,
    map_headings,
    normalise_heading,
    parse_date,
    parse_decision,
    parse_point,
)
from assets_register.importers.acv_register import ACVRegisterImporter
from assets_register.importers.base import ImportFileError
from assets_register.models import (
    Asset,
    AssetEvent,
    BidderRequest,
    DisposalNotice,
    EventKind,
    ListEntry,
    LocationSource,
    Nomination,
)

from ..conftest import DATA
from ..factories import AssetFactory, CouncilFactory, CouncilStaffFactory, square

D = datetime.date
pytestmark = pytest.mark.django_db
SOURCE = "acv-import:E06000047"


def run(source, council, **kwargs):
    path = source if not isinstance(source, str) else DATA / source
    return ACVRegisterImporter(path, council=council, **kwargs).run()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Asset, AssetEvent, ListEntry, Nomination, DisposalNotice, BidderRequest)
    }


def kinds(asset):
    return [
        (event.kind, event.date)
        for event in asset.events.filter(source=SOURCE).order_by("date", "kind")
    ]


def test_the_national_schema_is_imported_with_its_whole_history(sacriston):
    report = run("acv_national.csv", sacriston)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (5, 0, 0, 0)

    pub = ListEntry.objects.get(reference="A-CV-1")
    assert (pub.listed_on, pub.expires_on, pub.removed_on) == (
        D(2020, 12, 14),
        D(2025, 12, 13),
        None,
    )
    asset = pub.asset
    assert (asset.source, asset.source_ref, asset.category) == ("acv:E06000047", "A-CV-1", "pub")
    assert asset.location_source == LocationSource.SOURCE_DATA and asset.council == sacriston
    assert asset.address == "1 Front Street, Sacriston" and asset.postcode == "DH7 6LQ"
    assert pub.nomination.body_name == "Friends of the Robin Hood"
    assert pub.nomination.received_on == D(2020, 11, 2)
    assert pub.nomination.land_description == "The pub and its beer garden"
    notice = pub.disposal_notices.get()
    assert (notice.received_on, notice.interim_last_day) == (D(2023, 5, 1), D(2023, 6, 11))
    assert notice.bidder_requests.get().group_name == "Sacriston Community Pub Ltd"
    assert kinds(asset) == [
        (EventKind.ACV_NOMINATED, D(2020, 11, 2)),
        (EventKind.ACV_LISTED, D(2020, 12, 14)),
        (EventKind.BIDDER_REQUEST, D(2023, 5, 1)),
        (EventKind.DISPOSAL_NOTICE, D(2023, 5, 1)),
    ]

    library = ListEntry.objects.get(reference="A-CV-2")
    assert library.asset.category == "library" and library.nomination is None
    assert library.asset.location_source == LocationSource.POSTCODE  # no point: its postcode
    assert "row 3 (A-CV-2): expiry-date 2026-03-03 (the day it lifts) differs" in "\n".join(
        report.notices
    )

    refused = Nomination.objects.get(land_name="Fulforth Centre")
    assert refused.outcome == Nomination.Outcome.UNSUCCESSFUL and refused.body_type == "other"
    assert refused.decision_reasons == "The use is ancillary to the school."
    assert refused.public_reference == refused.council_reference == "A-CV-3"
    assert (refused.received_on, refused.decided_on) == (D(2021, 1, 4), D(2021, 2, 26))
    assert refused.asset.category == "community_centre"
    assert [k for k, _ in kinds(refused.asset)] == [
        EventKind.ACV_NOMINATED,
        EventKind.ACV_NOT_LISTED,
    ]

    sold = ListEntry.objects.get(reference="A-CV-4")
    assert (sold.removed_on, sold.removal_reason) == (D(2018, 2, 1), "disposed")
    assert "Removed - sold" in sold.removal_note
    assert EventKind.ACV_REMOVED in [k for k, _ in kinds(sold.asset)]

    withdrawn = Nomination.objects.get(land_name="Recreation Ground")
    assert withdrawn.outcome == Nomination.Outcome.WITHDRAWN
    assert not withdrawn.asset.is_located
    assert any(n.startswith("row 6 (A-CV-5): not located") for n in report.notices)
    assert AssetEvent.objects.filter(source=SOURCE).count() == 12


def test_camden_headings_lat_lon_locations_and_british_dates(sacriston):
    report = run("acv_camden.csv", sacriston)
    assert (report.created, report.rejected) == (3, 0)

    magdala = ListEntry.objects.get(reference="CMD-1")
    asset = magdala.asset
    # "Property name and address" in one cell, "(lat, lon)" in Location.
    assert (asset.name, asset.address) == ("The Magdala", "2A South Hill Park, Sacriston")
    assert (float(asset.latitude), float(asset.longitude)) == (54.816, -1.626)
    assert magdala.listed_on == D(2020, 12, 14)  # no decision column: the date says listed
    assert magdala.nomination.body_name == "Friends of the Magdala"
    assert magdala.disposal_notices.get().bidder_requests.get().group_name == (
        "Magdala Community Pub Ltd"
    )

    hall = Nomination.objects.get(land_name="Sacriston Village Hall")
    assert hall.outcome == Nomination.Outcome.UNSUCCESSFUL  # it has a reason for refusal
    assert (hall.received_on, hall.decided_on) == (D(2021, 3, 3), D(2021, 4, 28))

    library = ListEntry.objects.get(reference="CMD-3")
    assert library.asset.postcode == "DH7 6LQ"
    assert library.expires_on == D(2024, 2, 29)  # five years beginning 1 March 2019
    assert any("row 4 (CMD-3): expiry-date 2024-02-28 differs" in n for n in report.notices)


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_spreadsheet_with_a_title_row_and_real_excel_dates(sacriston, tmp_path):
    path = write_xlsx(
        tmp_path / "register.xlsx",
        [
            ["County Durham: list of assets of community value"],
            [],
            [
                "ACV Ref",
                "Asset name",
                "Address",
                "Nominator",
                "Date nominated",
                "Date listed",
                "Status",
                "Date removed",
            ],
            [
                "X-1",
                "The Kings Arms",
                "Front Street, Sacriston DH7 6LQ",
                "Friends of the Arms",
                datetime.datetime(2021, 1, 4),
                datetime.datetime(2021, 3, 3),
                "Added to list",
                None,
            ],
            [
                "X-2",
                "Sacriston Working Mens Club",
                "Front Street, DH7 6LQ",
                "Club members",
                D(2021, 1, 4),
                D(2021, 2, 1),
                "Refused",
                None,
            ],
            ["X-3", "The Colliery Inn", "Front Street, DH7 6LQ", "", "", "next week", "Listed"],
            [],
            [
                "X-4",
                "Sacriston Workshop",
                "Front Street, DH7 6LQ",
                "",
                None,
                datetime.datetime(2021, 3, 3),
                "Delisted",
                datetime.datetime(2022, 6, 1),
            ],
        ],
    )
    report = run(path, sacriston)
    assert (report.created, report.rejected, report.skipped) == (3, 1, 1)
    # Row numbers are the spreadsheet's own, below the title.
    assert str(report.problems[0]) == (
        "row 6, listing-date: 'next week' is not a date "
        "(use YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY)"
    )
    arms = ListEntry.objects.get(reference="X-1")
    assert (arms.listed_on, arms.nomination.received_on) == (D(2021, 3, 3), D(2021, 1, 4))
    assert arms.asset.category == "pub"
    assert Nomination.objects.get(land_name__startswith="Sacriston Working").outcome == (
        "unsuccessful"
    )
    removed = ListEntry.objects.get(reference="X-4")
    assert (removed.removed_on, removed.removal_reason) == (D(2022, 6, 1), "other")


def test_each_bad_row_is_named_and_the_rest_imported(sacriston):
    report = run("acv_bad_rows.csv", sacriston)
    assert (report.created, report.rejected) == (3, 5)
    assert [str(problem) for problem in report.problems] == [
        "row 3, decision-date: '31/02/2021' is not a real date (day is out of range for month)",
        "row 4, decision: 'Maybe later' is not a decision this importer understands "
        "(e.g. listed, unsuccessful, withdrawn, removed, sold, expired)",
        "row 5, reference: a reference is required",
        "row 7, point: 48.850000, 2.350000 is outside the United Kingdom",
        "row 9, reference: B-1 is also on row 2",
    ]
    swapped = Asset.objects.get(source_ref="B-5")
    assert (float(swapped.latitude), float(swapped.longitude)) == (54.816, -1.626)
    assert any(
        n.startswith("row 6 (B-5): the point 'POINT (54.816 -1.626)' gives longitude")
        for n in report.notices
    )
    assert not Asset.objects.get(source_ref="B-7").is_located
    assert any(
        n.startswith("row 8 (B-7): not located (no point and no postcode") for n in report.notices
    )


@pytest.mark.parametrize(
    "name", ["acv_national.csv", "acv_camden.csv", "acv_bad_rows.csv", "acv_listing_dates.csv"]
)
def test_a_dry_run_writes_nothing_and_reports_what_a_real_run_does(sacriston, name):
    before = counts()
    dry = run(name, sacriston, dry_run=True)
    assert counts() == before
    real = run(name, sacriston)
    assert counts() != before
    for attribute in ("created", "updated", "unchanged", "rejected", "skipped", "problems"):
        assert getattr(dry, attribute) == getattr(real, attribute)
    assert dry.notices == real.notices


@pytest.mark.parametrize(
    "name", ["acv_national.csv", "acv_camden.csv", "acv_bad_rows.csv", "acv_listing_dates.csv"]
)
def test_a_second_run_changes_nothing(sacriston, name):
    first = run(name, sacriston)
    before = counts(), list(AssetEvent.objects.values().order_by("pk"))
    second = run(name, sacriston)
    assert (second.created, second.updated, second.unchanged) == (
        0,
        0,
        first.created + first.updated,
    )
    assert (counts(), list(AssetEvent.objects.values().order_by("pk"))) == before


def test_a_corrected_decision_date_updates_the_decision_not_the_list_entry(sacriston, tmp_path):
    run("acv_national.csv", sacriston)
    path = tmp_path / "corrected.csv"
    path.write_text(
        (DATA / "acv_national.csv")
        .read_text()
        .replace("Listed,2020-12-14,2025-12-13", "Listed,2020-12-15,2025-12-14")
        .replace("2021-03-03,2026-03-03", "2021-03-08,2026-03-08")
    )
    report = run(path, sacriston)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 3)
    # A corrected decision is the nomination's; the list entry's date changes only with a
    # listing-date column, so a re-import cannot undo an officer's correction of it.
    entry = ListEntry.objects.get(reference="A-CV-1")
    assert (entry.nomination.decided_on, entry.listed_on) == (D(2020, 12, 15), D(2020, 12, 14))
    assert (
        "row 2 (A-CV-1): decision-date 2020-12-15 differs from the date of the list entry, "
        "2020-12-14, which is kept (a listing-date column changes it)"
    ) in report.notices
    listed = AssetEvent.objects.filter(asset=entry.asset, kind=EventKind.ACV_LISTED)
    assert [(event.date, event.note) for event in listed] == [
        (
            D(2020, 12, 14),
            "On the list until 13 December 2025. The council decided on 15 December 2020.",
        )
    ]


def test_an_existing_list_entry_keeps_its_asset(sacriston):
    pub = AssetFactory(name="The Robin Hood", source="open-pubs", source_ref="123")
    ListEntry.objects.create(
        reference="A-CV-1", council=sacriston, asset=pub, listed_on=D(2020, 12, 14)
    )
    report = run("acv_national.csv", sacriston)
    assert report.updated == 1 and report.created == 4
    pub.refresh_from_db()
    assert pub.name == "The Robin Hood"  # another dataset's asset is not renamed
    assert not Asset.objects.filter(source_ref="A-CV-1", source="acv:E06000047").exists()
    assert ListEntry.objects.get(reference="A-CV-1").nomination.body_name == (
        "Friends of the Robin Hood"
    )


def test_pending_far_future_and_pre_2012_rows(sacriston, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        "ref,asset name,status,date listed,listing expiry date\n"
        "P-1,The Plough,Under consideration,,\n"
        "P-2,The Swan,Listed,14/12/2090,\n"
        "P-3,The Crown,Listed,01/05/2011,\n"
        "P-4,The Bell,Listed,01/05/2024,30/04/2029\n"
    )
    report = run(path, sacriston)
    assert (report.created, report.skipped, report.rejected) == (1, 1, 2)
    assert (
        "row 2 (P-1): a nomination still under consideration is not imported" in (report.notices[0])
    )
    assert [str(problem) for problem in report.problems] == [
        "row 3, listing-date: 14 December 2090 is more than a year in the future",
        "row 4, listing-date: 1 May 2011 is before the rules took effect (21 September 2012)",
    ]
    assert ListEntry.objects.get().expires_on == D(2029, 4, 30)  # the expiry may lie ahead


def test_a_file_without_a_reference_column_is_refused(sacriston, tmp_path):
    path = tmp_path / "no_ref.csv"
    path.write_text("Asset name,Date listed\nThe Plough,14/12/2020\n")
    with pytest.raises(ImportFileError, match="No reference column"):
        run(path, sacriston)


def call(*args):
    out, err = StringIO(), StringIO()
    call_command("import_acv_register", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_reports_each_row(sacriston):
    out, err = call(str(DATA / "acv_bad_rows.csv"), "--council", "E06000047", "--dry-run")
    assert "row 2, B-1 (The Plough): would create: new asset, new list entry, " in out
    assert "rejected row 4, decision: 'Maybe later' is not a decision" in err
    assert "row 8 (B-7): not located" in err
    assert "3 created, 0 updated, 0 unchanged, 5 rejected (dry run" in out
    assert not Asset.objects.exists()

    out, _ = call(str(DATA / "acv_bad_rows.csv"), "--council", "e06000047")
    assert "row 2, B-1 (The Plough): created: new asset" in out
    out, _ = call(str(DATA / "acv_bad_rows.csv"), "--council", "E06000047", "-v", "2")
    assert "row 2, B-1 (The Plough): unchanged" in out and "0 created" in out


def test_the_command_needs_a_known_council_and_strict_writes_nothing(sacriston):
    with pytest.raises(CommandError, match="no council with GSS code E09000007"):
        call(str(DATA / "acv_national.csv"), "--council", "E09000007")
    with pytest.raises(CommandError, match="--strict: 5 rows rejected"):
        call(str(DATA / "acv_bad_rows.csv"), "--council", "E06000047", "--strict")
    assert not Asset.objects.exists()


# Properties of the parsers -------------------------------------------------------------------

separators = st.sampled_from(["-", "_", " ", ".", "", "/"])


@given(
    st.sampled_from(sorted(HEADINGS)),
    separators,
    st.sampled_from([str.lower, str.upper, str.title, lambda s: s[:1].upper() + s[1:]]),
)
def test_every_national_field_matches_whatever_its_case_and_punctuation(field, sep, case):
    heading = case(field.replace("-", sep))
    if sep == "" and case is str.title:  # "StartDate"
        heading = "".join(part.title() for part in field.split("-"))
    assert ALIASES[normalise_heading(heading)] == field


@given(st.text(max_size=60))
def test_the_heading_normaliser_is_total_and_idempotent(heading):
    once = normalise_heading(heading)
    assert once == normalise_heading(once) and re.fullmatch(r"[a-z0-9]*", once)


def test_camden_headings_map_to_national_fields():
    columns, ignored = map_headings(
        [
            "Property name and address",
            "Nominated By",
            "Date Nomination Received",
            "Decision Date",
            "Listing Expiry Date",
            "Notice To Dispose Received By Council Date",
            "Community Group Which Triggered Full Moratorium",
            "Reason For Unsuccessful Nomination",
            "Location",
            "Ward",
        ]
    )
    assert list(columns) == [
        "name",
        "nominating-group",
        "nomination-date",
        "decision-date",
        "expiry-date",
        "notification-to-sell-date",
        "interested-group",
        "reason-unsuccessful",
        "point",
    ]
    assert list(columns.values()) == list(range(9))
    assert ignored == ["Ward"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-03", D(2021, 3, 3)),
        ("03/03/2021", D(2021, 3, 3)),
        ("3/3/21", D(2021, 3, 3)),
        ("3 March 2021", D(2021, 3, 3)),
        ("3rd March 2021", D(2021, 3, 3)),
        ("03-Mar-21", D(2021, 3, 3)),
        ("2021-03-03 00:00:00", D(2021, 3, 3)),
        ("44258", D(2021, 3, 3)),
        ("Wednesday 3 March 2021", D(2021, 3, 3)),
        (datetime.datetime(2021, 3, 3, 12), D(2021, 3, 3)),
        ("2021-03", D(2021, 3, 1)),
    ],
)
def test_dates_as_councils_write_them(text, expected):
    assert parse_date(text)[0] == expected


def test_partial_end_dates_mean_the_end_of_the_period():
    assert parse_date("2021-02", end=True)[0] == D(2021, 2, 28)
    assert parse_date("2021", end=True)[0] == D(2021, 12, 31)
    assert parse_date("N/A") is None and parse_date("") is None


DATE_LIKE = r"\d{1,2}[-/ .][A-Za-z0-9]{1,9}[-/ .]\d{2,4}"


@given(st.one_of(st.text(max_size=40), st.from_regex(DATE_LIKE, fullmatch=True)))
def test_the_date_parser_only_ever_raises_a_value_error(text):
    try:
        result = parse_date(text)
    except ValueError:
        return
    assert result is None or isinstance(result[0], datetime.date)


@given(st.text(max_size=60))
def test_the_decision_and_point_parsers_only_ever_raise_value_errors(text):
    for parser in (parse_decision, parse_point):
        with contextlib.suppress(ValueError):
            parser(text)


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("Listed", ("listed", None)),
        ("Added to list", ("listed", None)),
        ("Approved", ("listed", None)),
        ("Unsuccessful - ancillary use", ("unsuccessful", None)),
        ("Not listed", ("unsuccessful", None)),
        ("REFUSED", ("unsuccessful", None)),
        ("Withdrawn", ("withdrawn", None)),
        ("Removed on appeal", ("listed", "appeal")),
        ("Removed", ("listed", "other")),
        ("Expired", ("listed", "expired")),
    ],
)
def test_free_text_decisions(text, meaning):
    assert parse_decision(text) == meaning


cells = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(cells, cells, cells, cells, cells), max_size=5))
def test_arbitrary_cells_never_crash_the_importer(sacriston, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["reference", "name", "decision", "decision-date", "point"])
    writer.writerows(rows)
    source = io.BytesIO(buffer.getvalue().encode())
    source.name = "fuzz.csv"
    report = ACVRegisterImporter(source, council=sacriston, dry_run=True).run()
    assert report.created + report.updated + report.rejected + report.skipped <= len(rows)
    assert all(problem.row >= 2 and problem.message for problem in report.problems)
    assert not Asset.objects.exists()


def test_the_command_as_an_officer_refuses_rows_in_another_council(sacriston, tmp_path):
    swale = CouncilFactory(name="Swale", boundary=square(0.6, 51.2, 1.0, 51.5))
    officer = CouncilStaffFactory(council=sacriston).user
    path = tmp_path / "cross_border.csv"
    path.write_text(
        "reference,name,point,decision,decision-date\n"
        "A-CV-1,The Robin Hood Inn,POINT (-1.626 54.816),Listed,2020-12-14\n"
        "A-CV-2,Abbey Hotel,POINT (0.76 51.44),Listed,2020-12-14\n"
    )
    with pytest.raises(CommandError, match="does not keep Swale's list"):
        call(str(path), "--council", swale.gss_code, "--user", officer.username)
    out, err = call(str(path), "--council", "E06000047", "--user", officer.username)
    assert "rejected row 3, point: the place is in Swale" in err
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert not Asset.objects.filter(council=swale).exists()
    out, err = call(str(path), "--council", "E06000047")  # the operator's own rights
    assert "row 3 (A-CV-2): the location is outside County Durham" in err
    assert Asset.objects.get(council=swale).name == "Abbey Hotel"
