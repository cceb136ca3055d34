"""England from a folder of the official files, in stages (`manage.py load_england`).

Each stage runs the existing importer for one dataset inside one transaction that also
records the stage as done (LoadStage) with the checksum of its input files and of the
stage before it. A stage that is done with the same checksum is skipped, so a second run
changes nothing; a stage killed half way leaves nothing behind and runs again from the
start; a changed file reruns its stage and every stage after it. The folder has the
layout of shared/data (downloads.MANIFEST names each file).
"""

import gzip
import hashlib
import io
import itertools
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from django.db import transaction
from django.utils import timezone

from assets_register.geo.spatial import AreaIndex, geometry_from_geojson
from assets_register.importers.areas import BoundaryImporter, DeprivationImporter, PostcodeImporter
from assets_register.importers.base import ImportFileError, ImportReport
from assets_register.importers.downloads import sha256_of
from assets_register.importers.imd2025 import Imd2025Importer
from assets_register.importers.libraries import PublicLibrariesImporter
from assets_register.importers.library_editions import (
    Libraries2016Importer,
    merge_library_editions,
)
from assets_register.importers.pubs import OpenPubsImporter
from assets_register.importers.snapshots import OsmSnapshotImporter
from assets_register.indicators.compute import recompute
from assets_register.models import Area, AreaKind, LoadStage

POSTCODE_CHUNK_ROWS = 100_000
COUNCILS_FROM, WARDS_FROM, LSOAS_FROM = "2024-05-01", "2013-05-02", "2011-03-27"


@dataclass
class Stage:
    name: str
    inputs: tuple  # file names or glob patterns inside the folder
    load: Callable  # (loader, [paths]) -> ImportReport-like with a row count
    optional: bool = False  # skipped when its files are absent (Open Pubs covers Swale only)


@dataclass
class Outcome:
    name: str
    state: str  # loaded | already done | no files
    rows: int = 0
    seconds: float = 0.0
    summary: str = ""
    peak_rss_mb: float = 0.0

    @property
    def rows_per_second(self):
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class StageReport:
    """What a stage did, for the summary and the report file."""

    rows: int = 0
    lines: list = field(default_factory=list)

    def add(self, title, report):
        self.rows += report.created + report.updated + report.unchanged + report.rejected
        self.rows += getattr(report, "skipped", 0)
        self.lines.append(f"{title}: {report.summary()}")
        self.lines += [f"  {notice}" for notice in report.notices]
        self.lines += [f"  rejected {problem}" for problem in report.problems]
        return report


