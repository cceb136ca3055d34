"""A library's own code is not a UPRN, and the opening hours in the library data are shown
(issue 16): rows cut from the 2023 edition."""

import pytest

from assets_register.importers.libraries import PublicLibrariesImporter
from assets_register.models import Asset

from ..conftest import DATA

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    report = PublicLibrariesImporter(DATA / "libraries_codes_and_hours.csv").run()
    assert report.rejected == 0
    return {a.name: a for a in Asset.objects.filter(source="ace-libraries")}


def test_a_library_code_is_kept_as_its_code_and_a_number_as_its_uprn(imported):
    sacriston = imported["Sacriston Library"]
    assert (sacriston.uprn, sacriston.local_code) == ("", "0945SO1")
    barking = imported["Barking Learning Centre Community Hub"]
    assert (barking.uprn, barking.local_code) == ("100053358", "")


def test_opening_hours_come_from_the_file(imported):
    assert imported["Sacriston Library"].opening_hours == [
        ["Monday", "All Day (continuous)"],
        ["Tuesday", "Closed"],
        ["Wednesday", "Closed"],
        ["Thursday", "AM & PM (continuous)"],
        ["Friday", "Closed"],
        ["Saturday", "AM Only"],
        ["Sunday", "Closed"],
        ["Hours a week", "20"],
    ]
    assert imported["Castle Green"].opening_hours == []  # closed every day: nothing to show


def test_the_place_page_labels_the_code_and_shows_the_hours(client, imported):
    page = client.get(imported["Sacriston Library"].get_absolute_url()).content.decode()
    assert "<dt>Library code</dt><dd>0945SO1</dd>" in page
    assert "<dt>UPRN</dt>" not in page
    assert "<li>Saturday: AM Only</li>" in page and "<li>Hours a week: 20</li>" in page
    page = client.get(imported["Barking Learning Centre Community Hub"].get_absolute_url())
    assert "<dt>UPRN</dt><dd>100053358</dd>" in page.content.decode()


def test_a_second_import_changes_nothing(imported):
    report = PublicLibrariesImporter(DATA / "libraries_codes_and_hours.csv").run()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
