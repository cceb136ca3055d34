"""The register's own CSV schema, for any source that can be shaped into it.

Columns (a header row is required; order does not matter):

    source_ref  required  the record's stable id in your dataset (the upsert key)
    name        required
    category    required  a code or label: pub, library, community_centre, community_hub,
                          police_station, post_office, place_of_worship, sports_leisure,
                          park, cafe, shop, youth_club, other
    address, postcode, latitude, longitude (WGS84 decimal degrees), uprn, osm_id
    ownership   public, private, community_owned, community_managed, charity_faith, unknown
    operator
    opened, closed  YYYY, YYYY-MM, MM/YYYY, YYYY-MM-DD or DD/MM/YYYY

A row needs a postcode or coordinates to appear on the map. Headings are matched
ignoring case, spaces and underscores; aliases: `id` or `ref` for source_ref, `lat` and
`lon`/`lng`/`long` for the coordinates, `post code`/`zip` for postcode.
"""

from assets_register.core.dates import InvalidDate, parse_partial_date
from assets_register.importers.assets import AssetImporter, choice, coordinates
from assets_register.importers.base import RowError, text
from assets_register.models import Category, EventKind, Ownership


def dated_events(row, columns):
    events = []
    for column, kind in columns:
        value = text(row, column)
        if value:
            try:
                date, precision = parse_partial_date(value)
            except InvalidDate as error:
                raise RowError(column, str(error)) from None
            events.append((kind, date, precision, ""))
    return events


class GenericAssetCsvImporter(AssetImporter):
    required_columns = ("source_ref", "name", "category")
    optional_columns = (
        "address",
        "postcode",
        "latitude",
        "longitude",
        "uprn",
        "osm_id",
        "ownership",
        "operator",
        "opened",
        "closed",
    )
    column_aliases = {
        "source_ref": ("id", "ref", "reference"),
        "postcode": ("zip",),
        "latitude": ("lat",),
        "longitude": ("lon", "lng", "long"),
    }

    def parse_row(self, row):
        source_ref = text(row, "source_ref")
        if not source_ref:
            raise RowError("source_ref", "an id is required")
        latitude, longitude = coordinates(row)
        record = self.base_record(
            row,
            source_ref=source_ref[:100],
            name=text(row, "name")[:255],
            category=choice(text(row, "category"), Category, "category"),
            address=text(row, "address"),
            postcode=self.postcode_of(row, located=latitude is not None),
            latitude=latitude,
            longitude=longitude,
            uprn=text(row, "uprn")[:12],
            osm_id=text(row, "osm_id")[:30],
            ownership=choice(text(row, "ownership"), Ownership, "ownership", Ownership.UNKNOWN),
            operator=text(row, "operator")[:255],
        )
        record["events"] = dated_events(
            row, [("opened", EventKind.OPENED), ("closed", EventKind.CLOSED)]
        )
        return record
