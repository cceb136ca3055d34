"""Arts Council England / DCMS "Public libraries in England: basic dataset", as compiled by
Libraries Hacked (github.com/LibrariesHacked/librarydata-db). OGL v3.

Two layouts, one importer (`--format libraries`):

1. Each edition of the basic dataset (2023: data/libraries_england_2023.csv): reporting,
   name, address1-3, authority, postcode, uprn, type, statutory_YY, operation_YY (one per
   return: 16, 19, 21, 22, 23), closed, opened, operating_organisation, ... The edition
   is the newest year of its operation_YY columns (operation_23: the 2023 edition) unless
   --edition says otherwise.
2. Libraries Hacked's schema (data/libraries_england.csv, the DCMS 2016 dataset kept up
   to 2020, and councils' own files): Local authority, Library name, Address 1-3,
   Postcode, Unique property reference number, Type of library, Year opened, Year closed.
   Those headings are aliases of layout 1's; "Type of library" is the operating model in
   the file's edition, which the file does not say: give --edition (e.g. 2020).

Each library is an asset keyed on its authority (or, when that is blank, the service
reporting it) and name. Two rows with one name in one authority (Northumberland's three
mobile libraries, a library and the archive in one building, a library and its
replacement) are kept apart by the first of postcode, type, opening or closing year,
address that differs between them. `opened`/`closed` years and the change of operating
model between returns become dated events; a change is dated to the later return's year
and its note names both returns. A cell that stands for an unknown value ('[Unknown]',
'[No registered public address]', 'n/a - mobile') keeps its row: the value is recorded
as unknown and the report says so. Years may be '1987', '1985c' (about 1985) or '1960s'
(dated to the decade's first year, and the note says so).

Operating models: the publisher's definitions (DCMS, "Definitions for types of libraries
in the extended basic dataset", 2016; repeated in Libraries Hacked's schema at
schema.librarydata.uk/libraries) are
    LAL   local authority library: funded, run and managed by council staff
    LAL-  as LAL, but unstaffed (a book drop, for example)
    CL    commissioned library: running transferred to a separate trust or organisation;
          the council is still accountable
    CRL   community run library: volunteers, with ongoing council support under an
          agreement; may or may not be part of the statutory service
    ICL   independent community library (IL in the schema): run by a non-council body,
          outside the council's network
The 2023 edition's operation_YY columns use LA, LAU, C, CR and ICL, and no definition of
those codes was found. INFERRED: they are the 2016 codes shortened (LA = LAL, LAU = LAL-,
C = CL commissioned, CR = CRL community run). Libraries Hacked's own load of the 2023
edition maps them so (librarydata-db load_england_2023.sql), and the data agree: the
authorities with the most C libraries in 2023 (Nottinghamshire 56, Devon 54, Suffolk 51,
Cornwall 21, York 20, Salford 17, Bromley 14) are those with the most CL libraries in
2016, and their operating organisations are trusts, mutuals and leisure companies
(Inspire, Libraries Unlimited, Suffolk Libraries IPS, Explore York, GLL); those with the
most CR (Leicestershire 35, Lincolnshire 34, North Yorkshire 31, Staffordshire 27,
Doncaster 20) are 2016's CRL, run by community groups. So CR is community run, not
"commissioned by the council" as this importer read it before, and C (511 rows) is
commissioned. Ownership follows: LA, LAU and C are the council's (it stays accountable
for a commissioned library); CR and ICL are community-managed (the definitions speak of
running the library, not of owning the building).

Dirty codes fold into that one vocabulary: case and spacing are ignored (c, La, closed),
the 2016 codes become the 2023 ones, "Closed", "Temporary Closure" and "Facility Not
Open" are statuses, and anything else ('[Unknown]') is unknown: a return that says
nothing, so a change is read across it (Shortlanesend Micro: CR in 2016, unknown, closed
in 2023, is closed by 2023).
"""

import dataclasses
import datetime
import re

from assets_register.importers.assets import AssetImporter
from assets_register.importers.base import RowError, is_placeholder, text
from assets_register.models import Category, DatePrecision, EventKind, Ownership

OPERATION_YEARS = (2016, 2019, 2021, 2022, 2023)  # the 2023 edition's returns
OPERATION_COLUMN = re.compile(r"operation_(\d{2})")
LA, LAU, C, CR, ICL = "LA", "LAU", "C", "CR", "ICL"
CLOSED, TEMPORARILY_CLOSED, NOT_YET_OPEN = "Closed", "Temporary Closure", "Facility Not Open"
UNKNOWN = "unknown"
OPERATING_MODELS = {
    LA: ("run by the council", Ownership.PUBLIC),
    LAU: ("run by the council, unstaffed", Ownership.PUBLIC),
    C: ("run for the council by a commissioned trust or organisation", Ownership.PUBLIC),
    CR: ("run by the community with the council's support", Ownership.COMMUNITY_MANAGED),
    ICL: ("an independent community library", Ownership.COMMUNITY_MANAGED),
}
_FOLDED = {
    "la": LA,
    "lal": LA,
    "lau": LAU,
    "lal-": LAU,
    "c": C,
    "cl": C,
    "cr": CR,
    "crl": CR,
    "crl+": CR,
    "icl": ICL,
    "icl+": ICL,
    "il": ICL,
    "closed": CLOSED,
    "temporary closure": TEMPORARILY_CLOSED,
    "temporarily closed": TEMPORARILY_CLOSED,
    "facility not open": NOT_YET_OPEN,
}


