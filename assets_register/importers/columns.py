"""An import's columns normalised whole (pandas), instead of a row at a time.

Each method gives a column's values as parse_row() would read them, and marks the rows
whose value it cannot settle alone: blank where one is required, not a known choice, not
a postcode or a date as written, a spreadsheet's empty cell. The importer parses those
rows one by one as before, so their messages and notices are the same.
"""

import numpy as np

from assets_register.core.dates import InvalidDate, parse_partial_date
from assets_register.core.postcodes import COMPACT_POSTCODE
from assets_register.importers.assets import _choice_lookup, coordinates
from assets_register.importers.base import RowError


class CleanColumns:
    def __init__(self, frame):
        self.frame = frame
        self.unsettled = np.zeros(len(frame), dtype=bool)
        # The rows as parse_row() takes them, for the rows left to it.
        self.raw = {name: frame[name].tolist() for name in frame.columns}

    def clean_rows(self):
        """Whether each row was settled by every column read."""
        return (~self.unsettled).tolist()

    def _stripped(self, name):
        if name not in self.frame:
            # Imported here, as in base._read_table (which made the frame, so pandas is
            # loaded): not with this module, which every web process imports.
            import pandas as pd

            return pd.Series("", index=self.frame.index, dtype=object)
        column = self.frame[name]
        missing = column.isna().to_numpy()
        if missing.any():
            self.unsettled |= missing
            column = column.fillna("")
        return column.astype(str).str.strip()

    def text(self, name, size=None, required=False):
        values = self._stripped(name)
        if required:
            self.unsettled |= (values == "").to_numpy()
        return (values.str.slice(0, size) if size else values).tolist()

    def choice(self, name, choices, default=None):
        """Codes of a TextChoices, given by code or label in any case; blank is `default`."""
        lookup = _choice_lookup(choices)
        if default is not None:
            lookup = {**lookup, "": default}
        codes = self._stripped(name).str.lower().map(lookup)
        self.unsettled |= codes.isna().to_numpy()
        return codes.tolist()

    def postcode(self, name):
        """Canonical postcodes ('DH1 3NJ'), '' where blank."""
        values = self._stripped(name)
        compact = values.str.rstrip(".,;").str.replace(r"\s+", "", regex=True).str.upper()
        parts = compact.str.extract(COMPACT_POSTCODE)
        found = parts["outward"].notna()
        self.unsettled |= ((values != "") & ~found).to_numpy()
        return (parts["outward"] + " " + parts["inward"]).where(found, "").tolist()

    def date(self, name):
        """(first day, precision) of each partial date, None where blank; each distinct
        value is parsed once."""
        values = self._stripped(name).tolist()
        parsed = {"": None}
        for value in set(values) - {""}:
            try:
                parsed[value] = parse_partial_date(value)
            except InvalidDate:
                parsed[value] = False
        dates = [parsed[value] for value in values]
        self.unsettled |= np.fromiter((d is False for d in dates), bool, len(dates))
        return dates

    def coordinates(self, lat_name, lon_name):
        """(lat, lon) Decimals, (None, None) where both are blank."""
        lats, lons = self._stripped(lat_name), self._stripped(lon_name)
        given = ((lats != "") | (lons != "")).to_numpy()
        located = [(None, None)] * len(lats)
        lats, lons = lats.tolist(), lons.tolist()
        for position in np.flatnonzero(given).tolist():
            try:
                located[position] = coordinates(
                    {lat_name: lats[position], lon_name: lons[position]}, lat_name, lon_name
                )
            except RowError:
                self.unsettled[position] = True
        return located
