"""The import commands as a person runs them."""

import contextlib
from io import StringIO

import pytest

from django.core.management import CommandError, ManagementUtility, call_command

from assets_register.models import Area, Asset, AssetEvent, PostcodeLocation

from ..conftest import DATA

pytestmark = pytest.mark.django_db


def call(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_assets_prints_counts_and_each_rejected_row(sacriston):
    out, err = call("import_assets", str(DATA / "assets_bad_postcode.csv"), "--format", "generic")
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "rejected line 3, postcode: 'DH7 XXX' is not a valid UK postcode" in err
    assert Asset.objects.get().source == "assets_bad_postcode"  # the file name by default


def test_strict_writes_nothing_and_fails_when_a_row_is_rejected(sacriston):
    with pytest.raises(CommandError, match="--strict: 1 row rejected, so nothing was written"):
        call(
            "import_assets",
            str(DATA / "assets_bad_postcode.csv"),
            "--format",
            "generic",
            "--strict",
        )
    assert not Asset.objects.exists()
    out, _ = call("import_assets", str(DATA / "assets_ok.csv"), "--format", "generic", "--strict")
    assert "3 created" in out


def exit_code(*argv):
    """The status the command exits with when run from the command line."""
    with contextlib.redirect_stdout(StringIO()), contextlib.redirect_stderr(StringIO()):
        try:
            ManagementUtility(["manage.py", *argv]).execute()
        except SystemExit as exit:
            return exit.code
    return 0


@pytest.mark.parametrize(
    "argv",
    [
        ("import_assets", "assets_bad_postcode.csv", "--format", "generic", "--strict"),
        ("import_boundaries", "wards_bad_features.geojson", "--kind", "ward", "--strict"),
        ("import_acv_register", "acv_bad_rows.csv", "--council", "E06000047", "--strict"),
        ("import_assets", "nope.csv", "--format", "generic"),
        ("import_assets", "assets_missing_column.csv", "--format", "generic"),
    ],
)
def test_a_rejected_row_under_strict_or_any_failure_exits_non_zero(sacriston, argv):
    name, path, *rest = argv
    assert exit_code(name, str(DATA / path), *rest) not in (0, None)


def test_a_clean_strict_import_exits_zero(sacriston):
    assert exit_code("import_assets", str(DATA / "assets_ok.csv"), "--format", "generic") in (
        0,
        None,
    )


def test_dry_run_command_writes_nothing(sacriston):
    out, _ = call("import_assets", str(DATA / "assets_ok.csv"), "--format", "generic", "--dry-run")
    assert "3 created" in out and "dry run" in out
    assert not Asset.objects.exists()


def test_missing_file_and_missing_column_are_command_errors(sacriston):
    with pytest.raises(CommandError, match="no file"):
        call("import_assets", str(DATA / "nope.csv"), "--format", "generic")
    with pytest.raises(CommandError, match="Missing column"):
        call("import_assets", str(DATA / "assets_missing_column.csv"), "--format", "generic")


def test_the_demo_data_loads_and_a_second_run_changes_nothing(demo_data):
    counts = (
        Area.objects.count(),
        Asset.objects.count(),
        AssetEvent.objects.count(),
        PostcodeLocation.objects.count(),
    )
    assert counts[0] == 3 + 125 + 568 and counts[1] > 400 and counts[3] > 25000
    out, _ = call("load_demo_data", "--no-admin")
    assert " created" in out and "0 updated" in out
    assert "1 created" not in out and all(
        line.startswith("0 created, 0 updated") for line in out.splitlines() if "created" in line
    )
    after = (
        Area.objects.count(),
        Asset.objects.count(),
        AssetEvent.objects.count(),
        PostcodeLocation.objects.count(),
    )
    assert after == counts
    sacriston = Area.objects.get(gss_code="E05009076")
    assert sacriston.name == "Sacriston" and sacriston.parent.name == "County Durham"
    assert Asset.objects.filter(ward=sacriston).exists()
    assert Asset.objects.filter(status="closed", council__name="Stoke-on-Trent").count() >= 10


def test_load_demo_data_prints_an_admin_login(db, settings):
    settings.SITE_URL = "http://127.0.0.1:8102"  # PORT=8102 ./bin/demo
    out, _ = call("load_demo_data")
    assert "Admin login: http://127.0.0.1:8102/admin/  user: admin  password: " in out
