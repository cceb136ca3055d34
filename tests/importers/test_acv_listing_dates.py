"""The dates of an imported listing: the decision, the list entry, the record's own entry date,
and an officer's correction that a re-import leaves alone (issue 12)."""

import datetime

import pytest

from assets_register.acv.workflow import apply_entry
from assets_register.importers.acv_fields import map_headings
from assets_register.importers.acv_register import ACVRegisterImporter
from assets_register.models import AssetEvent, EventKind, ListEntry, Nomination

from ..conftest import DATA

D = datetime.date
pytestmark = pytest.mark.django_db

# The file of issue 12: decided on 20 October 2015, the record made on 18 February 2016.
ISSUE_FILE = (
    "reference,name,decision,decision-date,entry-date,nominating-group\n"
    "T-1,The Test Arms,listed,2015-10-20,2016-02-18,Test Parish Council\n"
)


def run(path, council):
    return ACVRegisterImporter(path, council=council).run()


def write(tmp_path, text, name="register.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def listing_events(entry):
    return [
        (event.date, event.note)
        for event in AssetEvent.objects.filter(asset=entry.asset, kind=EventKind.ACV_LISTED)
    ]


def everything():
    return (
        list(ListEntry.objects.values().order_by("pk")),
        list(Nomination.objects.values().order_by("pk")),
        list(AssetEvent.objects.values().order_by("pk")),
    )


def test_the_entry_date_is_when_the_record_was_made_not_the_listing(sacriston, tmp_path):
    report = run(write(tmp_path, ISSUE_FILE), sacriston)
    assert (report.created, report.rejected) == (1, 0)
    entry = ListEntry.objects.get(reference="T-1")
    # planning.data's entry-date is the record's date: the listing runs from the decision.
    assert (entry.listed_on, entry.expires_on) == (D(2015, 10, 20), D(2020, 10, 19))
    assert entry.recorded_on == D(2016, 2, 18)
    assert not any("Ignored column" in notice for notice in report.notices)


def test_the_nominating_group_is_kept_without_a_nomination_date(sacriston, tmp_path):
    run(write(tmp_path, ISSUE_FILE), sacriston)
    entry = ListEntry.objects.get(reference="T-1")
    assert entry.nomination is None
    assert entry.nominated_by == entry.nominating_group == "Test Parish Council"


@pytest.mark.parametrize(
    "heading",
    [
        "listing-date",
        "Listing Date",
        "listed-date",
        "date_listed",
        "Date of listing",
        "Date entered on list",
        "DATE ENTERED ON THE LIST",
        "Date added to list",
    ],
)
def test_a_listing_date_column_is_the_date_of_the_list_entry(sacriston, tmp_path, heading):
    assert map_headings([heading])[0] == {"listing-date": 0}
    path = write(
        tmp_path,
        f"reference,name,decision,decision-date,{heading},nomination-date,nominating-group\n"
        "T-1,The Test Arms,listed,2015-10-20,18/02/2016,2015-09-01,Test Parish Council\n",
    )
    report = run(path, sacriston)
    assert report.rejected == 0, report.problems
    entry = ListEntry.objects.get(reference="T-1")
    assert (entry.listed_on, entry.expires_on) == (D(2016, 2, 18), D(2021, 2, 17))
    assert entry.nomination.decided_on == D(2015, 10, 20)  # the decision keeps its own date
    assert listing_events(entry) == [
        (
            D(2016, 2, 18),
            "On the list until 17 February 2021. The council decided on 20 October 2015.",
        )
    ]


def test_a_listing_date_alone_is_also_the_decision_date(sacriston, tmp_path):
    path = write(
        tmp_path, "ref,asset name,status,date listed\nT-1,The Test Arms,Listed,2016-02-18\n"
    )
    run(path, sacriston)
    entry = ListEntry.objects.get(reference="T-1")
    assert (entry.listed_on, entry.expires_on) == (D(2016, 2, 18), D(2021, 2, 17))
    assert listing_events(entry) == [(D(2016, 2, 18), "On the list until 17 February 2021.")]


def test_a_listing_date_before_the_decision_or_the_nomination(sacriston, tmp_path):
    path = write(
        tmp_path,
        "reference,name,decision,nomination-date,decision-date,listing-date\n"
        "T-1,The Test Arms,listed,2015-09-01,2015-10-20,2015-10-19\n"
        "T-2,The Plough,listed,2015-09-01,2015-10-20,2015-08-01\n",
    )
    report = run(path, sacriston)
    assert ListEntry.objects.get(reference="T-1").listed_on == D(2015, 10, 19)
    assert (
        "row 2 (T-1): listing-date 2015-10-19 is before the decision-date 2015-10-20; "
        "the listing date is used"
    ) in report.notices
    assert [str(problem) for problem in report.problems] == [
        "row 3, listing-date: 2015-08-01 is before the nomination (2015-09-01)"
    ]


def correct_in_the_admin(entry, listed_on):
    """What the admin does when an officer saves a corrected date of the list entry."""
    entry.listed_on = listed_on
    entry.full_clean()
    entry.save()
    apply_entry(entry)


def test_a_reimport_keeps_an_officers_corrected_listing_date(sacriston, tmp_path):
    path = write(tmp_path, ISSUE_FILE)
    run(path, sacriston)
    entry = ListEntry.objects.get(reference="T-1")
    correct_in_the_admin(entry, D(2016, 2, 18))
    assert listing_events(entry) == [(D(2016, 2, 18), "On the list until 17 February 2021.")]

    report = run(path, sacriston)
    entry.refresh_from_db()
    assert (entry.listed_on, entry.expires_on) == (D(2016, 2, 18), D(2021, 2, 17))
    assert [date for date, _note in listing_events(entry)] == [D(2016, 2, 18)]
    assert (
        "row 2 (T-1): decision-date 2015-10-20 differs from the date of the list entry, "
        "2016-02-18, which is kept (a listing-date column changes it)"
    ) in report.notices

    before = everything()
    again = run(path, sacriston)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert everything() == before


def test_a_listing_date_in_the_file_wins_over_the_register(sacriston, tmp_path):
    run(write(tmp_path, ISSUE_FILE), sacriston)
    entry = ListEntry.objects.get(reference="T-1")
    correct_in_the_admin(entry, D(2016, 2, 18))
    path = write(
        tmp_path,
        ISSUE_FILE.replace("entry-date,", "entry-date,listing-date,").replace(
            "2016-02-18,", "2016-02-18,2016-01-05,"
        ),
        "with_listing_date.csv",
    )
    report = run(path, sacriston)
    assert report.updated == 1
    entry.refresh_from_db()
    assert (entry.listed_on, entry.expires_on) == (D(2016, 1, 5), D(2021, 1, 4))
    assert [date for date, _note in listing_events(entry)] == [D(2016, 1, 5)]

    before = everything()
    again = run(path, sacriston)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert everything() == before


def test_the_fixture_file_imports_every_date_and_group(sacriston):
    report = run(DATA / "acv_listing_dates.csv", sacriston)
    assert report.rejected == 0, report.problems
    arms = ListEntry.objects.get(reference="L-1")
    assert (arms.listed_on, arms.recorded_on, arms.nominated_by) == (
        D(2016, 2, 18),
        D(2016, 2, 18),
        "Test Parish Council",
    )
    refused = Nomination.objects.get(council_reference="L-3")
    assert refused.recorded_on == D(2016, 4, 7)
