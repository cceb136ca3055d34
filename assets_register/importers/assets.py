"""Shared second half of every asset import: locate, assign areas, upsert with events."""

import functools
from decimal import Decimal, InvalidOperation

from assets_register.core.postcodes import InvalidPostcode, Postcode
from assets_register.geo.geocoding import postcode_lookup
from assets_register.geo.map_index import bump_map_version
from assets_register.geo.spatial import AreaIndex
from assets_register.importers.base import BaseImporter, RowError, text
from assets_register.models import (
    UK_LATITUDE_RANGE,
    UK_LONGITUDE_RANGE,
    Asset,
    AssetEvent,
    Category,
    LocationSource,
    Ownership,
)

ASSET_FIELDS = (
    "name",
    "category",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "location_source",
    "uprn",
    "osm_id",
    "ownership",
    "operator",
    "council_id",
    "ward_id",
    "lsoa_id",
)
SIX_PLACES = Decimal("0.000001")


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
        return Postcode.parse(value).with_space
    except InvalidPostcode as error:
        raise RowError(column, str(error)) from None


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
    (asset, kind, date, source) so a second run adds nothing.
    """

    source_name = ""  # the dataset key stored on every asset and event
    area_index = None  # a prebuilt AreaIndex to share between imports (load_england)

    def __init__(self, source, *, source_name=None, **kwargs):
        super().__init__(source, **kwargs)
        self.source_name = source_name or self.source_name

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
            "osm_id": "",
            "ownership": Ownership.UNKNOWN,
            "operator": "",
            "events": [],
        }
        record.update(fields)
        if not record.get("name"):
            raise RowError("name", "a name is required")
        if record["category"] not in Category.values:
            raise RowError("category", f"unknown category {record['category']!r}")
        if record["latitude"] is not None:
            record["location_source"] = LocationSource.SOURCE_DATA
        return record

    def prepare(self, records):
        missing = [r for r in records if r["latitude"] is None and r["postcode"]]
        found = postcode_lookup(r["postcode"] for r in missing)
        for record in missing:
            if record["postcode"] in found:
                record["latitude"], record["longitude"] = found[record["postcode"]]
                record["location_source"] = LocationSource.POSTCODE
        unlocated = [r for r in records if r["latitude"] is None]
        for record in unlocated[:50]:
            self.report.notices.append(
                f"row {record['_row']}: could not locate {record['name']!r} "
                f"(postcode {record['postcode'] or 'missing'} not in the postcode table); "
                "imported without a location"
            )
        if len(unlocated) > 50:
            self.report.notices.append(f"… and {len(unlocated) - 50} more without a location")
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

    def write(self, records):
        existing = {
            asset.source_ref: asset
            for asset in Asset.objects.filter(
                source=self.source_name, source_ref__in=[r["source_ref"] for r in records]
            ).only("pk", "source_ref", *ASSET_FIELDS)
        }
        to_create, to_update = [], []
        for record in self.progress(records, desc="writing", unit="row"):
            asset = existing.get(record["source_ref"])
            if asset is None:
                asset = Asset(
                    source=self.source_name,
                    source_ref=record["source_ref"],
                    live=True,
                    **{name: record[name] for name in ASSET_FIELDS},
                )
                to_create.append(asset)
                continue
            changed = [
                name for name in ASSET_FIELDS if not _same(getattr(asset, name), record[name])
            ]
            if changed:
                for name in changed:
                    setattr(asset, name, record[name])
                to_update.append(asset)
            else:
                self.report.unchanged += 1
        Asset.objects.bulk_create(to_create, batch_size=1000)
        Asset.objects.bulk_update(to_update, ASSET_FIELDS, batch_size=1000)
        self.report.created += len(to_create)
        self.report.updated += len(to_update)
        if to_create and to_create[0].pk is None:  # backends that do not return ids
            refs = [a.source_ref for a in to_create]
            ids = dict(
                Asset.objects.filter(source=self.source_name, source_ref__in=refs).values_list(
                    "source_ref", "pk"
                )
            )
            for asset in to_create:
                asset.pk = ids[asset.source_ref]
        assets_by_ref = {**existing, **{a.source_ref: a for a in to_create}}
        touched = self.write_events(records, assets_by_ref)
        updated_refs = {a.source_ref for a in to_update}
        # An asset whose only change is a new event counts as updated, not unchanged.
        newly_touched = touched - updated_refs - {a.source_ref for a in to_create}
        self.report.updated += len(newly_touched)
        self.report.unchanged -= len(newly_touched)
        ids = [a.pk for a in assets_by_ref.values()]
        Asset.objects.filter(pk__in=ids).refresh_statuses()

    def write_events(self, records, assets_by_ref):
        asset_ids = [a.pk for a in assets_by_ref.values()]
        existing = {}
        for event in AssetEvent.objects.filter(asset_id__in=asset_ids, source=self.source_name):
            existing[(event.asset_id, event.kind, event.date)] = event
        to_create, to_update, touched = [], [], set()
        for record in records:
            asset = assets_by_ref[record["source_ref"]]
            for kind, date, precision, note in record["events"]:
                event = existing.get((asset.pk, kind, date))
                if event is None:
                    to_create.append(
                        AssetEvent(
                            asset_id=asset.pk,
                            kind=kind,
                            date=date,
                            date_precision=precision,
                            note=note,
                            source=self.source_name,
                        )
                    )
                    touched.add(record["source_ref"])
                elif (event.date_precision, event.note) != (precision, note):
                    event.date_precision, event.note = precision, note
                    to_update.append(event)
                    touched.add(record["source_ref"])
        AssetEvent.objects.bulk_create(to_create, batch_size=1000)
        AssetEvent.objects.bulk_update(to_update, ["date_precision", "note"], batch_size=1000)
        return touched

    def after_commit(self):
        bump_map_version()


def _same(current, new):
    if isinstance(current, Decimal) or isinstance(new, Decimal):
        if current is None or new is None:
            return current is None and new is None
        return Decimal(current).quantize(SIX_PLACES) == Decimal(new).quantize(SIX_PLACES)
    return current == new
