"""Pubs from two open sources.

OpenPubsImporter: Open Pubs by GetTheData (getthedata.com/open-pubs), derived
from the Food Standards Agency register; columns fas_id, name, address,
postcode, easting, northing, latitude, longitude, local_authority. OGL v3.
Open Pubs writes `\\N` for an empty cell, and a pub without a location has the
easting/northing 622675/-5527598 and `\\N` for latitude and longitude: such a row
is placed at the centre of its postcode, and the report says so. Aliases: `fsa_id`
or `id` for fas_id, `lat`, `lon`/`lng`/`long`.

OsmPubsImporter: amenity=pub extracts of OpenStreetMap (tab-separated name,
normalized_name, osm_id, latitude, longitude; github.com/mlj/uk-pub-names).
ODbL 1.0: these rows keep source 'osm-pubs' so they stay separable.
"""

from assets_register.importers.assets import AssetImporter, coordinates
from assets_register.importers.base import RowError, text
from assets_register.models import Category

COORDINATE_ALIASES = {"latitude": ("lat",), "longitude": ("lon", "lng", "long")}


class OpenPubsImporter(AssetImporter):
    source_name = "open-pubs"
    required_columns = ("fas_id", "name", "address", "postcode", "latitude", "longitude")
    column_aliases = {"fas_id": ("fsa_id", "id"), **COORDINATE_ALIASES}
    null_markers = ("\\N",)

    def parse_row(self, row):
        fas_id = text(row, "fas_id")
        if not fas_id:
            raise RowError("fas_id", "an id is required")
        latitude, longitude = coordinates(row)
        return self.base_record(
            row,
            source_ref=fas_id[:100],
            name=text(row, "name")[:255],
            category=Category.PUB,
            address=text(row, "address"),
            postcode=self.postcode_of(row, located=latitude is not None),
            latitude=latitude,
            longitude=longitude,
        )


class OsmPubsImporter(AssetImporter):
    source_name = "osm-pubs"
    required_columns = ("name", "osm_id", "latitude", "longitude")
    column_aliases = COORDINATE_ALIASES
    sep = "\t"

    def parse_row(self, row):
        osm_id = text(row, "osm_id")
        if not osm_id.isdigit() or len(osm_id) > 30:
            raise RowError("osm_id", f"{osm_id!r} is not an OpenStreetMap id")
        latitude, longitude = coordinates(row)
        if latitude is None:
            raise RowError("latitude", "no coordinates (mapped as a building outline)")
        name = text(row, "name")
        return self.base_record(
            row,
            source_ref=osm_id,
            osm_id=osm_id,
            name=(name or "Unnamed pub")[:255],
            category=Category.PUB,
            latitude=latitude,
            longitude=longitude,
        )
