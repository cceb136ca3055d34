"""Pubs from two open sources.

OpenPubsImporter: Open Pubs by GetTheData (getthedata.com/open-pubs), derived
from the Food Standards Agency register; columns fas_id, name, address,
postcode, easting, northing, latitude, longitude, local_authority. OGL v3.
Rows without a location use their postcode.

OsmPubsImporter: amenity=pub extracts of OpenStreetMap (tab-separated name,
normalized_name, osm_id, latitude, longitude; github.com/mlj/uk-pub-names).
ODbL 1.0: these rows keep source 'osm-pubs' so they stay separable.
"""

from assets_register.importers.assets import AssetImporter, coordinates, postcode_field
from assets_register.importers.base import RowError, text
from assets_register.models import Category


class OpenPubsImporter(AssetImporter):
    source_name = "open-pubs"
    required_columns = ("fas_id", "name", "address", "postcode", "latitude", "longitude")

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
            postcode=postcode_field(row),
            latitude=latitude,
            longitude=longitude,
        )


class OsmPubsImporter(AssetImporter):
    source_name = "osm-pubs"
    required_columns = ("name", "osm_id", "latitude", "longitude")
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
