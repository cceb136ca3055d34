"""A council's list of assets of community value, in the national schema or its own shape.

Headings are matched case- and punctuation-insensitively against HEADINGS, so the
planning.data.gov.uk `asset-of-community-value` fields, Camden's Socrata headings and
the usual council variants all land on the same national field names. One row is one
asset: listed rows become a ListEntry (plus a Nomination when a nomination date is
given, a DisposalNotice and a BidderRequest when the file records them); unsuccessful
and withdrawn rows become a Nomination. Each step also writes its AssetEvent with
source "acv-import:<gss>", keyed on (asset, kind, date), so a second run adds nothing.

Dates of a listing: the decision-date is the council's decision (a Nomination's decided_on);
the list entry's own date (ListEntry.listed_on, from which the listing period runs) is that day
unless the file gives it in a column of its own, "listing-date" (or "listed date", "date
listed", "date of listing", "date entered on list", "date added to list", ...). The national
entry-date is the date the council's record was made (Camden gives one day for every row), so
it is kept as recorded_on and never starts the listing. On a re-import, an existing entry's
date changes only when the file has a listing-date: an officer's correction in the admin
stays, with a notice. The nominating-group is kept on the entry (nominated_by) when the row
has no nomination date to make a Nomination of.

Imported records are historic facts the council already accepted, so they are saved
without full_clean(): the eligibility rules (Nomination.clean, BidderRequest.clean)
guard new applications and would block a record the file cannot fully describe.
Unknown nominating bodies get body_type "other"; private contact fields stay blank.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from assets_register.core.dates import InvalidDate
from assets_register.core.postcodes import InvalidPostcode, Postcode
from assets_register.geo.geocoding import find_postcode, postcode_lookup
from assets_register.geo.map_index import bump_map_version
from assets_register.geo.spatial import AreaIndex
from assets_register.importers.acv_fields import (
    _COORDINATES,
    EXPIRED,
    LISTED,
    PENDING,
    UNSUCCESSFUL,
    Removal,
    cell,
    guess_category,
    map_headings,
    parse_date,
    parse_decision,
    parse_point,
)
from assets_register.importers.base import BaseImporter, ImportFileError, RowError
from assets_register.law.eligibility import BodyType
from assets_register.models import (
    Area,
    AreaKind,
    Asset,
    AssetEvent,
    BidderRequest,
    Clock,
    DatePrecision,
    DisposalNotice,
    EventKind,
    ListEntry,
    LocationSource,
    Nomination,
    StatutoryRegime,
)


@dataclass
class RowResult:
    """What one row did, for the per-row report (dry runs say "would")."""

    row: int
    reference: str
    name: str
    created: bool = False
    changes: list = field(default_factory=list)

    @property
    def outcome(self):
        return "created" if self.created else "updated" if self.changes else "unchanged"

    def line(self, written=True):
        verb = (
            self.outcome
            if written or self.outcome == "unchanged"
            else {"created": "would create", "updated": "would update"}[self.outcome]
        )
        detail = f": {', '.join(self.changes)}" if self.changes else ""
        return f"row {self.row}, {self.reference} ({self.name}): {verb}{detail}"


def _assign(instance, values):
    """Set the values that differ; the names of the fields changed."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _given(values):
    """Blank cells never erase what the register already holds."""
    return {name: value for name, value in values.items() if value not in (None, "")}


DATE_FIELDS = (
    "nomination-date",
    "start-date",
    "decision-date",
    "listing-date",
    "entry-date",
    "expiry-date",
    "notification-to-sell-date",
    "protected-period-start-date",
    "end-date",
)
END_FIELDS = {"expiry-date", "end-date"}  # a partial date here means the end of the period
ONE_DAY = datetime.timedelta(days=1)
_TRAILING_POSTCODE = re.compile(r"[,\s]*\b([A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2})\s*$", re.I)


def _day(dated):
    return dated[0] if dated else None


def _spoken(dated):
    """A (date, precision) as a sentence says it: 'on 20 October 2015', 'in March 2016'."""
    day, precision = dated
    if precision == DatePrecision.YEAR:
        return f"in {day.year}"
    if precision == DatePrecision.MONTH:
        return f"in {day:%B %Y}"
    return f"on {day:%-d %B %Y}"


