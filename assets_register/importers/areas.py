"""Areas and the tables that describe them: boundaries, postcodes, deprivation."""

import datetime
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping

from assets_register.core.geojson import right_hand
from assets_register.core.postcodes import InvalidPostcode, Postcode
from assets_register.geo.map_index import bump_map_version
from assets_register.geo.spatial import geometry_from_geojson
from assets_register.importers.assets import SIX_PLACES
from assets_register.importers.base import BaseImporter, ImportFileError, RowError, text
from assets_register.models import Area, AreaKind, PostcodeLocation

# Property names used by ONS/OS boundary files, newest first.
CODE_PROPERTIES = (
    "LAD24CD",
    "LAD23CD",
    "LAD22CD",
    "WD24CD",
    "WD23CD",
    "WD22CD",
    "WD13CD",
    "LSOA21CD",
    "LSOA11CD",
    "code",
    "gss_code",
)
NAME_PROPERTIES = (
    "LAD24NM",
    "LAD23NM",
    "LAD22NM",
    "WD24NM",
    "WD23NM",
    "WD22NM",
    "WD13NM",
    "LSOA21NM",
    "LSOA11NM",
    "name",
)
PARENT_PROPERTIES = ("LAD_CD", "LAD24CD", "LAD22CD")
AREA_FIELDS = [
    "name",
    "kind",
    "parent_id",
    "boundary",
    "boundary_display",
    "min_longitude",
    "min_latitude",
    "max_longitude",
    "max_latitude",
    "valid_to",
]
# About 50 m: enough for a choropleth, a tenth of the bytes.
DISPLAY_TOLERANCE = 0.0005


