"""When the figures are recomputed: by the command, by the task, and after a real import."""

import io

import pytest

from django.core.management import call_command

from assets_register.indicators.tasks import compute_indicators
from assets_register.models import IndicatorSnapshot

from ..factories import AreaFactory, AssetEventFactory, AssetFactory

pytestmark = pytest.mark.django_db

CSV = (
    "source_ref,name,category,closed\nr1,The Red Lion,pub,2019\nr2,Village Hall,community_centre,\n"
)


def test_the_command_reports_what_it_flagged():
    ward = AreaFactory()
    for _ in range(2):
        AssetEventFactory(asset=AssetFactory(ward=ward))  # each closed on 1 March 2020
    out = io.StringIO()
    call_command("compute_indicators", "--on", "2025-03-01", stdout=out)
    assert out.getvalue().strip().startswith("1 areas as of 2025-03-01 in ")
    assert out.getvalue().strip().endswith("1 losing places to meet, 0 at left-behind risk")
    snapshot = IndicatorSnapshot.objects.get()
    assert snapshot.areas.get().change_10y == -2


def test_the_command_refuses_a_bad_date():
    with pytest.raises(Exception, match="is not a date"):
        call_command("compute_indicators", "--on", "1 March")


def test_the_task_recomputes():
    AreaFactory()
    result = compute_indicators.enqueue()
    assert result.return_value["areas"] == 1
    assert IndicatorSnapshot.objects.count() == 1


def test_a_real_import_queues_a_recompute(tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "halls.csv"
    path.write_text(CSV)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_assets", str(path), "--format", "generic", verbosity=0)
    assert IndicatorSnapshot.objects.count() == 1


@pytest.mark.parametrize("flag", ["--dry-run", None])
def test_a_dry_run_or_an_unchanged_import_does_not(
    tmp_path, django_capture_on_commit_callbacks, flag
):
    path = tmp_path / "halls.csv"
    path.write_text(CSV)
    if flag is None:  # import once, then again: the second run changes nothing
        call_command("import_assets", str(path), "--format", "generic", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command(
            "import_assets",
            str(path),
            "--format",
            "generic",
            verbosity=0,
            **({"dry_run": True} if flag else {}),
        )
    assert not IndicatorSnapshot.objects.exists()
    assert not any("compute_indicators" in repr(callback) for callback in callbacks)