class Loader:
    def __init__(self, folder, *, stages=None, progress=None, say=None, report_dir=None):
        self.folder = Path(folder)
        self.stages = stages if stages is not None else STAGES
        self.progress = progress or (lambda iterable, **kwargs: iterable)
        self.say = say or (lambda line: None)
        self.report_dir = Path(report_dir) if report_dir else None
        self._area_index = None

    def area_index(self):
        """One index of every current boundary, shared by the place imports."""
        if self._area_index is None:
            self._area_index = AreaIndex()
        return self._area_index

    def paths(self, stage):
        found = []
        for pattern in stage.inputs:
            matches = sorted(self.folder.glob(pattern))
            if not matches and not stage.optional:
                raise ImportFileError(
                    f"{stage.name}: {self.folder / pattern} is missing "
                    "(load_england --download fetches the published files)."
                )
            found += matches
        return found

    def check(self):
        """Every required file is there: a missing one is reported before any stage runs."""
        missing = []
        for stage in self.stages:
            try:
                self.paths(stage)
            except ImportFileError as error:
                missing.append(str(error))
        if missing:
            raise ImportFileError("\n".join(missing))

    def run(self, restart=False):
        self.check()
        if restart:
            LoadStage.objects.filter(name__in=[s.name for s in self.stages]).delete()
        outcomes, chained = [], ""
        for stage in self.progress(self.stages, desc="load England", unit="stage"):
            paths = self.paths(stage)
            checksum = hashlib.sha256(chained.encode())
            for path in paths:
                checksum.update(f"{path.name}:{sha256_of(path)}\n".encode())
            chained = checksum.hexdigest()
            if not paths and stage.inputs:
                outcomes.append(Outcome(stage.name, "no files"))
                continue
            done = LoadStage.objects.filter(name=stage.name, checksum=chained).first()
            if done:
                outcomes.append(Outcome(stage.name, "already done", done.rows, done.seconds))
                continue
            self.say(f"{stage.name}: {', '.join(p.name for p in paths)}")
            outcomes.append(self.run_stage(stage, paths, chained))
        return outcomes

    def run_stage(self, stage, paths, checksum):
        started = time.perf_counter()
        with transaction.atomic():
            report = stage.load(self, paths)
            seconds = time.perf_counter() - started
            LoadStage.objects.update_or_create(
                name=stage.name,
                defaults={
                    "checksum": checksum,
                    "rows": report.rows,
                    "seconds": round(seconds, 2),
                    "summary": "\n".join(report.lines)[:100_000],
                    "completed_at": timezone.now(),
                },
            )
        if self.report_dir:
            self.report_dir.mkdir(parents=True, exist_ok=True)
            (self.report_dir / f"{stage.name}.txt").write_text("\n".join(report.lines) + "\n")
        summary = report.lines[0] if report.lines else ""
        return Outcome(stage.name, "loaded", report.rows, seconds, summary, peak_rss_mb())

    def bar(self, iterable, **kwargs):
        return self.progress(iterable, leave=False, **kwargs)


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _open(path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def boundaries(kind, valid_from):
    def load(loader, paths):
        result = StageReport()
        for path in paths:
            with _open(path) as handle:
                importer = BoundaryImporter(
                    handle, kind=kind, valid_from=valid_from, progress=loader.bar
                )
                result.add(path.name, importer.run())
        if kind != AreaKind.COUNCIL:
            moved = parents_by_geometry(kind, valid_from)
            result.lines.append(f"current council found by geometry for {moved} {kind} areas")
        loader._area_index = None  # boundaries changed: rebuild on next use
        return result

    return load


def parents_by_geometry(kind, valid_from):
    """Each ward or LSOA's current council: the one holding a point inside it. The files'
    own LAD codes are 2013's, before several councils merged."""
    current = Area.objects.councils().current().filter(boundary__isnull=False)
    councils = list(current.values_list("pk", "boundary"))
    areas = list(
        Area.objects.filter(kind=kind, valid_from=valid_from).values_list(
            "pk", "parent_id", "boundary_display"
        )
    )
    if not councils or not areas:
        return 0
    tree = shapely.STRtree([geometry_from_geojson(boundary) for _pk, boundary in councils])
    council_ids = np.array([pk for pk, _boundary in councils])
    points = shapely.point_on_surface([geometry_from_geojson(b) for _pk, _p, b in areas])
    point_at, council_at = tree.query(points, predicate="intersects")
    found = {}
    for point, council in zip(point_at.tolist(), council_at.tolist(), strict=True):
        found.setdefault(point, int(council_ids[council]))
    changed = [
        Area(pk=pk, parent_id=found.get(position))
        for position, (pk, parent_id, _b) in enumerate(areas)
        if found.get(position) != parent_id
    ]
    Area.objects.bulk_update(changed, ["parent"], batch_size=2000)
    return len(changed)


def postcodes(loader, paths):
    """Code-Point Open in chunks, so a 1.5 million row file never sits in memory whole."""
    result = StageReport()
    for path in paths:
        total = ImportReport()
        with io.TextIOWrapper(_open(path), encoding="utf-8-sig", newline="") as handle:
            header, lines_before = handle.readline(), 1
            bar = loader.bar(None, desc="postcodes", unit="row", total=None)
            while chunk := list(itertools.islice(handle, POSTCODE_CHUNK_ROWS)):
                source = io.BytesIO((header + "".join(chunk)).encode())
                source.name = path.name.removesuffix(".gz")
                report = PostcodeImporter(source).run()
                for problem in report.problems:
                    problem.row += lines_before - 1
                for name in ("created", "updated", "unchanged", "rejected", "skipped"):
                    setattr(total, name, getattr(total, name) + getattr(report, name))
                total.problems += report.problems
                lines_before += len(chunk)
                if hasattr(bar, "update"):
                    bar.update(len(chunk))
            if hasattr(bar, "close"):
                bar.close()
        result.add(path.name, total)
    return result


def single(importer_class, **options):
    def load(loader, paths):
        result = StageReport()
        for path in paths:
            importer = importer_class(path, progress=loader.bar, **options)
            if hasattr(importer, "area_index"):
                importer.area_index = loader.area_index()
            result.add(path.name, importer.run())
        return result

    return load


def libraries_2016(loader, paths):
    result = single(Libraries2016Importer)(loader, paths)
    result.lines.append(f"{merge_library_editions()} libraries of 2016 are 2023 places too")
    return result


def osm_pubs(loader, paths):
    result = StageReport()
    importer = OsmSnapshotImporter(paths, progress=loader.bar, area_index=loader.area_index())
    report = result.add(", ".join(p.name for p in paths), importer.run())
    result.rows = sum(_count_lines(path) - 1 for path in paths)
    if loader.report_dir:
        loader.report_dir.mkdir(parents=True, exist_ok=True)
        with open(loader.report_dir / "osm_pubs_without_a_location.tsv", "w") as out:
            out.write("osm_ids\tname\tfirst_seen\tlast_seen\n")
            for osm_ids, name, first, last in report.unlocated:
                out.write(f"{','.join(osm_ids)}\t{name}\t{first}\t{last}\n")
    return result


def _count_lines(path):
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def indicators(loader, paths):
    snapshot = recompute()
    result = StageReport(rows=snapshot.area_count)
    result.lines.append(f"indicators for {snapshot.area_count} areas")
    return result


STAGES = [
    Stage(
        "councils",
        ("boundaries/lad_2024_05_england_buc.geojson",),
        boundaries(AreaKind.COUNCIL, COUNCILS_FROM),
    ),
    Stage(
        "wards",
        ("boundaries/wards_2013_england.geojson.gz",),
        boundaries(AreaKind.WARD, WARDS_FROM),
    ),
    Stage(
        "lsoas", ("boundaries/lsoa_2011_england.geojson.gz",), boundaries(AreaKind.LSOA, LSOAS_FROM)
    ),
    Stage("postcodes", ("postcodes/codepoint_open_2025_10_england.csv.gz",), postcodes),
    Stage("imd2019", ("deprivation/imd2019_england_lsoa11.csv",), single(DeprivationImporter)),
    Stage("imd2025", ("deprivation/imd2025_england_lsoa21.csv",), single(Imd2025Importer)),
    Stage(
        "libraries-2023",
        ("libraries/public_libraries_england_2023.csv",),
        single(PublicLibrariesImporter),
    ),
    Stage(
        "libraries-2016", ("libraries/librarieshacked_libraries_england_2016.csv",), libraries_2016
    ),
    Stage("open-pubs", ("pubs/open_pubs*.csv",), single(OpenPubsImporter), optional=True),
    Stage("osm-pubs", ("pubs/osm_pubs_gb_*.tsv",), osm_pubs),
    Stage("indicators", (), indicators, optional=True),
]
