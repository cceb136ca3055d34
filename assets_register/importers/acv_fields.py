"""How councils write their ACV registers: headings, decisions, dates and locations,
read into the national schema's terms. Pure functions; the importer is acv_register.py."""

import calendar
import datetime
import re
from decimal import Decimal, InvalidOperation

from assets_register.core.dates import InvalidDate, parse_partial_date
from assets_register.models import (
    UK_LATITUDE_RANGE,
    UK_LONGITUDE_RANGE,
    Category,
    DatePrecision,
    ListEntry,
)

# National field -> the other headings councils use for it. "postcode", "latitude",
# "longitude", "reason-unsuccessful" and "listing-date" are ours: common in council files,
# absent nationally. "entry-date" is the national one: the date the record was made.
HEADINGS = {
    "reference": (
        "ref",
        "ref no",
        "reference number",
        "acv reference",
        "acv ref",
        "acv number",
        "acv id",
        "id",
        "listing reference",
        "asset reference",
        "asset id",
        "register reference",
    ),
    "name": (
        "asset name",
        "asset",
        "name of asset",
        "property name",
        "property name and address",
        "name and address",
        "asset name and address",
        "property",
        "site name",
        "premises",
        "asset of community value",
    ),
    "address-text": (
        "address",
        "asset address",
        "property address",
        "site address",
        "full address",
        "address of asset",
    ),
    "postcode": ("post code",),
    "description": ("asset description", "description of asset", "property description"),
    "point": ("location", "coordinates", "geo point", "lat long", "lat lon", "wkt"),
    "latitude": ("lat",),
    "longitude": ("lon", "long", "lng"),
    "organisation": ("organization", "local authority"),
    "nomination-date": (
        "date nomination received",
        "date of nomination",
        "date nominated",
        "nominated on",
        "nomination received",
        "nomination received date",
        "date received",
    ),
    "nominating-group": (
        "nominated by",
        "nominator",
        "nominating body",
        "nominating organisation",
        "nominating organization",
        "nominating group name",
    ),
    "decision": (
        "status",
        "outcome",
        "listing status",
        "result",
        "nomination outcome",
        "nomination status",
        "decision outcome",
    ),
    "decision-date": ("date of decision", "decided on", "date decided"),
    # Ours: the date of the list entry (s.87), when a council gives it apart from the decision.
    "listing-date": (
        "listed date",
        "date listed",
        "listed on",
        "date of listing",
        "date entered on list",
        "date entered on the list",
        "date added to list",
        "date added to the list",
        "date added to register",
        "date added",
    ),
    "expiry-date": (
        "listing expiry date",
        "expiry",
        "expires",
        "expires on",
        "date listing expires",
        "listing expires",
        "listing end date",
        "date of expiry",
        "listed until",
    ),
    "notification-to-sell-date": (
        "notice to dispose received by council date",
        "notice of intention to dispose",
        "date owner announced intention to dispose",
        "disposal notice date",
        "disposal notice received",
        "date of notice to dispose",
        "notification to sell",
    ),
    "interested-group": (
        "community group which triggered full moratorium",
        "community interest group that triggered full moratorium",
        "group that triggered full moratorium",
        "community interest group",
        "potential bidder",
    ),
    "protected-period-start-date": ("protected period start",),
    "notes": (
        "note",
        "comments",
        "comment",
        "remarks",
        "reason",
        "reasons",
        "reason for decision",
        "further information",
    ),
    "reason-unsuccessful": (
        "reason for unsuccessful nomination",
        "reason for refusal",
        "reasons for refusal",
        "reason not listed",
        "reason for rejection",
    ),
    "entry-date": ("date entered",),
    "start-date": (),
    "end-date": (
        "date removed",
        "removed on",
        "removal date",
        "date of removal",
        "date delisted",
        "date removed from list",
    ),
}


def normalise_heading(heading) -> str:
    """'StartDate', 'START_DATE' and 'start date' all become 'startdate'."""
    return re.sub(r"[^a-z0-9]", "", str(heading).lower())