def operating_model(code):
    """One of LA, LAU, C, CR, ICL, Closed, Temporary Closure, Facility Not Open, unknown, or
    '' for an empty cell."""
    code = " ".join(str(code).split())
    if not code:
        return ""
    return _FOLDED.get(code.casefold(), UNKNOWN)


@dataclasses.dataclass(frozen=True)
class YearText:
    """What a year cell says: a year, about a year, a decade, or only that it happened."""

    year: int | None
    kind: str  # "year", "about", "decade", "undated" (e.g. 'Closed' for the year closed)
    text: str

    def note(self, what):
        if self.kind == "about":
            return f"{what} about {self.year} (the dataset says {self.text!r})."
        if self.kind == "decade":
            return f"{what} in the {self.year}s (the dataset gives only the decade)."
        return ""


_EXACT = re.compile(r"(\d{4})(?:\.0+)?")
_ABOUT = re.compile(r"(?:c\.?|ca\.?|circa|about)\s*(\d{4})|(\d{4})\s*(?:c\.?|ca\.?|\?)")
_DECADE = re.compile(r"(\d{3}0)'?s")


def year_text(value, column):
    """A YearText for a year cell, None for an empty one or a placeholder ('[Unknown]');
    RowError for anything else that is not a year."""
    value = " ".join(str(value).split())
    if not value or is_placeholder(value):
        return None
    lowered = value.casefold()
    if lowered == "closed":
        return YearText(None, "undated", value)
    for pattern, kind in ((_EXACT, "year"), (_ABOUT, "about"), (_DECADE, "decade")):
        match = pattern.fullmatch(lowered)
        if match:
            year = int(next(group for group in match.groups() if group))
            if not 1800 <= year <= datetime.date.today().year + 1:
                raise RowError(column, f"{year} is not a plausible year")
            return YearText(year, kind, value)
    raise RowError(column, f"{value[:30]!r} is not a year")


def _qualified(ref, value):
    """'Northumberland/mobile (NE66 2ES)': a ref told apart, within the column's 100."""
    suffix = f" ({' '.join(value.split())[:40]})"
    return ref[: 100 - len(suffix)] + suffix


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CLOSED_ALL_DAY = re.compile(r"(n/?a\s*)?closed|00:00\s*-\s*00:00", re.IGNORECASE)


def _uprn_or_code(value):
    """A UPRN is a number; some authorities give their own code instead (0945SO1), which
    is kept as the library's code, never passed off as a UPRN."""
    value = value.replace(" ", "")
    value = value.split(".")[0] if re.fullmatch(r"\d+\.0*", value) else value
    if value.isdigit():
        return {"uprn": value[:12]}
    return {"local_code": "" if is_placeholder(value) else value[:30]}


def _opening_hours(row):
    """[day, hours] as the file gives them ('AM & PM (continuous)', '09:30-19:00'), and the
    weekly total; nothing when every day is closed or blank."""
    days = []
    for day in DAYS:
        value = " ".join(text(row, day).split())
        if value and not is_placeholder(value):
            days.append([day.title(), "Closed" if CLOSED_ALL_DAY.fullmatch(value) else value])
    if all(hours == "Closed" for _, hours in days):
        return []
    weekly = text(row, "hours")
    if re.fullmatch(r"\d+(\.\d+)?", weekly):
        days.append(["Hours a week", weekly])
    return days


def _event(kind, year, note):
    return (kind, datetime.date(year, 1, 1), DatePrecision.YEAR, note)


