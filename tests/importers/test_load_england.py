"""`load_england` end to end on files cut from the real ones (tests/data/national): every
stage, a second run that changes nothing, a run killed inside a stage and resumed, and
downloads checked against the manifest (file:// URLs and a fake fetcher: no network)."""

import hashlib
import json
import shutil

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from assets_register.importers import national
from assets_register.importers.downloads import DownloadError, ManifestEntry, download
from assets_register.importers.national import Loader, Stage, parents_by_geometry
from assets_register.models import (
    Area,
    AreaKind,
    Asset,
    AssetEvent,
    AssetSource,
    IndicatorSnapshot,
    LoadStage,
    PostcodeLocation,
    Status,
)

from ..conftest import DATA
from ..factories import AreaFactory, CouncilFactory, square

pytestmark = pytest.mark.django_db
FOLDER = DATA / "national"


def register_state():
    """Everything a load writes, in a comparable form."""
    return {
        "areas": sorted(
            Area.objects.values_list(
                "gss_code", "kind", "parent__gss_code", "imd_decile", "imd_2025_decile"
            )
        ),
        "postcodes": sorted(PostcodeLocation.objects.values_list("postcode", "latitude")),
        "assets": sorted(
            Asset.objects.values_list(
                "source",
                "source_ref",
                "name",
                "latitude",
                "longitude",
                "status",
                "live",
                "council__gss_code",
                "ward__gss_code",
                "lsoa__gss_code",
                "address",
            )
        ),  # fmt: skip
        "events": sorted(
            AssetEvent.objects.values_list("asset__source_ref", "kind", "date", "date_until")
        ),
        "sources": sorted(
            AssetSource.objects.values_list("asset__source_ref", "source", "source_ref")
        ),
    }


def load(tmp_path, folder=FOLDER, **options):
    call_command(
        "load_england", str(folder), report_dir=str(tmp_path / "report"), verbosity=0, **options
    )


def test_one_command_loads_every_dataset(tmp_path):
    load(tmp_path)
    assert Area.objects.filter(kind=AreaKind.COUNCIL).count() == 2
    sheerness_ward = Area.objects.get(gss_code="E05005074")
    assert sheerness_ward.parent.name == "Swale"
    assert Area.objects.get(gss_code="E05000492").parent is None  # Newham: not loaded
    lsoa = Area.objects.get(gss_code="E01024609")
    assert (lsoa.imd_decile, lsoa.imd_2025_decile) != (None, None)
    assert PostcodeLocation.objects.count() == 9
    # Libraries: the 2016 edition's Sheerness Library is the 2023 one; the old Russell
    # Street library of the same name, closed in 2012, stays a place of its own.
    sheerness = Asset.objects.live().filter(name="Sheerness Library")
    assert sheerness.count() == 2
    current = sheerness.get(source="ace-libraries")
    assert current.sources.get(source="dcms-libraries-2016").record.postcode == "ME12 1NL"
    russell = sheerness.get(source="dcms-libraries-2016")
    assert (russell.postcode, russell.status) == ("ME12 1PL", Status.CLOSED)
    assert Asset.objects.live().filter(name="Faversham Library").count() == 1
    # Pubs: the snapshots' closures and the Open Pubs merges (tests/importers/test_snapshots.py).
    assert Asset.objects.live().get(name="The Nore").status == Status.CLOSED
    assert Asset.objects.live().filter(name="The Alma").count() == 1
    assert IndicatorSnapshot.objects.exists()
    assert set(LoadStage.objects.values_list("name", flat=True)) == {
        s.name for s in national.STAGES
    }
    unlocated = (tmp_path / "report" / "osm_pubs_without_a_location.tsv").read_text()
    assert "The Chequers Inn" in unlocated


def test_a_second_run_changes_nothing_and_a_restart_neither(tmp_path):
    load(tmp_path)
    first = register_state()
    outcomes = Loader(FOLDER).run()
    assert {o.state for o in outcomes} == {"already done"}
    load(tmp_path, restart=True)
    assert register_state() == first


def test_a_load_killed_inside_a_stage_resumes_from_that_stage(tmp_path):
    class Killed(BaseException):  # like SIGINT: not an Exception the code could swallow
        pass

    def killed_after_writing(loader, paths):
        national.postcodes(loader, paths)
        assert PostcodeLocation.objects.count() == 9  # written, not yet committed
        raise Killed

    stages = [
        Stage(s.name, s.inputs, killed_after_writing) if s.name == "postcodes" else s
        for s in national.STAGES
    ]
    with pytest.raises(Killed):
        Loader(FOLDER, stages=stages).run()
    assert list(LoadStage.objects.values_list("name", flat=True)) == ["councils", "wards", "lsoas"]
    assert PostcodeLocation.objects.count() == 0  # the killed stage left nothing behind
    resumed = Loader(FOLDER).run()
    assert [o.state for o in resumed[:4]] == ["already done"] * 3 + ["loaded"]
    state = register_state()
    Loader(FOLDER).run(restart=True)
    assert register_state() == state  # the same as a clean run


