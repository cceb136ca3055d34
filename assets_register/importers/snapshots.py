"""OpenStreetMap pub snapshots in: one place per pub across every snapshot, closures dated
between two snapshots, and each pub merged with its Open Pubs row.

The files are tab-separated `name, normalized_name, osm_id, latitude, longitude` extracts
of every amenity=pub in Great Britain (github.com/mlj/uk-pub-names), one per date, the date
in the file name (`osm_pubs_gb_2016-10-30.tsv`). ODbL 1.0: every place, record and event
made here keeps the source 'osm-pubs' so it stays separable.

A pub is placed by the latest snapshot that has coordinates for it; one that never had
any is placed by a unique name match with an Open Pubs row (a place in another source);
one still without a location, or outside the loaded councils (Scotland, Wales), is not
made a place: the first are listed in the report. Matching rules: pub_matching.py.
"""

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from assets_register.core.distance import distance_km
from assets_register.geo.map_index import bump_map_version
from assets_register.geo.spatial import AreaIndex
from assets_register.importers.assets import SIX_PLACES, _same, coordinates
from assets_register.importers.base import (
    ImportFileError,
    ImportReport,
    RowError,
    read_table,
    text,
)
from assets_register.importers.pub_matching import (
    Sighting,
    match_snapshots,
    name_key,
    name_similarity,
)
from assets_register.models import (
    Asset,
    AssetEvent,
    AssetSource,
    Category,
    DatePrecision,
    EventKind,
    LocationSource,
)

SOURCE = "osm-pubs"
OPEN_PUBS = "open-pubs"
# Open Pubs places a pub at its postcode: further from the building than OSM is.
OPEN_PUBS_METRES, OPEN_PUBS_NAME_ALIKE = 250, 80
OPEN_PUBS_NEAR_METRES, OPEN_PUBS_NAME_ALIKE_NEAR = 60, 60
DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
REQUIRED = ("name", "osm_id", "latitude", "longitude")
PLACE_FIELDS = (
    "name",
    "latitude",
    "longitude",
    "location_source",
    "osm_id",
    "address",
    "postcode",
    "council_id",
    "ward_id",
    "lsoa_id",
)
NOTICES_SHOWN = 50


@dataclass
class SnapshotReport(ImportReport):
    snapshots: int = 0
    pubs: int = 0
    closures: int = 0
    ambiguous: int = 0
    remapped: int = 0
    matched_by_place: int = 0
    matched_by_name: int = 0
    located_from_another_snapshot: int = 0
    located_from_open_pubs: int = 0
    outside: int = 0
    merged_with_open_pubs: int = 0
    closed_but_in_open_pubs: int = 0
    unlocated: list = field(default_factory=list)  # (osm ids, name, first seen, last seen)

    def summary(self):
        return (
            f"{self.pubs} pubs in {self.snapshots} snapshots: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged; {self.closures} closed "
            f"between snapshots, {self.ambiguous} gone where a pub of the same name appeared "
            f"without a location (not counted as closed); {self.remapped} re-mapped "
            f"({self.matched_by_place} by place and name, {self.matched_by_name} by name); "
            f"{self.located_from_another_snapshot} located from another snapshot, "
            f"{self.located_from_open_pubs} from Open Pubs; {len(self.unlocated)} without a "
            f"location; {self.outside} outside the loaded councils; "
            f"{self.merged_with_open_pubs} merged with their Open Pubs row"
            + (" (dry run: nothing was written)" if self.dry_run else "")
        )


def snapshot_date(path):
    found = DATE_IN_NAME.search(str(getattr(path, "name", path)))
    if not found:
        raise ImportFileError(f"{path}: the snapshot's date (YYYY-MM-DD) must be in its name.")
    try:
        return datetime.date.fromisoformat(found[1])
    except ValueError:
        raise ImportFileError(f"{path}: {found[1]} is not a date.") from None


def read_snapshot(path, report):
    """(date, [Sighting]) from one extract; bad rows are reported, not fatal."""
    day = snapshot_date(path)
    frame, notices = read_table(path, sep="\t")
    report.notices.extend(notices)
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise ImportFileError(f"{path}: missing column(s): {', '.join(missing)}.")
    sightings = []
    for position, row in enumerate(frame.to_dict("records")):
        line = position + 2
        osm_id = text(row, "osm_id")
        if not osm_id.isdigit() or len(osm_id) > 30:
            report.rejected += 1
            report.notices.append(f"{path} line {line}: {osm_id[:30]!r} is not an OSM id")
            continue
        try:
            latitude, longitude = coordinates(row)
        except RowError as error:
            report.notices.append(f"{path} line {line}: {error.message}; kept without them")
            latitude = longitude = None
        sightings.append(
            Sighting(
                osm_id,
                (text(row, "name") or "Unnamed pub")[:255],
                None if latitude is None else float(latitude),
                None if longitude is None else float(longitude),
            )
        )
    return day, sightings


