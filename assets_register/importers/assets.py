"""Shared second half of every asset import: locate, assign areas, upsert with events.

Editions: an import may name the edition of its dataset it reads (a year, 2023, or a
date, 2022-01-28; one dataset's editions compare as text). Then the file is that
edition's word on each place in it: an event an earlier edition gave and this one does
not is withdrawn by it (kept, out of status and everything else), one it gives again
stands again, and each event keeps the earliest edition that gave it. An edition older
than one already imported for a place changes none of its fields and withdraws nothing;
what it says that the newer one does not is kept as already withdrawn by the newer one.
Importing the same edition again changes nothing. Without an edition, events are only
added, as before.
"""

import functools
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils import timezone

from assets_register.core.bulk_insert import insert_rows
from assets_register.core.postcodes import InvalidPostcode, Postcode
from assets_register.geo.geocoding import postcode_lookup
from assets_register.geo.map_index import bump_map_version
from assets_register.geo.spatial import AreaIndex
from assets_register.importers.base import (
    BaseImporter,
    ImportFileError,
    RowError,
    is_placeholder,
    text,
)
from assets_register.models import (
    UK_LATITUDE_RANGE,
    UK_LONGITUDE_RANGE,
    Asset,
    AssetEvent,
    Category,
    LocationSource,
    Ownership,
)
from assets_register.models.assets import derive_status

ASSET_FIELDS = (
    "name",
    "category",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "location_source",
    "uprn",
    "local_code",
    "opening_hours",
    "osm_id",
    "ownership",
    "operator",
    "council_id",
    "ward_id",
    "lsoa_id",
)
CATEGORY_CODES = frozenset(Category.values)  # .values builds a new list at every use
SIX_PLACES = Decimal("0.000001")
MAX_NOTICES_PER_KIND = 50
EDITION = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
EVENT_FIELDS = ["date_precision", "note", "source_edition", "withdrawn_by_edition"]


class InsertedAsset(NamedTuple):
    """What writing events needs of an asset this import has just inserted."""

    pk: int
    source_edition: str


def choice(value, choices, field_name, default=None):
    """A TextChoices value from its code or its label, case-insensitively."""
    wanted = value.strip().lower()
    if not wanted and default is not None:
        return default
    code = _choice_lookup(choices).get(wanted)
    if code is None:
        raise RowError(field_name, f"{value!r} is not one of: {', '.join(choices.values)}")
    return code


@functools.cache
def _choice_lookup(choices):
    """Codes by lower-cased code and label: Django rebuilds .choices on every access."""
    lookup = {}
    for code, label in choices.choices:
        lookup.setdefault(code.lower(), code)
        lookup.setdefault(str(label).lower(), code)
    return lookup


def postcode_field(row, column="postcode", required=False):
    value = text(row, column)
    if not value:
        if required:
            raise RowError(column, "a postcode is required")
        return ""
    try:
        return Postcode.parse(value.rstrip(".,;")).with_space  # 'NE26 1EJ.'
    except InvalidPostcode as error:
        raise RowError(column, str(error)) from None


def edition_or_none(value):
    """An edition as given on the command line: YYYY, YYYY-MM or YYYY-MM-DD."""
    if value in (None, ""):
        return None
    value = str(value).strip()
    if not EDITION.fullmatch(value):
        raise ImportFileError(f"{value!r} is not an edition: give YYYY, YYYY-MM or YYYY-MM-DD.")
    return value


def coordinates(row, lat_column="latitude", lon_column="longitude"):
    """(lat, lon) as 6-place Decimals, or (None, None) when both are blank."""
    lat_text, lon_text = text(row, lat_column), text(row, lon_column)
    if not lat_text and not lon_text:
        return None, None
    try:
        lat = Decimal(lat_text).quantize(SIX_PLACES)
        lon = Decimal(lon_text).quantize(SIX_PLACES)
    except (InvalidOperation, ValueError):
        raise RowError(lat_column, f"{lat_text!r}, {lon_text!r} are not coordinates") from None
    if lat.is_nan() or lon.is_nan():  # NaN passes quantize but cannot be compared
        raise RowError(lat_column, f"{lat_text!r}, {lon_text!r} are not coordinates")
    if not (UK_LATITUDE_RANGE[0] <= lat <= UK_LATITUDE_RANGE[1]) or not (
        UK_LONGITUDE_RANGE[0] <= lon <= UK_LONGITUDE_RANGE[1]
    ):
        raise RowError(lat_column, f"{lat}, {lon} is outside the United Kingdom")
    return lat, lon