class ACVRegisterImporter(BaseImporter):
    """Upsert one council's published ACV register; see the module docstring."""

    def __init__(self, source, *, council, editor_councils=None, **kwargs):
        """editor_councils: the ids of the councils the person importing may write (None for
        every council): a row located in any other council is refused, not imported."""
        super().__init__(source, **kwargs)
        if council.kind != AreaKind.COUNCIL:
            raise ValueError(f"{council} is a {council.kind}, not a council")
        self.council = council
        self.editor_councils = editor_councils
        self.source_name = f"acv:{council.gss_code}"  # on the assets this import creates
        self.event_source = f"acv-import:{council.gss_code}"
        self.row_offset = 0  # rows above the heading row (a title in a spreadsheet)
        self.results = []

    # Pass 1: headings and rows --------------------------------------------------------------

    def rows(self):
        frame = self.read()
        first_regime = StatutoryRegime.objects.commenced().order_by("takes_effect").first()
        if first_regime is None:
            raise ImportFileError("No statutory regime is set up, so no period can be computed.")
        self.rules_from = first_regime.takes_effect
        headings = list(frame.columns)
        columns, ignored = map_headings(headings)
        if "reference" not in columns:
            # A spreadsheet title above the table: look for the heading row a little lower.
            for position, values in enumerate(frame.head(10).itertuples(index=False)):
                columns, ignored = map_headings(values)
                if "reference" in columns:
                    frame, self.row_offset = frame.iloc[position + 1 :], position + 1
                    break
            else:
                raise ImportFileError(
                    "No reference column was found (e.g. 'reference', 'Ref', 'ACV reference'). "
                    f"The file has: {', '.join(map(str, headings)) or 'no columns'}."
                )
        if "name" not in columns and "address-text" not in columns:
            raise ImportFileError(
                "No name or address column was found (e.g. 'name', 'Asset "
                "name', 'Property name and address')."
            )
        if ignored:
            self.report.notices.append(f"Ignored column(s): {', '.join(ignored)}.")
        return [
            {name: values[position] for name, position in columns.items()}
            for values in frame.itertuples(index=False)
        ]

    def reject(self, row_number, field_name, message):
        super().reject(row_number + self.row_offset, field_name, message)

    def parse_row(self, row):
        if not any(cell(row, column) for column in row):
            return None  # a blank spreadsheet row
        notices = []
        reference = cell(row, "reference")
        if not reference:
            raise RowError("reference", "a reference is required")
        if len(reference) > 40:
            raise RowError("reference", f"{reference[:50]!r} is longer than 40 characters")
        name, address = cell(row, "name"), cell(row, "address-text")
        point = cell(row, "point")
        if point and not _COORDINATES.search(point) and "point" not in point.lower():
            address, point = address or point, ""  # some councils' "Location" is the address
        if not address and "," in name:
            # Camden's "Property name and address" in one cell: the name is its first part.
            name, address = (part.strip() for part in name.split(",", 1))
        name = name or address.split(",", 1)[0].strip()
        if not name:
            raise RowError("name", "a name or an address is required")
        postcode = self._postcode(row, address or name)
        latitude, longitude = self._location(row, point, notices)
        dates = {column: self._date(row, column) for column in DATE_FIELDS}
        outcome, removal = self._decision(row, dates)
        if outcome == PENDING:  # reported and skipped once rows have their numbers
            return {"reference": reference, "outcome": PENDING, "notices": notices}
        record = {
            "reference": reference,
            "name": name[:255],
            "category": guess_category(name),
            "address_text": address,
            "address": _without_postcode(address, postcode),
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "location_source": LocationSource.SOURCE_DATA
            if latitude is not None
            else LocationSource.NONE,
            "outcome": outcome,
            "removal": removal,
            "decision_text": cell(row, "decision"),
            "nominated": dates["nomination-date"] or dates["start-date"],
            # A council that gives only the listing date listed on the day it decided.
            "decided": dates["decision-date"] or dates["listing-date"],
            "listed": dates["listing-date"],  # given: the file sets the entry's date
            "recorded": _day(dates["entry-date"]),
            "expiry": _day(dates["expiry-date"]),
            "disposal": dates["notification-to-sell-date"],
            "ended": dates["end-date"],
            "nominating_group": cell(row, "nominating-group")[:255],
            "interested": cell(row, "interested-group")[:255],
            "description": cell(row, "description"),
            "notes": cell(row, "notes"),
            "reasons": cell(row, "reason-unsuccessful") or cell(row, "notes"),
            "notices": notices,
        }
        self._check_dates(record, dates, notices)
        return record

    def _postcode(self, row, address):
        given = cell(row, "postcode")
        if given:
            try:
                return Postcode.parse(given).with_space
            except InvalidPostcode as error:
                raise RowError("postcode", str(error)) from None
        found = find_postcode(address)
        return found.with_space if found else ""

    def _location(self, row, point, notices):
        if point:
            try:
                parsed = parse_point(point)
            except ValueError as error:
                raise RowError("point", str(error)) from None
            if parsed is None:
                raise RowError(
                    "point",
                    f"{point[:40]!r} is not a point "
                    "(use POINT (longitude latitude) or (latitude, longitude))",
                )
            latitude, longitude, swapped = parsed
            if swapped:
                notices.append(
                    f"the point {point!r} gives longitude and latitude the other way "
                    "round; they were swapped"
                )
            return latitude, longitude
        lat_text, lon_text = cell(row, "latitude"), cell(row, "longitude")
        if not lat_text and not lon_text:
            return None, None
        try:
            parsed = parse_point(f"{lat_text}, {lon_text}")
        except ValueError as error:
            raise RowError("latitude", str(error)) from None
        if parsed is None:
            raise RowError("latitude", f"{lat_text!r}, {lon_text!r} are not coordinates")
        return parsed[:2]

    def _date(self, row, column):
        try:
            dated = parse_date(cell(row, column), end=column in END_FIELDS)
        except InvalidDate as error:
            raise RowError(column, str(error)) from None
        # Only the expiry lies ahead by right; any other far-off date is a typing slip.
        soon = datetime.date.today() + datetime.timedelta(days=366)
        if dated and dated[0] > soon and column != "expiry-date":
            raise RowError(column, f"{dated[0]:%-d %B %Y} is more than a year in the future")
        return dated

    def _decision(self, row, dates):
        text = cell(row, "decision")
        if text:
            try:
                return parse_decision(text)
            except ValueError as error:
                raise RowError("decision", str(error)) from None
        # No decision given (Camden publishes none): infer it from what the row holds.
        if cell(row, "reason-unsuccessful"):
            return UNSUCCESSFUL, None
        if dates["decision-date"] or dates["listing-date"] or dates["expiry-date"]:
            return LISTED, None
        raise RowError("decision", "no decision is given, and no decision date says it was listed")

    def _check_dates(self, record, dates, notices):
        nominated, decided = _day(record["nominated"]), _day(record["decided"])
        listed = _day(record["listed"]) or decided
        given = [  # the columns the file has, to name the one at fault
            ("decision-date", _day(dates["decision-date"])),
            ("listing-date", _day(dates["listing-date"])),
        ]
        for name, day in given:
            if nominated and day and day < nominated:
                raise RowError(name, f"{day} is before the nomination ({nominated})")
        if record["outcome"] == LISTED:
            if decided is None:
                raise RowError("decision-date", "a listed asset needs the date it was listed")
            if listed < decided:
                notices.append(
                    f"listing-date {listed} is before the decision-date {decided}; "
                    "the listing date is used"
                )
            protected = dates["protected-period-start-date"]
            if record["disposal"] is None and protected:
                # The periods all run from the notice (s.95), which is when protection starts.
                record["disposal"] = protected
            if _day(record["disposal"]) and _day(record["disposal"]) < listed:
                raise RowError(
                    "notification-to-sell-date", "the notice to sell is dated before the listing"
                )
            if _day(record["ended"]) and _day(record["ended"]) < listed:
                raise RowError("end-date", "the removal is dated before the listing")
            if record["interested"] and not record["disposal"]:
                notices.append(
                    f"interested group {record['interested']!r} not recorded: "
                    "there is no notification-to-sell-date"
                )
                record["interested"] = ""
            triggers = [
                *given,
                ("nomination-date", nominated),
                ("notification-to-sell-date", _day(record["disposal"])),
            ]
        else:
            if not nominated and not decided:
                raise RowError(
                    "nomination-date",
                    f"a {record['outcome']} nomination needs its nomination or decision date",
                )
            if record["disposal"] or record["interested"]:
                notices.append(
                    "notice to sell and interested group ignored: only listed land has them"
                )
            triggers = [("nomination-date", nominated or decided)]
        for name, day in triggers:
            if day and day < self.rules_from:
                raise RowError(
                    name,
                    f"{day:%-d %B %Y} is before the rules took effect "
                    f"({self.rules_from:%-d %B %Y})",
                )

    # Between the passes: row numbers, duplicates, locations ------------------------------------

    def prepare(self, records):
        for record in records:
            record["_row"] += self.row_offset
        self.row_offset = 0  # from here on every row number is the spreadsheet's own
        kept, first_row = [], {}
        for record in records:
            reference = record["reference"]
            if reference in first_row:
                self.reject(
                    record["_row"],
                    "reference",
                    f"{reference} is also on row {first_row[reference]}",
                )
                continue
            first_row[reference] = record["_row"]
            for notice in record.pop("notices"):
                self.note(record, notice)
            if record["outcome"] == PENDING:
                self.report.skipped += 1
                self.note(
                    record,
                    "a nomination still under consideration is not imported; "
                    "record it with the nomination form",
                )
                continue
            kept.append(record)
        return self._locate(kept)

    def note(self, record, text):
        self.report.notices.append(f"row {record['_row']} ({record['reference']}): {text}")

    def _locate(self, records):
        found = postcode_lookup(r["postcode"] for r in records if r["latitude"] is None)
        for record in records:
            if record["latitude"] is None and record["postcode"] in found:
                record["latitude"], record["longitude"] = found[record["postcode"]]
                record["location_source"] = LocationSource.POSTCODE
            elif record["latitude"] is None:
                why = (
                    f"postcode {record['postcode']} is not in the postcode table"
                    if record["postcode"]
                    else "no point and no postcode in the address"
                )
                self.note(record, f"not located ({why}); imported without a location")
            record["areas"] = {"council_id": self.council.pk}
        located = [r for r in records if r["latitude"] is not None]
        if not located:
            return records
        areas = AreaIndex().locate_many(
            [r["longitude"] for r in located], [r["latitude"] for r in located]
        )
        refused = set()
        for record, found_areas in zip(located, areas, strict=True):
            council_id = found_areas[AreaKind.COUNCIL]
            if council_id not in (None, self.council.pk):
                if self.editor_councils is not None and council_id not in self.editor_councils:
                    self._refuse_elsewhere(record, council_id)
                    refused.add(id(record))
                    continue
                self.note(record, f"the location is outside {self.council.name}; check it")
            record["areas"] = {
                "council_id": council_id or self.council.pk,
                "ward_id": found_areas[AreaKind.WARD],
                "lsoa_id": found_areas[AreaKind.LSOA],
            }
        return [record for record in records if id(record) not in refused]

    def _refuse_elsewhere(self, record, council_id):
        """Council staff write only their own councils' places, whatever the file says."""
        elsewhere = Area.objects.filter(pk=council_id).values_list("name", flat=True).first()
        from_point = record["location_source"] == LocationSource.SOURCE_DATA
        self.reject(
            record["_row"],
            "point" if from_point else "postcode",
            f"the place is in {elsewhere}, and you can import places in your own council "
            "only: check the location, or ask an editor of every council to import it",
        )

    # Pass 2: write ----------------------------------------------------------------------------

    def write(self, records):
        self.results, wanted, last_result = [], defaultdict(set), {}
        for record in self.progress(records, desc="writing", unit="row"):
            entry = (
                ListEntry.objects.select_related("asset", "nomination")
                .filter(council=self.council, reference=record["reference"])
                .first()
            )
            if entry and record["outcome"] != LISTED:
                self.reject(
                    record["_row"],
                    "decision",
                    f"{record['reference']} is on the list "
                    f"already, but this row says {record['outcome']}",
                )
                continue
            result = RowResult(record["_row"], record["reference"], record["name"])
            asset = self._asset(record, entry, result)
            if record["outcome"] == LISTED:
                events = self._listing(record, asset, entry, result)
            else:
                events = self._nomination(record, asset, result)
            self._events(asset, events, result)
            wanted[asset.pk].update((kind, dated[0]) for kind, dated, _note in events)
            last_result[asset.pk] = result
            self.results.append(result)
        self._remove_outdated_events(wanted, last_result)
        for result in self.results:
            setattr(self.report, result.outcome, getattr(self.report, result.outcome) + 1)

    def _asset(self, record, entry, result):
        asset = (
            entry.asset
            if entry
            else Asset.objects.from_source(self.source_name, [record["reference"]]).first()
        )
        values = {
            "name": record["name"],
            "address": record["address"],
            "postcode": record["postcode"],
            **record["areas"],
        }
        if record["latitude"] is not None:
            values.update(
                latitude=record["latitude"],
                longitude=record["longitude"],
                location_source=record["location_source"],
            )
        if asset is None:
            # The category is a guess from the name, so it is set once and left to editors.
            asset = Asset(
                source=self.source_name,
                source_ref=record["reference"],
                live=True,
                category=record["category"],
                **values,
            )
            asset.save()
            result.changes.append("new asset")
        elif asset.source == self.source_name:  # another dataset's asset keeps its details
            changed = _assign(asset, _given(values))
            if changed:
                asset.save()
                result.changes.append(f"asset ({', '.join(changed)})")
        return asset

    def _save_nomination(self, nomination, record, asset, received, result, **values):
        values = {
            "council_id": self.council.pk,
            "asset_id": asset.pk,
            "land_name": record["name"],
            "land_address": record["address_text"],
            "land_description": record["description"],
            "body_name": record["nominating_group"],
            "received_on": received,
            "council_reference": record["reference"],
            **values,
        }
        if nomination is None:
            # A historic record: saved without clean(), the nominator's type being unknown.
            nomination = Nomination(body_type=BodyType.OTHER, **values)
            nomination.save()
            result.changes.append("new nomination")
        elif changed := _assign(nomination, _given(values)):
            nomination.save()
            result.changes.append(f"nomination ({', '.join(changed)})")
        return nomination

    def _listing(self, record, asset, entry, result):
        decided = record["decided"]
        nomination = entry.nomination if entry else None
        if record["nominated"]:
            nomination = self._save_nomination(
                nomination,
                record,
                asset,
                record["nominated"][0],
                result,
                outcome=Nomination.Outcome.LISTED,
                decided_on=decided[0],
            )
        listed = self._listed(record, entry)
        expires_on = StatutoryRegime.objects.in_force_on(listed[0]).last_day(
            Clock.LISTING, listed[0]
        )
        removal = self._removal(record, expires_on)
        values = {
            "council_id": self.council.pk,
            "reference": record["reference"],
            "asset_id": asset.pk,
            "listed_on": listed[0],
            "nomination_id": nomination.pk if nomination else None,
            # The nomination record names the group, where there is one.
            "nominated_by": "" if nomination else record["nominating_group"],
            "recorded_on": record["recorded"],
            **removal,
        }
        if entry is None:
            entry = ListEntry(**values)
            entry.save()
            result.created = True
            result.changes.append("new list entry")
        elif changed := _assign(entry, _given(values)):
            entry.save()
            result.changes.append(f"list entry ({', '.join(changed)})")
        if record["expiry"] and record["expiry"] != entry.expires_on:
            lifts = " (the day it lifts)" if record["expiry"] == entry.expires_on + ONE_DAY else ""
            self.note(
                record,
                f"expiry-date {record['expiry']}{lifts} differs from the last day "
                f"on the list, {entry.expires_on}; the computed date is kept",
            )
        notes = f" {record['notes']}" if record["notes"] else ""
        if decided[0] != entry.listed_on:
            notes = f" The council decided {_spoken(decided)}.{notes}"
        events = self._nominated_event(record) + [
            (
                EventKind.ACV_LISTED,
                listed,
                f"On the list until {entry.expires_on:%-d %B %Y}.{notes}",
            )
        ]
        if removal:
            events.append((EventKind.ACV_REMOVED, record["ended"], removal["removal_note"]))
        return events + self._disposal(record, entry, result)

    def _listed(self, record, entry):
        """(date, precision) of the list entry. The decision date starts a new entry; on an
        existing one only a listing-date column changes it, so a re-import does not undo an
        officer's correction."""
        if record["listed"] or entry is None:
            return record["listed"] or record["decided"]
        if entry.listed_on == record["decided"][0]:
            return record["decided"]
        self.note(
            record,
            f"decision-date {record['decided'][0]} differs from the date of the list entry, "
            f"{entry.listed_on}, which is kept (a listing-date column changes it)",
        )
        return entry.listed_on, DatePrecision.DAY

    def _removal(self, record, expires_on):
        ended, removal = _day(record["ended"]), record["removal"]
        if removal == EXPIRED or (
            removal is None and ended and expires_on <= ended <= expires_on + ONE_DAY
        ):
            return {}  # the listing ran its full term: expiry is not a removal
        if ended is None:
            if removal:
                self.note(
                    record,
                    f"the decision {record['decision_text']!r} says the listing "
                    "ended, but there is no end-date; not recorded as removed",
                )
            return {}
        why = (
            f"decision: {record['decision_text']}" if record["decision_text"] else "no reason given"
        )
        return {
            "removed_on": ended,
            "removal_reason": removal or Removal.OTHER,
            "removal_note": f"Removed according to the council's register ({why}).",
        }

    def _disposal(self, record, entry, result):
        if not record["disposal"]:
            return []
        day = record["disposal"][0]
        notice = entry.disposal_notices.filter(received_on=day).first()
        if notice is None:
            notice = DisposalNotice(entry=entry, received_on=day)
            notice.save()
            result.changes.append("new disposal notice")
        events = [
            (
                EventKind.DISPOSAL_NOTICE,
                record["disposal"],
                "A community group can ask to be treated as a bidder until "
                f"{notice.interim_last_day:%A %-d %B %Y}.",
            )
        ]
        group = record["interested"]
        if group:
            if not notice.bidder_requests.filter(group_name=group).exists():
                # The register names the group but not the day it asked, nor its legal form.
                BidderRequest(
                    notice=notice, group_name=group, group_type=BodyType.OTHER, received_on=day
                ).save()
                result.changes.append("new bidder request")
            events.append(
                (
                    EventKind.BIDDER_REQUEST,
                    record["disposal"],
                    f"{group} asked to be treated as a potential bidder (the register "
                    "gives no date for the request): the owner cannot sell to anyone "
                    f"else until after {notice.full_last_day:%-d %B %Y}.",
                )
            )
        return events

    def _nomination(self, record, asset, result):
        received = record["nominated"] or record["decided"]
        existing = (
            Nomination.objects.filter(council=self.council, asset=asset)
            .exclude(outcome=Nomination.Outcome.LISTED)
            .order_by("pk")
            .first()
        )
        self._save_nomination(
            existing,
            record,
            asset,
            received[0],
            result,
            outcome=record["outcome"],
            decided_on=_day(record["decided"]),
            decision_reasons=record["reasons"],
            recorded_on=record["recorded"],
        )
        result.created = existing is None
        events = self._nominated_event(record)
        if record["outcome"] == UNSUCCESSFUL:
            events.append(
                (EventKind.ACV_NOT_LISTED, record["decided"] or received, record["reasons"])
            )
        elif record["decided"]:
            events.append((EventKind.NOTE, record["decided"], "The nomination was withdrawn."))
        return events

    def _nominated_event(self, record):
        if not record["nominated"]:
            return []
        group = record["nominating_group"]
        return [
            (
                EventKind.ACV_NOMINATED,
                record["nominated"],
                f"Nominated by {group}." if group else "Nominated.",
            )
        ]

    def _events(self, asset, events, result):
        existing = {
            (event.kind, event.date): event
            for event in AssetEvent.objects.filter(asset=asset, source=self.event_source)
        }
        added = changed = 0
        for kind, (day, precision), note in events:
            event = existing.get((kind, day))
            if event is None:
                AssetEvent.objects.create(
                    asset=asset,
                    kind=kind,
                    date=day,
                    note=note,
                    date_precision=precision,
                    source=self.event_source,
                )
                added += 1
            elif (event.date_precision, event.note) != (precision, note):
                event.date_precision, event.note = precision, note
                event.save(update_fields=["date_precision", "note"])
                changed += 1
        if added:
            result.changes.append(f"{added} timeline event{'s' if added > 1 else ''}")
        if changed:
            result.changes.append(f"{changed} timeline event{'s' if changed > 1 else ''} reworded")

    def _remove_outdated_events(self, wanted, last_result):
        """Events this import wrote earlier that the file no longer gives (a corrected date)."""
        for asset_id, keys in wanted.items():
            ours = AssetEvent.objects.filter(asset_id=asset_id, source=self.event_source)
            outdated = [event.pk for event in ours if (event.kind, event.date) not in keys]
            if outdated:
                AssetEvent.objects.filter(pk__in=outdated).delete()
                last_result[asset_id].changes.append(
                    f"{len(outdated)} outdated timeline event(s) removed"
                )

    def after_commit(self):
        bump_map_version()

    def row_lines(self, *, written=True, verbose=False):
        """One line per created or updated row (and unchanged ones when verbose)."""
        return [
            result.line(written)
            for result in self.results
            if verbose or result.outcome != "unchanged"
        ]


def _without_postcode(address, postcode):
    """The address without a trailing postcode, which the asset keeps in its own field."""
    match = _TRAILING_POSTCODE.search(address)
    if match and postcode and Postcode.parse_or_none(match.group(1)) == Postcode.parse(postcode):
        return address[: match.start()]
    return address