class BoundaryImporter(BaseImporter):
    """A GeoJSON FeatureCollection of council, ward or LSOA polygons (WGS84).

    Upserts on (GSS code, valid_from). Wards and LSOAs are linked to their council
    through a LAD code property when the council is already imported.
    """

    def __init__(self, source, *, kind, valid_from=None, valid_to=None, **kwargs):
        super().__init__(source, **kwargs)
        if kind not in AreaKind.values:
            raise ImportFileError(f"Unknown area kind {kind!r}: use {', '.join(AreaKind.values)}")
        self.kind, self.valid_from, self.valid_to = kind, valid_from, valid_to

    def rows(self):
        features = self.read_features()
        if not features:
            raise ImportFileError("The file has no features.")
        properties = _properties(features[0])
        self.code_property = next((p for p in CODE_PROPERTIES if p in properties), None)
        self.name_property = next((p for p in NAME_PROPERTIES if p in properties), None)
        if not self.code_property or not self.name_property:
            raise ImportFileError(
                "Features need a code and a name property (one of "
                f"{', '.join(CODE_PROPERTIES)} / {', '.join(NAME_PROPERTIES)}); "
                f"found {', '.join(properties) or 'none'}."
            )
        self.parent_property = (
            next(
                (p for p in PARENT_PROPERTIES if p in properties and p != self.code_property), None
            )
            if self.kind != AreaKind.COUNCIL
            else None
        )  # else a council may become its own parent
        return features

    def read_features(self):
        try:
            raw = (
                Path(self.source).read_bytes()
                if not hasattr(self.source, "read")
                else (self.source.read())
            )
            data = json.loads(raw)
        except FileNotFoundError:
            raise ImportFileError(f"There is no file at {self.source}.") from None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise ImportFileError(f"The file is not GeoJSON: {error}") from None
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise ImportFileError("The file is not a GeoJSON FeatureCollection.")
        features = data.get("features") or []
        if not isinstance(features, list):
            raise ImportFileError("The file's features are not a list.")
        return features

    def row_key(self, record):
        return record["gss_code"]

    def parse_row(self, feature):
        properties = _properties(feature)
        code = _text(properties.get(self.code_property) or "")
        if not code:
            raise RowError(self.code_property, "no area code")
        if len(code) > 9:
            raise RowError(self.code_property, f"{code[:20]!r} is not a GSS code")
        geometry = feature.get("geometry")
        try:
            # A coordinate that is NaN (JSON allows it, GeoJSON does not): GEOS refuses the
            # row just below and says why; numpy's warning on the way would only repeat it.
            with np.errstate(invalid="ignore"):
                shape = geometry_from_geojson(geometry)
        except (
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
            shapely.errors.ShapelyError,
        ) as error:  # GEOSException, GeometryTypeError
            raise RowError("geometry", f"not a usable geometry ({error})") from None
        if shape.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            raise RowError("geometry", f"a {shape.geom_type} is not an area")
        min_lon, min_lat, max_lon, max_lat = shape.bounds
        if not (min_lon >= -9 and max_lon <= 2 and min_lat >= 49 and max_lat <= 61):
            raise RowError("geometry", "the boundary is not in WGS84 longitude/latitude in the UK")
        simplified = shape.simplify(DISPLAY_TOLERANCE, preserve_topology=True)
        return {
            "gss_code": code,
            "name": _text(properties.get(self.name_property) or code)[:200],
            "parent_code": str(properties.get(self.parent_property) or "").strip()
            if self.parent_property
            else "",
            "boundary": right_hand(geometry),
            "boundary_display": _rounded(right_hand(mapping(simplified))),
            "bbox": (min_lon, min_lat, max_lon, max_lat),
        }

    def write(self, records):
        councils = dict(Area.objects.councils().current().values_list("gss_code", "pk"))
        existing = {
            area.gss_code: area
            for area in Area.objects.filter(
                kind=self.kind,
                valid_from=self.valid_from,
                gss_code__in=[r["gss_code"] for r in records],
            )
        }
        missing_parents, to_create, to_update = set(), [], []
        for record in self.progress(records, desc="writing", unit="area"):
            parent_id = councils.get(record["parent_code"]) if record["parent_code"] else None
            if record["parent_code"] and parent_id is None:
                missing_parents.add(record["parent_code"])
            values = {
                "name": record["name"],
                "kind": self.kind,
                "parent_id": parent_id,
                "boundary": record["boundary"],
                "boundary_display": record["boundary_display"],
                "min_longitude": record["bbox"][0],
                "min_latitude": record["bbox"][1],
                "max_longitude": record["bbox"][2],
                "max_latitude": record["bbox"][3],
                "valid_to": self.valid_to,
            }
            area = existing.get(record["gss_code"])
            if area is None:
                to_create.append(
                    Area(gss_code=record["gss_code"], valid_from=self.valid_from, **values)
                )
            elif any(getattr(area, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(area, key, value)
                to_update.append(area)
            else:
                self.report.unchanged += 1
        # In bulk: a save() per area also queues a Wagtail reference-index task per area,
        # which was nine tenths of the time of England's 32,844 LSOAs.
        Area.objects.bulk_create(to_create, batch_size=500)
        Area.objects.bulk_update(to_update, AREA_FIELDS, batch_size=500)
        self.report.created += len(to_create)
        self.report.updated += len(to_update)
        if missing_parents:
            self.report.notices.append(
                "Councils not imported yet, so not linked as parents: "
                + ", ".join(sorted(missing_parents))
            )

    def after_commit(self):
        bump_map_version()


def _text(value):
    """A property as text a database stores: JSON may hold NULs and lone surrogates."""
    return str(value).replace("\x00", "").encode("utf-8", "replace").decode().strip()


def _properties(feature):
    """A feature's properties; {} for anything that is not a feature with properties."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    return properties if isinstance(properties, dict) else {}


def _rounded(geometry, places=5):
    def walk(value):
        if isinstance(value, float):
            return round(value, places)
        if isinstance(value, list | tuple):
            return [walk(item) for item in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


class PostcodeImporter(BaseImporter):
    """OS Code-Point Open with WGS84 columns (postcode, positional_quality, latitude,
    longitude, admin_district_code, admin_ward_code), plain or gzipped."""

    required_columns = ("postcode", "latitude", "longitude")

    def row_key(self, record):
        return record["postcode"]

    def parse_row(self, row):
        try:
            postcode = Postcode.parse(text(row, "postcode")).with_space
        except InvalidPostcode as error:
            raise RowError("postcode", str(error)) from None
        try:
            latitude = Decimal(text(row, "latitude")).quantize(SIX_PLACES)
            longitude = Decimal(text(row, "longitude")).quantize(SIX_PLACES)
        except (InvalidOperation, ValueError):
            raise RowError("latitude", "no coordinates for this postcode") from None
        if latitude.is_nan() or longitude.is_nan():  # NaN passes quantize but cannot be compared
            raise RowError("latitude", "no coordinates for this postcode")
        if not (49 <= latitude <= 61 and -9 <= longitude <= 2):
            raise RowError("latitude", f"{latitude}, {longitude} is outside the United Kingdom")
        quality = text(row, "positional_quality")
        return {
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            # isdecimal, not isdigit: int() cannot read '²'; a quality is at most 2 digits
            "positional_quality": int(quality)
            if quality.isdecimal() and len(quality) < 4
            else None,
            "council_code": text(row, "admin_district_code")[:9],
            "ward_code": text(row, "admin_ward_code")[:9],
        }

    def write(self, records):
        fields = ("latitude", "longitude", "positional_quality", "council_code", "ward_code")
        existing = {}
        codes = [r["postcode"] for r in records]
        for start in range(0, len(codes), 5000):
            for row in PostcodeLocation.objects.filter(
                postcode__in=codes[start : start + 5000]
            ).values("postcode", *fields):
                existing[row.pop("postcode")] = row
        changed = []
        for record in records:
            old = existing.get(record["postcode"])
            if old is None:
                self.report.created += 1
            elif all(old[f] == record[f] for f in fields):
                self.report.unchanged += 1
                continue
            else:
                self.report.updated += 1
            changed.append(PostcodeLocation(**{k: v for k, v in record.items() if k != "_row"}))
        PostcodeLocation.objects.bulk_create(
            changed,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=list(fields),
        )


class DeprivationImporter(BaseImporter):
    """English Indices of Deprivation 2019 by LSOA (2011): lsoa11_code, IMD_rank, IMD_decile.
    Rows for LSOAs not in the register are skipped, not rejected."""

    required_columns = ("lsoa11_code", "IMD_rank", "IMD_decile")
    rank_field, decile_field = "imd_rank", "imd_decile"  # an edition's own columns

    def row_key(self, record):
        return record["code"]

    def parse_row(self, row):
        code = text(row, "lsoa11_code")
        if not code:
            raise RowError("lsoa11_code", "no LSOA code")
        try:
            rank, decile = int(text(row, "IMD_rank")), int(text(row, "IMD_decile"))
        except ValueError:
            raise RowError("IMD_rank", "rank and decile must be whole numbers") from None
        if not 1 <= decile <= 10:
            raise RowError("IMD_decile", f"{decile} is not a decile (1 to 10)")
        if not 1 <= rank < 2**31:  # an integer column
            raise RowError("IMD_rank", f"{rank} is not a rank")
        return {"code": code, "rank": rank, "decile": decile}

    def write(self, records):
        fields = [self.rank_field, self.decile_field]
        areas = {
            area.gss_code: area
            for area in Area.objects.filter(kind=AreaKind.LSOA).only("gss_code", *fields)
        }
        changed = []
        for record in records:
            area = areas.get(record["code"])
            figures = (record["rank"], record["decile"])
            if area is None:
                self.report.skipped += 1
            elif tuple(getattr(area, field) for field in fields) == figures:
                self.report.unchanged += 1
            else:
                for field, value in zip(fields, figures, strict=True):
                    setattr(area, field, value)
                changed.append(area)
        Area.objects.bulk_update(changed, fields, batch_size=1000)
        self.report.updated += len(changed)


def parse_iso_date(value):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImportFileError(f"{value!r} is not a date (use YYYY-MM-DD)") from None