def test_a_changed_file_reruns_its_stage_and_the_ones_after(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FOLDER, folder)
    Loader(folder).run()
    open_pubs = folder / "pubs" / "open_pubs_swale.csv"
    open_pubs.write_text(open_pubs.read_text().replace("The Alma", "The Alma Inn"))
    outcomes = {o.name: o.state for o in Loader(folder).run()}
    assert outcomes["libraries-2016"] == "already done"
    assert outcomes["open-pubs"] == outcomes["osm-pubs"] == "loaded"


def test_a_missing_file_is_named_before_anything_is_loaded(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FOLDER, folder)
    (folder / "deprivation" / "imd2019_england_lsoa11.csv").unlink()
    with pytest.raises(CommandError, match="imd2019_england_lsoa11.csv is missing"):
        load(tmp_path, folder)
    assert not Area.objects.exists()


def test_open_pubs_are_optional(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FOLDER, folder)
    (folder / "pubs" / "open_pubs_swale.csv").unlink()
    outcomes = {o.name: o.state for o in Loader(folder).run()}
    assert outcomes["open-pubs"] == "no files" and outcomes["osm-pubs"] == "loaded"


def test_wards_belong_to_the_council_their_ground_is_in_today():
    """A 2013 ward whose district has since merged into another council."""
    today = CouncilFactory(gss_code="E06000063", name="Cumberland", boundary=square(-3, 54, -2, 55))
    ward = AreaFactory(
        kind=AreaKind.WARD,
        gss_code="E05001234",
        valid_from="2013-05-02",
        boundary=square(-2.6, 54.4, -2.5, 54.5),
        boundary_display=square(-2.6, 54.4, -2.5, 54.5),
        parent=None,  # its file names Allerdale (E07000026), abolished in 2023
    )
    assert parents_by_geometry(AreaKind.WARD, "2013-05-02") == 1
    ward.refresh_from_db()
    assert ward.parent == today


def manifest_for(tmp_path, content=b"name\tosm_id\n"):
    published = tmp_path / "published.tsv"
    published.write_bytes(content)
    entry = ManifestEntry(
        "pubs/osm_pubs_gb_2022-01-28.tsv",
        published.as_uri(),
        hashlib.sha256(content).hexdigest(),
        "test",
    )
    return published, [entry]


def test_downloads_are_checked_cached_and_never_half_written(tmp_path):
    published, manifest = manifest_for(tmp_path)
    folder, cache = tmp_path / "data", tmp_path / "cache"
    assert download(folder, cache, manifest) == {"pubs/osm_pubs_gb_2022-01-28.tsv": "downloaded"}
    assert (folder / manifest[0].path).read_bytes() == published.read_bytes()
    assert download(folder, cache, manifest) == {"pubs/osm_pubs_gb_2022-01-28.tsv": "present"}

    def no_network(url, destination):
        raise AssertionError("fetched although the cache has it")

    (folder / manifest[0].path).unlink()
    assert download(folder, cache, manifest, fetch=no_network)[manifest[0].path] == "cached"
    other = tmp_path / "elsewhere"

    def changed_by_the_publisher(url, destination):
        destination.write_bytes(b"something else")

    wrong = [ManifestEntry("pubs/x.tsv", "https://example.invalid/x", "0" * 64, "test")]
    with pytest.raises(DownloadError, match="has sha256"):
        download(other, cache, wrong, fetch=changed_by_the_publisher)
    assert not (other / "pubs" / "x.tsv").exists()
    assert sorted(p.name for p in cache.iterdir()) == [manifest[0].sha256]


def test_the_manifest_matches_the_files_the_loader_reads():
    """Every stage's files are in the manifest, with a checksum and a URL."""
    paths = {entry.path for entry in national_manifest()}
    for stage in national.STAGES:
        for pattern in stage.inputs:
            if "open_pubs" not in pattern:  # Open Pubs is optional and not published whole
                assert any(_matches(pattern, path) for path in paths), pattern
    for entry in national_manifest():
        assert len(entry.sha256) == 64 and entry.url.startswith("https://")


def national_manifest():
    from assets_register.importers.downloads import MANIFEST

    return MANIFEST


def _matches(pattern, path):
    from fnmatch import fnmatch

    return fnmatch(path, pattern)


def test_the_report_lists_each_stage(tmp_path):
    load(tmp_path)
    report = json.dumps(sorted(p.name for p in (tmp_path / "report").iterdir()))
    assert "postcodes.txt" in report and "osm-pubs.txt" in report