class AssetImporter(BaseImporter):
    """Subclasses turn a row into {asset fields..., 'source_ref', 'events': [...]}.

    Events are (kind, date, precision, note) tuples; they are keyed on
    (asset, kind, date, source) so a second run adds nothing. See the module docstring
    for editions.
    """

    source_name = ""  # the dataset key stored on every asset and event
    optional_columns = ("latitude", "longitude")
    area_index = None  # a prebuilt AreaIndex to share between imports (load_england)

    def __init__(self, source, *, source_name=None, edition=None, **kwargs):
        super().__init__(source, **kwargs)
        self.source_name = source_name or self.source_name
        self.edition = edition_or_none(edition)

    def postcode_of(self, row, column="postcode", located=False):
        """The row's postcode, or '' when it has none. A placeholder ('[Unknown]',
        'n/a - mobile') is recorded as unknown, and so is a postcode that is not one
        when the row has coordinates of its own; both with a notice. Otherwise a postcode
        that is not one rejects the row."""
        value = text(row, column)
        if value and is_placeholder(value):
            self.notice(f"{column} {value[:40]!r} stands for an unknown value; kept without one")
            return ""
        try:
            return postcode_field(row, column)
        except RowError:
            if not located:
                raise
            self.notice(
                f"{column} {value[:20]!r} is not a valid UK postcode; kept at the file's "
                "own coordinates, without a postcode"
            )
            return ""

    def row_key(self, record):
        return record["source_ref"]

    def base_record(self, row, **fields):
        record = {
            "address": "",
            "postcode": "",
            "latitude": None,
            "longitude": None,
            "location_source": LocationSource.NONE,
            "uprn": "",
            "local_code": "",
            "opening_hours": [],
            "osm_id": "",
            "ownership": Ownership.UNKNOWN,
            "operator": "",
            "events": [],
        }
        record.update(fields)
        if not record.get("name"):
            raise RowError("name", "a name is required")
        if record["category"] not in CATEGORY_CODES:
            raise RowError("category", f"unknown category {record['category']!r}")
        if record["latitude"] is not None:
            record["location_source"] = LocationSource.SOURCE_DATA
        return record

    def prepare(self, records):
        with_postcode = [r for r in records if r["postcode"]]
        found = postcode_lookup({r["postcode"] for r in with_postcode})  # each one once
        from_postcode, not_in_table = [], []
        for record in with_postcode:
            if record["latitude"] is not None:
                if record["postcode"] not in found:
                    not_in_table.append(record)
            elif record["postcode"] in found:
                record["latitude"], record["longitude"] = found[record["postcode"]]
                record["location_source"] = LocationSource.POSTCODE
                from_postcode.append(record)
        self.notice_rows(
            not_in_table,
            lambda r: (
                f"postcode {r['postcode']} of {r['name']!r} is not in the postcode "
                "table; kept at the file's own coordinates"
            ),
            "more whose postcode is not in the postcode table",
        )
        if "latitude" in self.columns:
            self.notice_rows(
                from_postcode,
                lambda r: (
                    f"{r['name']!r} has no location in the file; placed at the centre "
                    f"of its postcode {r['postcode']}"
                ),
                "more placed at the centre of their postcode",
            )
        elif from_postcode:
            self.report.notices.append(
                f"The file gives no coordinates: {len(from_postcode)} places were placed at "
                "the centre of their postcode."
            )
        unlocated = [r for r in records if r["latitude"] is None]
        self.notice_rows(
            unlocated,
            lambda r: (
                f"could not locate {r['name']!r} (postcode "
                f"{r['postcode'] or 'missing'} not in the postcode table); imported without a "
                "location"
            ),
            "more without a location",
        )
        located = [r for r in records if r["latitude"] is not None]
        areas = (self.area_index or AreaIndex()).locate_many(
            [r["longitude"] for r in located], [r["latitude"] for r in located]
        )
        for record, found_areas in zip(located, areas, strict=True):
            record["council_id"] = found_areas["council"]
            record["ward_id"] = found_areas["ward"]
            record["lsoa_id"] = found_areas["lsoa"]
        for record in unlocated:
            record["council_id"] = record["ward_id"] = record["lsoa_id"] = None
        return records

    def notice_rows(self, records, message, more):
        for record in records[:MAX_NOTICES_PER_KIND]:
            self.notice(message(record), record["_row"])
        if len(records) > MAX_NOTICES_PER_KIND:
            self.report.notices.append(f"… and {len(records) - MAX_NOTICES_PER_KIND} {more}")

    def is_older_edition(self, asset):
        """Whether this import's edition is older than one already imported for the asset."""
        return bool(self.edition and asset.source_edition and self.edition < asset.source_edition)

    def write(self, records):
        existing = {
            asset.source_ref: asset
            for asset in Asset.objects.from_source(
                self.source_name, [r["source_ref"] for r in records]
            ).only("pk", "source_ref", "source_edition", *ASSET_FIELDS)
        }
        new_rows, to_update = [], []
        for record in self.progress(records, desc="writing", unit="row"):
            asset = existing.get(record["source_ref"])
            if asset is None:
                # A plain dict, not an Asset: building a model instance per new row cost
                # as much as writing it (bench/import_assets.py).
                row = {name: record[name] for name in ASSET_FIELDS}
                row.update(
                    source=self.source_name,
                    source_ref=record["source_ref"],
                    source_edition=self.edition or "",
                    live=True,
                    # Its events are all this import's: its status follows from them now,
                    # not from reading them back.
                    status=derive_status((date, kind) for kind, date, *_ in record["events"]),
                )
                new_rows.append(row)
                continue
            if self.is_older_edition(asset):
                self.report.unchanged += 1  # the newer edition's word on the place stands
                continue
            changed = [
                name for name in ASSET_FIELDS if not _same(getattr(asset, name), record[name])
            ]
            if self.edition and asset.source_edition != self.edition:
                asset.source_edition = self.edition
                changed.append("source_edition")
            if changed:
                for name in changed:
                    if name != "source_edition":
                        setattr(asset, name, record[name])
                to_update.append(asset)
            else:
                self.report.unchanged += 1
        inserted = Asset.objects.insert_rows(new_rows)
        Asset.objects.bulk_update(to_update, [*ASSET_FIELDS, "source_edition"], batch_size=1000)
        self.report.created += len(new_rows)
        self.report.updated += len(to_update)
        created = self._inserted(inserted, new_rows)
        assets_by_ref = {**existing, **created}
        touched = self.write_events(records, assets_by_ref, existing)
        updated_refs = {a.source_ref for a in to_update}
        # An asset whose only change is a new event counts as updated, not unchanged.
        newly_touched = touched - updated_refs - created.keys()
        self.report.updated += len(newly_touched)
        self.report.unchanged -= len(newly_touched)
        # bulk_update leaves updated_at alone: set it, so `changed_since` finds every place
        # this import changed, including by withdrawing or revising an event.
        changed = [assets_by_ref[ref].pk for ref in updated_refs | newly_touched]
        for start in range(0, len(changed), 900):
            Asset.objects.filter(pk__in=changed[start : start + 900]).update(
                updated_at=timezone.now()
            )
        # A status follows from the events alone: only those whose events changed move.
        ids = [existing[ref].pk for ref in touched if ref in existing]
        for start in range(0, len(ids), 5000):
            Asset.objects.filter(pk__in=ids[start : start + 5000]).refresh_statuses()

    def _inserted(self, inserted, new_rows):
        """{source_ref: InsertedAsset} for the rows just inserted, their ids read back
        from `inserted` (insert_rows' places, among which another writer's): those of
        this source and these refs."""
        refs = {row["source_ref"] for row in new_rows}
        edition = self.edition or ""
        return {
            ref: InsertedAsset(pk, edition)
            for ref, pk in inserted.filter(source=self.source_name)
            .order_by()
            .values_list("source_ref", "pk")
            .iterator(chunk_size=5000)
            if ref in refs
        }

    def write_events(self, records, assets_by_ref, earlier):
        """Create, revise, withdraw and restore this source's events (see the module
        docstring); the refs of the assets whose events changed. Only the `earlier` assets
        (those there before this import) can have events already."""
        asset_ids = [a.pk for a in earlier.values()]
        existing, by_asset = {}, defaultdict(list)
        for event in AssetEvent.every_edition.filter(
            asset_id__in=asset_ids, source=self.source_name
        ).order_by("pk"):
            if existing.setdefault((event.asset_id, event.kind, event.date), event) is event:
                by_asset[event.asset_id].append(event)
        edition = self.edition or ""
        to_create, to_update, touched = [], {}, set()
        for record in records:
            asset = assets_by_ref[record["source_ref"]]
            older = self.is_older_edition(asset)
            asserted = set()
            for kind, date, precision, note in record["events"]:
                key = (asset.pk, kind, date)
                if key in asserted:
                    continue
                asserted.add(key)
                event = existing.get(key)
                if event is None:
                    to_create.append(
                        {
                            "asset_id": asset.pk,
                            "kind": kind,
                            "date": date,
                            "date_precision": precision,
                            "note": note,
                            "source": self.source_name,
                            "source_edition": edition,
                            # An older edition's word that the newer one does not repeat.
                            "withdrawn_by_edition": asset.source_edition if older else "",
                        }
                    )
                    touched.add(record["source_ref"])
                    continue
                changes = {}
                if not older:
                    changes.update(date_precision=precision, note=note)
                    if self.edition:
                        changes["withdrawn_by_edition"] = ""  # said again: it stands again
                if edition and (not event.source_edition or edition < event.source_edition):
                    changes["source_edition"] = edition  # the earliest edition that said so
                if _revise(event, changes):
                    to_update[event.pk] = event
                    touched.add(record["source_ref"])
            if self.edition and not older:
                for event in by_asset[asset.pk]:
                    key = (event.asset_id, event.kind, event.date)
                    if key not in asserted and _revise(event, {"withdrawn_by_edition": edition}):
                        to_update[event.pk] = event
                        touched.add(record["source_ref"])
        insert_rows(AssetEvent, to_create)
        AssetEvent.every_edition.bulk_update(to_update.values(), EVENT_FIELDS, batch_size=1000)
        return touched

    def after_commit(self):
        bump_map_version()


def _revise(event, changes):
    """Set the fields that differ; whether any did."""
    changed = False
    for name, value in changes.items():
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed = True
    return changed


def _same(current, new):
    if isinstance(current, Decimal) or isinstance(new, Decimal):
        if current is None or new is None:
            return current is None and new is None
        return Decimal(current).quantize(SIX_PLACES) == Decimal(new).quantize(SIX_PLACES)
    return current == new