ALIASES = {
    normalise_heading(alias): name
    for name, aliases in HEADINGS.items()
    for alias in (name, *aliases)
}


def map_headings(headings):
    """{field: column position} for recognised headings (the first of two wins), and the
    headings that were not recognised."""
    found, ignored = {}, []
    for position, heading in enumerate(headings):
        name = ALIASES.get(normalise_heading(heading))
        if name and name not in found:
            found[name] = position
        elif heading and not str(heading).startswith("Unnamed:"):
            ignored.append(str(heading))
    return found, ignored


LISTED, UNSUCCESSFUL, WITHDRAWN, PENDING = "listed", "unsuccessful", "withdrawn", "pending"
EXPIRED = "expired"  # a listing that ended by itself: not a removal
Removal = ListEntry.RemovalReason
# (outcome, how the listing ended) -> the free text councils write for it.
DECISION_WORDS = {
    (LISTED, None): (
        "listed",
        "successful",
        "approved",
        "accepted",
        "added to list",
        "added to the list",
        "on list",
        "on the list",
        "listed as acv",
        "listed as an acv",
        "current",
        "active",
        "granted",
        "included on list",
        "relisted",
        "re listed",
    ),
    (UNSUCCESSFUL, None): (
        "unsuccessful",
        "not successful",
        "rejected",
        "not listed",
        "refused",
        "declined",
        "not accepted",
        "not approved",
        "invalid",
        "invalid nomination",
        "ineligible",
        "not of community value",
        "turned down",
        "nomination rejected",
        "nomination refused",
    ),
    (WITHDRAWN, None): ("withdrawn", "nomination withdrawn", "withdrawn by nominator"),
    (PENDING, None): (
        "pending",
        "under consideration",
        "awaiting decision",
        "in progress",
        "decision pending",
        "being considered",
    ),
    (LISTED, Removal.OTHER): (
        "removed",
        "removed from list",
        "removed from the list",
        "delisted",
        "de listed",
        "no longer listed",
    ),
    (LISTED, Removal.DISPOSED): (
        "sold",
        "disposed",
        "removed sold",
        "removed on sale",
        "removed following sale",
        "removed after sale",
        "removed following disposal",
    ),
    (LISTED, Removal.REVIEW): (
        "removed on review",
        "removed following review",
        "removed after review",
    ),
    (LISTED, Removal.APPEAL): ("removed on appeal", "removed following appeal", "appeal allowed"),
    (LISTED, Removal.NO_LONGER_OF_VALUE): (
        "no longer of community value",
        "removed no longer of community value",
    ),
    (LISTED, EXPIRED): ("expired", "listing expired", "lapsed", "listing lapsed"),
}
DECISIONS = {phrase: meaning for meaning, phrases in DECISION_WORDS.items() for phrase in phrases}
# Longest first, so "removed on appeal 2020" is an appeal rather than a plain removal.
_DECISION_PREFIXES = sorted(DECISIONS, key=len, reverse=True)


def parse_decision(text):
    """(outcome, removal) for a council's decision text; ValueError naming it otherwise."""
    phrase = re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()
    for known in _DECISION_PREFIXES:
        if phrase == known or phrase.startswith(known + " "):
            return DECISIONS[known]
    raise ValueError(
        f"{str(text)[:60]!r} is not a decision this importer understands "
        "(e.g. listed, unsuccessful, withdrawn, removed, sold, expired)"
    )