class PublicLibrariesImporter(AssetImporter):
    source_name = "ace-libraries"
    required_columns = ("authority", "name", "address1", "postcode", "closed", "opened")
    optional_columns = (
        "reporting",
        "address2",
        "address3",
        "uprn",
        "type",
        "operation",
        "operating_organisation",
        *DAYS,
        "hours",
    )
    column_aliases = {
        **{day: (f"{day} staffed hours",) for day in DAYS},
        "authority": ("local authority", "library service"),
        "name": ("library name",),
        "uprn": ("unique property reference number",),
        "opened": ("year opened",),
        "closed": ("year closed",),
        "operation": ("type of library",),
        "operating_organisation": ("operating organisation",),
    }
    returns = ()  # (year, column) of each return in the file, oldest first

    def rows(self):
        rows = super().rows()
        returns = sorted(
            2000 + int(match[1]) for match in map(OPERATION_COLUMN.fullmatch, self.columns) if match
        )
        if self.edition is None and returns:
            self.edition = str(returns[-1])
        if returns:
            self.returns = [(year, f"operation_{year % 100:02d}") for year in returns]
        elif "operation" in self.columns and self.edition:
            self.returns = [(int(self.edition[:4]), "operation")]
        else:
            self.returns = []
            if "operation" in self.columns:
                self.report.notices.append(
                    "The file does not say which edition it is (give --edition): its "
                    "'Type of library' gives ownership only, and events are only added."
                )
        return rows

    def parse_row(self, row):
        name = text(row, "name")
        authority = text(row, "authority") or text(row, "reporting")
        address = ", ".join(filter(None, (self._known(row, f"address{n}") for n in (1, 2, 3))))
        models = [
            (year, column, operating_model(text(row, column))) for year, column in self.returns
        ]
        self._notice_unknown_codes(row, models)
        ownership = Ownership.UNKNOWN
        for _year, _column, code in models:
            if code in OPERATING_MODELS:
                ownership = OPERATING_MODELS[code][1]
        if "operation" in self.columns and not self.returns:
            code = operating_model(text(row, "operation"))
            ownership = OPERATING_MODELS.get(code, (None, ownership))[1]
        operator = text(row, "operating_organisation")
        record = self.base_record(
            row,
            source_ref=f"{authority}/{name}"[:100],
            name=name[:255],
            category=Category.LIBRARY,
            address=address,
            postcode=self.postcode_of(row),
            **_uprn_or_code(text(row, "uprn")),
            opening_hours=_opening_hours(row),
            ownership=ownership,
            # Some returns give the operating model's code here instead of an organisation.
            operator=""
            if is_placeholder(operator) or operating_model(operator) in OPERATING_MODELS
            else operator[:255],
        )
        opened = self._year(row, "opened")
        closed = self._year(row, "closed")
        events = []
        if opened and opened.year:
            events.append(_event(EventKind.OPENED, opened.year, opened.note("Opened")))
        if closed and closed.year:
            events.append(_event(EventKind.CLOSED, closed.year, closed.note("Closed")))
        elif closed and self.edition:
            year = int(self.edition[:4])
            note = f"Closed by {year}; the {self.edition} edition gives no year."
            events.append(_event(EventKind.CLOSED, year, note))
        elif closed:
            self.notice(
                "closed, in a year the file does not give and without an edition to date it "
                "by: no closure recorded (give --edition)"
            )
        events += self.changes_between_returns(
            [code for _year, _column, code in models],
            known_opening=bool(opened),
            known_closure=bool(closed),
            years=[year for year, _column, _code in models],
        )
        record["events"] = events
        record["_apart"] = {
            "postcode": record["postcode"] or "no postcode",
            "type": text(row, "type"),
            "opened": f"opened {text(row, 'opened')}" if text(row, "opened") else "",
            "closed": f"closed {text(row, 'closed')}" if text(row, "closed") else "still open",
            "address": address,
        }
        return record

    def tell_apart(self, records):
        for field in ("postcode", "type", "opened", "closed", "address"):
            values = [record["_apart"][field] for record in records]
            if not all(values):
                continue
            refs = [_qualified(r["source_ref"], v) for r, v in zip(records, values, strict=True)]
            if len(set(refs)) == len(refs):
                for record, ref in zip(records, refs, strict=True):
                    record["source_ref"] = ref
                return True
        return False

    def _known(self, row, column):
        value = text(row, column)
        if value and is_placeholder(value):
            self.notice(f"{column} {value[:40]!r} stands for an unknown value; left out")
            return ""
        return value

    def _year(self, row, column):
        value = text(row, column)
        found = year_text(value, column)
        if value and found is None:
            self.notice(f"{column} {value[:40]!r} stands for an unknown year; none recorded")
        elif found and found.kind in ("about", "decade"):
            self.notice(f"{column} {value!r} read as {found.note(column).rstrip('.')}")
        return found

    def _notice_unknown_codes(self, row, models):
        unknown = [(column, text(row, column)) for _y, column, code in models if code == UNKNOWN]
        if unknown:
            cells = ", ".join(f"{column} {value[:30]!r}" for column, value in unknown)
            which = "that return" if len(unknown) == 1 else "those returns"
            self.notice(f"{cells}: operating model unknown in {which}; read across it")

    @staticmethod
    def changes_between_returns(models, known_opening, known_closure, years=OPERATION_YEARS):
        """Events read from the yearly operating model: a change between two returns is
        dated to the later return's year, and its note says so. A return whose code is
        unknown says nothing: the change is read between the returns either side of it."""
        events, previous, previous_year = [], None, None
        for year, code in zip(years, map(operating_model, models), strict=True):
            if code in ("", UNKNOWN):
                continue
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
            previous, previous_year = code, year
        return events
