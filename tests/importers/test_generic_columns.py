"""The generic importer reads whole columns at once: what it gives for every row, kept or
rejected, and the notices it leaves, are what parsing each row alone gives."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets_register.importers.base import BaseImporter, RowError
from assets_register.importers.generic_csv import GenericAssetCsvImporter

CELLS = {
    "source_ref": ["r1", " r2 ", "", "x" * 120],
    "name": ["The Plough", "  Hall ", "", "n" * 300],
    "category": ["pub", "PUB", " Library ", "Community centre or village hall", "", "castle"],
    "address": ["1 High Street", " ", "", "Flat 2\nMill Lane"],
    "postcode": ["DH7 6LQ", "dh76lq", " Dh7  6Lq ", "NE26 1EJ.", "", "n/a", "[Unknown]", "XX1"],
    "latitude": ["", "54.8", "54.8123456", "abc", "10", "NaN"],
    "longitude": ["", "-1.6", "-1.61", "x", "-1.6"],
    "uprn": ["", "100012345678", "1" * 20],
    "osm_id": ["", "node/1"],
    "ownership": ["", "public", "Private", "Charity or faith group", "state"],
    "operator": ["", "Parish council"],
    "opened": ["", "1999", "2001-04", "04/2001", "2001-04-05", "05/04/2001", "2001-13", "soon"],
    "closed": ["", "2020", "31/02/2020", "1999.0"],
}
rows = st.lists(
    st.fixed_dictionaries({column: st.sampled_from(cells) for column, cells in CELLS.items()}),
    min_size=1,
    max_size=12,
)


def csv_file(records, columns):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    return io.BytesIO(out.getvalue().encode())


def outcome(importer, parse):
    given_rows = [
        (
            position,
            (error.field, error.message) if isinstance(error := record, RowError) else record,
        )
        for position, record in parse(importer)
    ]
    return given_rows, importer.report.notices


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(records=rows, without=st.sets(st.sampled_from(["latitude", "ownership", "closed"])))
def test_columns_read_whole_give_what_rows_read_alone_give(records, without):
    columns = [column for column in CELLS if column not in without]
    whole = GenericAssetCsvImporter(csv_file(records, columns), source_name="test")
    alone = GenericAssetCsvImporter(csv_file(records, columns), source_name="test")
    assert outcome(whole, lambda i: list(i.parsed_rows())) == outcome(
        alone, lambda i: list(BaseImporter.parsed_rows(i))
    )