class OsmSnapshotImporter:
    """Every snapshot at once: the matching needs all of them."""

    def __init__(self, paths, *, dry_run=False, progress=None, area_index=None):
        self.paths = list(paths)
        self.dry_run = dry_run
        self.progress = progress or (lambda iterable, **kwargs: iterable)
        self.area_index = area_index
        self.report = SnapshotReport(dry_run=dry_run)

    def run(self):
        if not self.paths:
            raise ImportFileError("No snapshot files were given.")
        snapshots = [read_snapshot(path, self.report) for path in self.paths]
        if len({day for day, _ in snapshots}) != len(snapshots):
            raise ImportFileError("Two snapshot files have the same date.")
        self.report.snapshots = len(snapshots)
        matching = match_snapshots(snapshots)
        for name in ("remapped", "matched_by_place", "matched_by_name"):
            setattr(self.report, name, getattr(matching, name))
        with transaction.atomic():
            self.write(matching)
            if self.dry_run:
                transaction.set_rollback(True)
        if not self.dry_run:
            transaction.on_commit(bump_map_version)
        return self.report

    # Pass 2 -------------------------------------------------------------------------

    def write(self, matching):
        open_pubs = list(
            Asset.objects.filter(source=OPEN_PUBS).values(
                "pk", "source_ref", "name", "latitude", "longitude", "location_source",
                "address", "postcode",
            )
        )  # fmt: skip
        places = self.locate(matching, open_pubs)
        assets = self.write_places(places)
        self.write_sources(places, assets)
        self.write_closures(places, assets, matching)
        self.merge_open_pubs(places, assets, open_pubs)
        Asset.objects.filter(pk__in=[a.pk for a in assets]).refresh_statuses()

    def locate(self, matching, open_pubs):
        """The pubs that become places, each a dict of asset fields plus its Pub."""
        open_pub_by_key = defaultdict(list)
        for row in open_pubs:
            if row["latitude"] is not None:
                open_pub_by_key[name_key(row["name"])].append(row)
        pubs_per_key = Counter(name_key(pub.name) for pub in matching.pubs)
        located, positions = [], []
        for pub in matching.pubs:
            place = {"pub": pub, "address": "", "postcode": "", "open_pub": None}
            location, how = pub.location, LocationSource.SOURCE_DATA
            if location is None:
                key = name_key(pub.name)
                candidates = open_pub_by_key.get(key, [])
                if key and len(candidates) == 1 and pubs_per_key[key] == 1:
                    row = candidates[0]
                    location, how = (row["latitude"], row["longitude"]), row["location_source"]
                    place["open_pub"] = row
                    self.report.located_from_open_pubs += 1
            elif pub.located_from_another_snapshot:
                self.report.located_from_another_snapshot += 1
            if location is None:
                self.report.unlocated.append(
                    (list(pub.osm_ids()), pub.name, pub.first_seen, pub.last_seen)
                )
                continue
            place["latitude"] = Decimal(str(location[0])).quantize(SIX_PLACES)
            place["longitude"] = Decimal(str(location[1])).quantize(SIX_PLACES)
            place["location_source"] = how
            located.append(place)
            positions.append(location)
        index = self.area_index or AreaIndex()
        areas = index.locate_many([p[1] for p in positions], [p[0] for p in positions])
        places = []
        for place, found in zip(located, areas, strict=True):
            if found["council"] is None:
                self.report.outside += 1
                continue
            place.update(council_id=found["council"], ward_id=found["ward"], lsoa_id=found["lsoa"])
            places.append(place)
        self.report.pubs = len(places)
        for osm_ids, name, first, last in self.report.unlocated[:NOTICES_SHOWN]:
            self.report.notices.append(
                f"no location for {name!r} (OSM {', '.join(osm_ids)}, seen {first} to {last}):"
                " mapped as a building in every snapshot and not matched in another source"
            )
        if len(self.report.unlocated) > NOTICES_SHOWN:
            self.report.notices.append(
                f"… and {len(self.report.unlocated) - NOTICES_SHOWN} more without a location"
            )
        return places

    def write_places(self, places):
        """One Asset per place, found again through any OSM id it was ever seen with."""
        every_id = [osm_id for place in places for osm_id in place["pub"].osm_ids()]
        asset_of_id = dict(
            Asset.objects.from_source(SOURCE, every_id).values_list("source_ref", "pk")
        )
        asset_of_id.update(
            AssetSource.objects.filter(source=SOURCE, source_ref__in=every_id).values_list(
                "source_ref", "asset_id"
            )
        )
        existing = Asset.objects.in_bulk(set(asset_of_id.values()))
        used_refs = set(Asset.objects.filter(source=SOURCE).values_list("source_ref", flat=True))
        claimed, to_create, to_update, assets = set(), [], [], []
        self._unchanged = set()
        for place in self.progress(places, desc="osm pubs", unit="pub"):
            pub = place["pub"]
            # Only nodes carry coordinates in these extracts, and the place page links the
            # id as a node: a building's id there would be some other node.
            place["name"], place["osm_id"] = pub.name, pub.latest_node_id
            if place["open_pub"]:
                place["address"] = place["open_pub"]["address"]
                place["postcode"] = place["open_pub"]["postcode"]
            known = [asset_of_id[i] for i in pub.osm_ids() if i in asset_of_id]
            pk = next((pk for pk in known if pk not in claimed), None)
            asset = existing.get(pk)
            if asset is None:
                ref = next((i for i in pub.osm_ids() if i not in used_refs), None)
                ref = ref or f"{next(iter(pub.osm_ids()))}-{len(used_refs)}"
                used_refs.add(ref)
                asset = Asset(source=SOURCE, source_ref=ref, category=Category.PUB, live=True)
                for name in PLACE_FIELDS:
                    setattr(asset, name, place[name])
                to_create.append(asset)
            else:
                claimed.add(asset.pk)
                if place["open_pub"] is None:  # keep what an earlier merge filled in
                    place["address"], place["postcode"] = asset.address, asset.postcode
                changed = [n for n in PLACE_FIELDS if not _same(getattr(asset, n), place[n])]
                for name in changed:
                    setattr(asset, name, place[name])
                if changed:
                    to_update.append(asset)
                else:
                    self._unchanged.add(asset.pk)
            place["asset"] = asset
            assets.append(asset)
        Asset.objects.bulk_create(to_create, batch_size=1000)
        Asset.objects.bulk_update(to_update, PLACE_FIELDS, batch_size=1000)
        if to_create and to_create[0].pk is None:  # backends that do not return ids
            ids = dict(
                Asset.objects.from_source(SOURCE, [a.source_ref for a in to_create]).values_list(
                    "source_ref", "pk"
                )
            )
            for asset in to_create:
                asset.pk = ids[asset.source_ref]
        self.report.created += len(to_create)
        self.report.updated += len(to_update)
        self.report.unchanged += len(self._unchanged)
        return assets

    def write_sources(self, places, assets):
        """An AssetSource per OSM object a pub was mapped as, with the dates it was seen."""
        wanted = {}
        for place in places:
            for osm_id, (first, last, name) in place["pub"].osm_ids().items():
                wanted.setdefault(osm_id, (place["asset"].pk, name[:255], first, last))
        existing = {
            source.source_ref: source
            for source in AssetSource.objects.filter(source=SOURCE, source_ref__in=list(wanted))
        }
        to_create, to_update = [], []
        for osm_id, (asset_id, name, first, last) in wanted.items():
            source = existing.get(osm_id)
            values = {"asset_id": asset_id, "name": name, "first_seen": first, "last_seen": last}
            if source is None:
                to_create.append(AssetSource(source=SOURCE, source_ref=osm_id, **values))
            elif any(getattr(source, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(source, key, value)
                to_update.append(source)
        AssetSource.objects.bulk_create(to_create, batch_size=2000)
        AssetSource.objects.bulk_update(to_update, list(values), batch_size=2000)

    def write_closures(self, places, assets, matching):
        """Each pub's closure between snapshots; one the snapshots no longer support (it
        reappeared, or a new snapshot has it) is removed: the snapshots are the evidence."""
        wanted = {}
        for place in places:
            pub, closure = place["pub"], matching.closure(place["pub"])
            if pub.ambiguous_after and pub.ambiguous_after == pub.last_seen:
                self.report.ambiguous += 1
            if closure:
                wanted[place["asset"].pk] = (*closure, closure_note(pub, *closure))
        self.report.closures = len(wanted)
        existing = {
            event.asset_id: event
            for event in AssetEvent.objects.filter(
                asset_id__in=[a.pk for a in assets], source=SOURCE, kind=EventKind.CLOSED
            )
        }
        stale = [e.pk for asset_id, e in existing.items() if asset_id not in wanted]
        to_create, touched = [], set(existing) - set(wanted)
        for asset_id, (last_seen, first_missing, note) in wanted.items():
            event = existing.get(asset_id)
            if event and (event.date, event.date_until, event.note) == (
                last_seen,
                first_missing,
                note,
            ):
                continue
            if event:
                stale.append(event.pk)
            touched.add(asset_id)
            to_create.append(
                AssetEvent(
                    asset_id=asset_id,
                    kind=EventKind.CLOSED,
                    date=last_seen,
                    date_until=first_missing,
                    date_precision=DatePrecision.DAY,
                    note=note,
                    source=SOURCE,
                )
            )
        AssetEvent.objects.filter(pk__in=stale).delete()
        AssetEvent.objects.bulk_create(to_create, batch_size=2000)
        # A place whose only change is its closure counts as updated, not unchanged.
        newly = len(touched & self._unchanged)
        self.report.unchanged -= newly
        self.report.updated += newly

    def merge_open_pubs(self, places, assets, open_pubs):
        """An Open Pubs row for the same pub becomes a cited source of the OSM place and its
        own row is hidden, so the pub is one marker; an earlier merge that no longer holds
        is undone."""
        pairs = {}
        for place in places:
            if place["open_pub"]:
                pairs[place["open_pub"]["pk"]] = place["asset"]
        pairs.update(self._open_pubs_near(places, open_pubs, exclude=set(pairs)))
        by_pk = {row["pk"]: row for row in open_pubs}
        kept = AssetSource.objects.filter(source=OPEN_PUBS, record__isnull=False)
        gone = kept.exclude(record_id__in=list(pairs))
        Asset.objects.filter(pk__in=gone.values("record_id")).update(live=True)
        gone.delete()
        existing = {s.record_id: s for s in kept.filter(record_id__in=list(pairs))}
        to_create = []
        for record_id, asset in pairs.items():
            row = by_pk[record_id]
            source = existing.get(record_id)
            if source is None:
                to_create.append(
                    AssetSource(
                        asset_id=asset.pk,
                        source=OPEN_PUBS,
                        source_ref=row["source_ref"],
                        name=row["name"][:255],
                        record_id=record_id,
                    )
                )
            elif source.asset_id != asset.pk:
                AssetSource.objects.filter(pk=source.pk).update(asset_id=asset.pk)
            if not asset.address and row["address"]:
                Asset.objects.filter(pk=asset.pk).update(
                    address=row["address"], postcode=row["postcode"]
                )
        # The record key may already be cited without a record (a hand-made citation).
        AssetSource.objects.filter(
            source=OPEN_PUBS, source_ref__in=[s.source_ref for s in to_create]
        ).delete()
        AssetSource.objects.bulk_create(to_create, batch_size=2000)
        Asset.objects.filter(pk__in=list(pairs), live=True).update(live=False)
        self.report.merged_with_open_pubs = len(pairs)
        closed = set(
            AssetEvent.objects.filter(
                asset_id__in=[a.pk for a in pairs.values()], source=SOURCE, kind=EventKind.CLOSED
            ).values_list("asset_id", flat=True)
        )
        self.report.closed_but_in_open_pubs = len(closed)
        if closed:
            self.report.notices.append(
                f"{len(closed)} pub(s) gone from OpenStreetMap are still in Open Pubs: "
                "check them (Open Pubs lists what is registered, which can lag a closure)"
            )

    def _open_pubs_near(self, places, open_pubs, exclude):
        """{Open Pubs pk: asset} for located rows with a located OSM pub nearby, by the
        best name similarity, then distance."""
        cells = defaultdict(list)  # ~1 km cells of the OSM places
        for place in places:
            cell = (round(float(place["latitude"]), 2), round(float(place["longitude"]), 2))
            cells[cell].append(place)
        pairs, taken = [], set()
        for row in open_pubs:
            if row["latitude"] is None or row["pk"] in exclude:
                continue
            lat, lon = float(row["latitude"]), float(row["longitude"])
            for dlat in (-0.01, 0, 0.01):
                for dlon in (-0.01, 0, 0.01):
                    for place in cells.get((round(lat + dlat, 2), round(lon + dlon, 2)), ()):
                        metres = 1000 * distance_km(
                            lat, lon, float(place["latitude"]), float(place["longitude"])
                        )
                        alike = name_similarity(row["name"], place["name"])
                        if same_pub(metres, alike):
                            pairs.append((-alike, metres, row["pk"], place["asset"].pk, place))
        found = {}
        for _alike, _metres, record_id, asset_id, place in sorted(pairs, key=lambda p: p[:4]):
            if record_id in found or asset_id in taken:
                continue
            taken.add(asset_id)
            found[record_id] = place["asset"]
        return found


def same_pub(metres, alike):
    """An Open Pubs row and an OSM pub are the same pub."""
    return (metres <= OPEN_PUBS_NEAR_METRES and alike >= OPEN_PUBS_NAME_ALIKE_NEAR) or (
        metres <= OPEN_PUBS_METRES and alike >= OPEN_PUBS_NAME_ALIKE
    )


def closure_note(pub, last_seen, first_missing):
    return (
        f"In the OpenStreetMap extract of {last_seen:%-d %B %Y} (as {pub.latest.osm_id}), "
        f"not in that of {first_missing:%-d %B %Y}, nor as a re-mapped or renamed pub nearby: "
        "most likely closed in between. OpenStreetMap is edited by volunteers, so a missing "
        "pub is evidence, not proof."
    )
