"""Arts Council England / DCMS 'Public libraries in England' basic dataset (2023 edition,
as published by Libraries Hacked: github.com/LibrariesHacked/librarydata-db,
data/libraries_england_2023.csv). OGL v3.

Each library becomes an asset keyed on its authority and name. The dataset's
`opened`/`closed` years and its yearly operating model (operation_16 … _23:
LA council-run, CL community-led, CR commissioned, ICL independent) become
dated events.
"""

import datetime

from assets_register.importers.assets import AssetImporter, postcode_field
from assets_register.importers.base import RowError, text
from assets_register.models import Category, DatePrecision, EventKind, Ownership

OPERATION_YEARS = (2016, 2019, 2021, 2022, 2023)
OPERATING_MODELS = {
    "LA": ("run by the council", Ownership.PUBLIC),
    "LAU": ("run by the council, unstaffed", Ownership.PUBLIC),
    "CR": ("commissioned by the council", Ownership.PUBLIC),
    "CL": ("community-led", Ownership.COMMUNITY_MANAGED),
    "ICL": ("an independent community library", Ownership.COMMUNITY_OWNED),
}
CLOSED, TEMPORARILY_CLOSED, NOT_YET_OPEN = "Closed", "Temporary Closure", "Facility Not Open"


def _year(value, column):
    if not value:
        return None
    try:
        year = int(float(value))
    except (ValueError, OverflowError):  # OverflowError: 'inf', '1e400'
        raise RowError(column, f"{value!r} is not a year") from None
    if not 1800 <= year <= datetime.date.today().year + 1:
        raise RowError(column, f"{year} is not a plausible year")
    return datetime.date(year, 1, 1)


def _event(kind, year, note):
    return (kind, datetime.date(year, 1, 1), DatePrecision.YEAR, note)


class PublicLibrariesImporter(AssetImporter):
    source_name = "ace-libraries-2023"
    required_columns = ("authority", "name", "address1", "postcode", "closed", "opened")

    def parse_row(self, row):
        name, authority = text(row, "name"), text(row, "authority")
        address = ", ".join(part for part in (text(row, f"address{n}") for n in (1, 2, 3)) if part)
        models = [text(row, f"operation_{year % 100}") for year in OPERATION_YEARS]
        ownership = Ownership.UNKNOWN
        for code in models:
            if code in OPERATING_MODELS:
                ownership = OPERATING_MODELS[code][1]
        operator = text(row, "operating_organisation")
        record = self.base_record(
            row,
            source_ref=f"{authority}/{name}"[:100],
            name=name[:255],
            category=Category.LIBRARY,
            address=address,
            postcode=postcode_field(row),
            uprn=text(row, "uprn").split(".")[0][:12],
            ownership=ownership,
            operator="" if operator in ("", "-") else operator[:255],
        )
        opened = _year(text(row, "opened"), "opened")
        closed = _year(text(row, "closed"), "closed")
        events = []
        if opened:
            events.append((EventKind.OPENED, opened, DatePrecision.YEAR, ""))
        if closed:
            events.append((EventKind.CLOSED, closed, DatePrecision.YEAR, ""))
        events += self.changes_between_returns(
            models, known_opening=bool(opened), known_closure=bool(closed)
        )
        record["events"] = events
        return record

    @staticmethod
    def changes_between_returns(models, known_opening, known_closure):
        """Events read from the yearly operating model: a change between two returns is
        dated to the later return's year, and its note says so."""
        events, previous, previous_year = [], None, None
        for year, code in zip(OPERATION_YEARS, models, strict=True):
            since = f"(DCMS returns for {previous_year} and {year})"
            if code in OPERATING_MODELS:
                if previous in OPERATING_MODELS and code != previous:
                    events.append(
                        _event(
                            EventKind.OWNERSHIP_CHANGED,
                            year,
                            f"Was {OPERATING_MODELS[previous][0]}; "
                            f"{OPERATING_MODELS[code][0]} by {year} {since}.",
                        )
                    )
                elif previous == NOT_YET_OPEN and not known_opening:
                    events.append(_event(EventKind.OPENED, year, f"Open by {year} {since}."))
                elif previous in (CLOSED, TEMPORARILY_CLOSED):
                    note = f"Open again by {year} {since}."
                    events.append(_event(EventKind.REOPENED, year, note))
            elif code == CLOSED and previous in (*OPERATING_MODELS, TEMPORARILY_CLOSED):
                if not known_closure:
                    events.append(_event(EventKind.CLOSED, year, f"Closed by {year} {since}."))
            elif code == TEMPORARILY_CLOSED and previous in OPERATING_MODELS:
                events.append(
                    _event(
                        EventKind.TEMPORARILY_CLOSED,
                        year,
                        f"Temporarily closed in the {year} return {since}.",
                    )
                )
            if code:
                previous, previous_year = code, year
        return events
