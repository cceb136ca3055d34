import datetime
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets_register.importers.base import ImportFileError
from assets_register.importers.generic_csv import GenericAssetCsvImporter
from assets_register.models import Asset, AssetEvent, LocationSource, Status
from assets_register.models.assets import AssetQuerySet
from tests.factories import AssetFactory

from ..conftest import DATA

pytestmark = pytest.mark.django_db


def run(name, **kwargs):
    return GenericAssetCsvImporter(DATA / name, source_name="test", **kwargs).run()


def test_valid_file_creates_located_assets_with_history(sacriston):
    report = run("assets_ok.csv")
    assert (report.created, report.updated, report.unchanged, report.rejected) == (3, 0, 0, 0)
    hall = Asset.objects.get(source_ref="h1")
    assert hall.location_source == LocationSource.POSTCODE  # no coordinates: from postcode
    assert hall.council == sacriston and hall.ownership == "community_owned"
    assert hall.category == "community_centre"  # matched by its label
    pub = Asset.objects.get(source_ref="h2")
    assert pub.postcode == "DH7 6LQ" and pub.location_source == LocationSource.SOURCE_DATA
    assert pub.status == Status.CLOSED
    closure = pub.events.get()
    assert (closure.date, closure.date_precision) == (datetime.date(2019, 6, 1), "month")
    police = Asset.objects.get(source_ref="h3")
    assert police.events.get().date == datetime.date(2012, 3, 31)


def test_second_run_changes_nothing(sacriston):
    run("assets_ok.csv")
    before = list(Asset.objects.values().order_by("pk"))
    report = run("assets_ok.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert list(Asset.objects.values().order_by("pk")) == before
    assert AssetEvent.objects.count() == 3


def test_places_another_writer_adds_during_an_import_are_not_taken_for_its_own(
    sacriston, monkeypatch
):
    """The import reads its new places' ids back from past the last id before it wrote:
    a place someone else adds meanwhile lies in that range too."""
    insert_rows = AssetQuerySet.insert_rows

    def with_others_meanwhile(queryset, rows):
        inserted = insert_rows(queryset, rows)
        AssetFactory(source="test", source_ref="someone-elses", name="Other")
        AssetFactory(source="elsewhere", source_ref="h2", name="Zed's h2, elsewhere's")
        return inserted

    monkeypatch.setattr(AssetQuerySet, "insert_rows", with_others_meanwhile)
    report = run("assets_ok.csv")
    assert report.created == 3
    pub = Asset.objects.get(source="test", source_ref="h2")
    assert pub.status == Status.CLOSED and pub.events.get().date == datetime.date(2019, 6, 1)
    others = Asset.objects.filter(name__in=["Other", "Zed's h2, elsewhere's"])
    assert others.count() == 2 and not AssetEvent.objects.filter(asset__in=others).exists()
    assert AssetEvent.objects.count() == 3


def test_a_changed_row_is_an_update(sacriston, tmp_path):
    run("assets_ok.csv")
    changed = (DATA / "assets_ok.csv").read_text().replace("The Red Lion", "The Red Lion Inn")
    path = tmp_path / "changed.csv"
    path.write_text(changed)
    report = GenericAssetCsvImporter(path, source_name="test").run()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Asset.objects.filter(name="The Red Lion Inn").exists()


def test_a_closure_given_on_a_later_run_closes_the_place_and_only_it(sacriston, tmp_path):
    run("assets_ok.csv")
    assert Asset.objects.get(source_ref="h1").status == Status.OPEN
    closed = (DATA / "assets_ok.csv").read_text().replace("Trustees,1923,", "Trustees,1923,2024")
    path = tmp_path / "closed.csv"
    path.write_text(closed)
    untouched = Asset.objects.filter(source_ref__in=["h2", "h3"]).values_list("updated_at")
    before = list(untouched)
    report = GenericAssetCsvImporter(path, source_name="test").run()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Asset.objects.get(source_ref="h1").status == Status.CLOSED
    assert list(untouched) == before


def test_missing_column_names_it_and_writes_nothing(sacriston):
    with pytest.raises(ImportFileError, match="Missing column.*name"):
        run("assets_missing_column.csv")
    assert not Asset.objects.exists()


def test_bad_postcode_rejects_that_row_only(sacriston):
    report = run("assets_bad_postcode.csv")
    assert (report.created, report.rejected) == (1, 1)
    assert str(report.problems[0]) == "line 3, postcode: 'DH7 XXX' is not a valid UK postcode"


def test_coordinates_outside_the_uk_are_rejected(sacriston):
    report = run("assets_outside_uk.csv")
    assert report.created == 1
    assert [(p.row, p.field) for p in report.problems] == [
        (3, "latitude"),
        (4, "latitude"),
        (5, "latitude"),
    ]
    assert "outside the United Kingdom" in report.problems[0].message
    assert "are not coordinates" in report.problems[2].message


def test_duplicate_ids_in_one_file_reject_the_later_row(sacriston):
    report = run("assets_duplicate_ids.csv")
    assert report.created == 2
    assert str(report.problems[0]) == "line 4: duplicate of line 2 (h1)"
    assert Asset.objects.get(source_ref="h1").name == "First Hall"


def test_each_bad_value_is_named(sacriston):
    report = run("assets_bad_values.csv")
    assert report.created == 0
    assert [(p.row, p.field) for p in report.problems] == [
        (2, "name"),
        (3, "category"),
        (4, "closed"),
        (5, "source_ref"),
    ]


def test_non_utf8_file_is_read_as_windows_1252_with_a_notice(sacriston):
    report = run("assets_cp1252.csv")
    assert report.created == 1
    assert Asset.objects.get().name == "Café on the Green"
    assert any("not UTF-8" in notice for notice in report.notices)


def test_empty_file_is_a_clear_error(sacriston):
    with pytest.raises(ImportFileError, match="empty"):
        run("assets_empty.csv")


def test_dry_run_reports_counts_and_writes_nothing(sacriston):
    report = run("assets_ok.csv", dry_run=True)
    assert report.created == 3 and report.dry_run
    assert "dry run" in report.summary()
    assert not Asset.objects.exists() and not AssetEvent.objects.exists()


def test_unknown_postcode_is_imported_without_a_location_and_reported(sacriston, tmp_path):
    path = tmp_path / "unknown.csv"
    path.write_text("source_ref,name,category,postcode\nx1,Far Hall,community_centre,ZZ9 9ZZ\n")
    report = GenericAssetCsvImporter(path, source_name="test").run()
    assert report.created == 1
    asset = Asset.objects.get()
    assert not asset.is_located and asset.location_source == LocationSource.NONE
    assert "line 2: could not locate 'Far Hall'" in report.notices[0]


cells = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(cells, cells, cells, cells, cells, cells), max_size=6))
def test_arbitrary_cells_never_crash_the_importer(sacriston, rows):
    """Every row is either imported or rejected with a named field; nothing raises."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["source_ref", "name", "category", "postcode", "latitude", "closed"])
    writer.writerows(rows)
    source = io.BytesIO(buffer.getvalue().encode())
    source.name = "fuzz.csv"
    report = GenericAssetCsvImporter(source, source_name="fuzz", dry_run=True).run()
    assert report.created + report.rejected == len(rows)
    for problem in report.problems:
        assert problem.row >= 2 and problem.message
    assert not Asset.objects.filter(source="fuzz").exists()