BLANKS = {"", "-", "--", "n/a", "na", "none", "nil", "tbc", "unknown", "not applicable"}
DATE_FORMATS = (
    ("%d %B %Y", DatePrecision.DAY),
    ("%d %b %Y", DatePrecision.DAY),
    ("%d %B %y", DatePrecision.DAY),
    ("%d %b %y", DatePrecision.DAY),
    ("%d-%b-%y", DatePrecision.DAY),
    ("%d-%b-%Y", DatePrecision.DAY),
    ("%d-%m-%Y", DatePrecision.DAY),
    ("%d/%m/%y", DatePrecision.DAY),
    ("%d.%m.%y", DatePrecision.DAY),
    ("%B %d, %Y", DatePrecision.DAY),
    ("%B %Y", DatePrecision.MONTH),
    ("%b %Y", DatePrecision.MONTH),
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value, *, end=False):
    """(date, precision) from the ways councils write dates, or None when blank.

    Raises InvalidDate (a ValueError). A partial end date means the end of its
    month or year, as the national standard says.
    """
    if isinstance(value, datetime.date):  # Excel cells read as values, pandas Timestamps
        return parse_partial_date(value)
    text = re.sub(r"\s+", " ", str(value)).strip()
    if text.lower() in BLANKS:
        return None
    if re.fullmatch(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?Z?", text):
        text = text[:10]  # Excel and ISO timestamps: the time of day means nothing here
    try:
        day, precision = parse_partial_date(text)
    except InvalidDate as error:
        day, precision = _other_formats(text, error)
    if end and precision == DatePrecision.YEAR:
        day = day.replace(month=12, day=31)
    elif end and precision == DatePrecision.MONTH:
        day = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, precision


def _other_formats(text, error):
    if re.fullmatch(r"\d{5}(\.0+)?", text) and 20000 <= float(text) <= 80000:
        # An Excel serial day number, as a date cell reads when formatted as General.
        return EXCEL_EPOCH + datetime.timedelta(days=int(float(text))), DatePrecision.DAY
    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text, flags=re.I)  # 3rd March
    cleaned = re.sub(r"^[A-Za-z]+day,? ", "", cleaned)  # Wednesday 3 March 2021
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned, flags=re.I)
    for pattern, precision in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
        if day.year >= 1900:
            return day, precision
    raise error


_COORDINATES = re.compile(r"(?<![\w.])([-+]?\d+\.\d+)\s*[,\s]\s*([-+]?\d+\.\d+)(?![\w.])")
SIX_PLACES = Decimal("0.000001")


def in_uk(lat, lon):
    return (
        UK_LATITUDE_RANGE[0] <= lat <= UK_LATITUDE_RANGE[1]
        and UK_LONGITUDE_RANGE[0] <= lon <= UK_LONGITUDE_RANGE[1]
    )


def parse_point(text):
    """(lat, lon, swapped) from WKT 'POINT (lon lat)' or Socrata's '(lat, lon)'; None if the
    text holds no coordinates. Raises ValueError for a point outside the UK."""
    match = _COORDINATES.search(text)
    if not match:
        return None
    try:
        first, second = (Decimal(n).quantize(SIX_PLACES) for n in match.groups())
    except InvalidOperation:  # more digits than any coordinate has
        raise ValueError(f"{text[:40]!r} is not a point") from None
    lat, lon = (second, first) if "point" in text.lower() else (first, second)
    if in_uk(lat, lon):
        return lat, lon, False
    if in_uk(lon, lat):  # the UK boxes for the two axes do not overlap: the swap is certain
        return lon, lat, True
    hint = " (these look like British National Grid metres)" if abs(first) > 180 else ""
    raise ValueError(f"{lat}, {lon} is outside the United Kingdom{hint}")


CATEGORY_WORDS = (
    (re.compile(r"\blibrary\b", re.I), Category.LIBRARY),
    (re.compile(r"\b(pub|inn|arms|tavern|public house)\b", re.I), Category.PUB),
    (re.compile(r"\b(hall|centre|center)\b", re.I), Category.COMMUNITY_CENTRE),
)


def guess_category(name):
    for pattern, category in CATEGORY_WORDS:
        if pattern.search(name):
            return category
    return Category.OTHER


def cell(row, name):
    value = row.get(name)
    if isinstance(value, datetime.date):
        return value
    text = "" if value is None else str(value).strip()
    return "" if text.lower() in BLANKS else text
