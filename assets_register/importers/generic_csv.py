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
from assets_register.importers.columns import CleanColumns
from assets_register.models import Category, EventKind, LocationSource, Ownership


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

    def parsed_rows(self):
        """What parse_row() gives, read column by column: every column is normalised at
        once (pandas), and only a row that needs more (a problem, a notice, a value the
        columns cannot settle) goes through parse_row(). A row at a time cost most of
        pass 1 (bench/import_assets.py)."""
        frame = self.table()
        columns = CleanColumns(frame)
        refs = columns.text("source_ref", 100, required=True)
        names = columns.text("name", 255, required=True)
        categories = columns.choice("category", Category)
        postcodes = columns.postcode("postcode")
        ownerships = columns.choice("ownership", Ownership, default=Ownership.UNKNOWN)
        addresses = columns.text("address")
        uprns, osm_ids = columns.text("uprn", 12), columns.text("osm_id", 30)
        operators = columns.text("operator", 255)
        opened, closed = columns.date("opened"), columns.date("closed")
        located = columns.coordinates("latitude", "longitude")
        clean = columns.clean_rows()
        raw = columns.raw
        del frame, columns
        for position in range(len(clean)):
            self.current_row = self.row_number(position)
            if not clean[position]:
                try:
                    yield position, self.parse_row({name: raw[name][position] for name in raw})
                except RowError as error:
                    yield position, error
                continue
            latitude, longitude = located[position]
            events = []
            if opened[position] is not None:
                events.append((EventKind.OPENED, *opened[position], ""))
            if closed[position] is not None:
                events.append((EventKind.CLOSED, *closed[position], ""))
            yield (
                position,
                {
                    "address": addresses[position],
                    "postcode": postcodes[position],
                    "latitude": latitude,
                    "longitude": longitude,
                    "location_source": LocationSource.NONE
                    if latitude is None
                    else LocationSource.SOURCE_DATA,
                    "uprn": uprns[position],
                    "local_code": "",
                    "opening_hours": [],
                    "osm_id": osm_ids[position],
                    "ownership": ownerships[position],
                    "operator": operators[position],
                    "events": events,
                    "source_ref": refs[position],
                    "name": names[position],
                    "category": categories[position],
                },
            )

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
