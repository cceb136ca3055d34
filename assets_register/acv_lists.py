"""What councils must publish (s.87, s.93, s.97, Reg 2): the list of assets of community
value and the list of unsuccessful nominations, with every statutory date, plus the
national planning.data.gov.uk export and an iCalendar of deadlines.

Nothing here reads a nominator's contact details: they are private."""

import csv
import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Prefetch, Q

from .models import BidderRequest, DisposalNotice, ListEntry, Nomination, Review
from .statutory import days_left

LA_CODES = Path(__file__).resolve().parent / "data" / "local_authority_codes.csv"

NATIONAL_FIELDS = [
    "reference", "name", "address-text", "description", "point", "geometry", "organisation",
    "nomination-date", "nominating-group", "decision", "decision-date", "expiry-date",
    "notification-to-sell-date", "interested-group", "protected-period-start-date", "notes",
    "entry-date", "start-date", "end-date",
]
# Statutory dates the national schema lacks (s.97 requires the end of all three periods).
STATUTORY_FIELDS = [
    "reference", "listed-date", "listing-last-day", "owner-notified-date",
    "land-registry-restriction-requested-date", "notification-to-sell-date",
    "interim-moratorium-last-day", "bidder-request-date", "interested-group",
    "full-moratorium-last-day", "protected-period-last-day", "removed-date", "removal-reason",
]


@functools.cache
def organisation_curie(gss_code):
    """planning.data.gov.uk names councils by mySociety's three-letter code."""
    with LA_CODES.open() as file:
        codes = {row["gss_code"]: row["local_authority_code"] for row in csv.DictReader(file)}
    code = codes.get(gss_code)
    return f"local-authority:{code}" if code else ""


def on_list(day, **filters):
    """Entries on the list that day (of a council=, or an asset=): expiry and removal
    take effect by themselves."""
    return (
        ListEntry.objects.filter(listed_on__lte=day, expires_on__gte=day, **filters)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=day))
        .select_related("asset", "nomination")
        .prefetch_related(Prefetch(
            "disposal_notices",
            queryset=DisposalNotice.objects.prefetch_related(
                Prefetch("bidder_requests", queryset=BidderRequest.objects.order_by("received_on"))
            ),
        ))
        .order_by("asset__name")
    )


def unsuccessful(council):
    return (Nomination.objects.filter(council=council, outcome=Nomination.Outcome.UNSUCCESSFUL)
            .select_related("asset").order_by("-decided_on"))


def pending(council):
    return (Nomination.objects.filter(council=council, outcome=Nomination.Outcome.PENDING)
            .select_related("asset").order_by("decision_due"))


@dataclass
class Countdown:
    last_day: datetime.date
    days_left: int | None

    def __str__(self):
        when = f"{self.last_day:%A %-d %B %Y}"
        if self.days_left is None:
            return f"ended {when}"
        if self.days_left == 0:
            return f"{when}: today is the last day"
        return f"{when}: {self.days_left} day{'s' if self.days_left != 1 else ''} left"


def current_notice(entry):
    """The entry's latest disposal notice, if any (prefetched by on_list)."""
    notices = sorted(entry.disposal_notices.all(), key=lambda n: n.received_on)
    return notices[-1] if notices else None


@dataclass
class ListRow:
    """One entry as a reader of the published list sees it."""

    entry: ListEntry
    notice: DisposalNotice | None
    bidder: BidderRequest | None
    bid_window: Countdown | None
    moratorium: Countdown | None
    protected: Countdown | None


def list_row(entry, today):
    notice = current_notice(entry)
    bidder = notice and next(iter(notice.bidder_requests.all()), None)

    def countdown(day):
        return Countdown(day, days_left(day, today))

    return ListRow(
        entry, notice, bidder,
        bid_window=notice and countdown(notice.interim_last_day),
        moratorium=notice and bidder and countdown(notice.full_last_day),
        protected=notice and countdown(notice.protected_last_day),
    )


def list_rows(council, today):
    return [list_row(entry, today) for entry in on_list(today, council=council)]


def asset_listing(asset, today):
    """The asset's entry on its council's list today, as a ListRow, or None."""
    entry = on_list(today, asset=asset).first()
    return list_row(entry, today) if entry else None


def _iso(day):
    return day.isoformat() if day else ""


def national_rows(council, today):
    """Rows in the planning.data.gov.uk asset-of-community-value schema, and our extra
    statutory rows, for every entry on the list today and every unsuccessful nomination."""
    organisation = organisation_curie(council.gss_code)
    national, statutory = [], []
    for row in list_rows(council, today):
        entry, notice, bidder = row.entry, row.notice, row.bidder
        asset, nomination = entry.asset, entry.nomination
        national.append({
            "reference": entry.reference, "name": asset.name,
            "address-text": ", ".join(p for p in (asset.address, asset.postcode) if p),
            "description": nomination.land_description if nomination else "",
            "point": f"POINT ({asset.longitude} {asset.latitude})" if asset.is_located else "",
            "geometry": "", "organisation": organisation,
            "nomination-date": _iso(nomination and nomination.received_on),
            "nominating-group": nomination.body_name if nomination else "",
            "decision": "listed", "decision-date": _iso(entry.listed_on),
            "expiry-date": _iso(entry.expires_on),
            "notification-to-sell-date": _iso(notice and notice.received_on),
            "interested-group": bidder.group_name if bidder else "",
            "protected-period-start-date": _iso(notice and notice.received_on),
            "notes": "", "entry-date": _iso(today),
            "start-date": _iso(nomination.received_on if nomination else entry.listed_on),
            "end-date": "",
        })
        statutory.append({
            "reference": entry.reference, "listed-date": _iso(entry.listed_on),
            "listing-last-day": _iso(entry.expires_on),
            "owner-notified-date": _iso(entry.owner_notified_on),
            "land-registry-restriction-requested-date": _iso(entry.restriction_requested_on),
            "notification-to-sell-date": _iso(notice and notice.received_on),
            "interim-moratorium-last-day": _iso(notice and notice.interim_last_day),
            "bidder-request-date": _iso(bidder and bidder.received_on),
            "interested-group": bidder.group_name if bidder else "",
            "full-moratorium-last-day": _iso(bidder and notice.full_last_day),
            "protected-period-last-day": _iso(notice and notice.protected_last_day),
            "removed-date": _iso(entry.removed_on), "removal-reason": entry.removal_reason,
        })
    for nomination in unsuccessful(council):
        asset = nomination.asset
        national.append({
            "reference": nomination.reference, "name": nomination.land_name,
            "address-text": nomination.land_address,
            "description": nomination.land_description,
            "point": f"POINT ({asset.longitude} {asset.latitude})"
            if asset and asset.is_located else "",
            "geometry": "", "organisation": organisation,
            "nomination-date": _iso(nomination.received_on),
            "nominating-group": nomination.body_name, "decision": "unsuccessful",
            "decision-date": _iso(nomination.decided_on), "expiry-date": "",
            "notification-to-sell-date": "", "interested-group": "",
            "protected-period-start-date": "", "notes": nomination.decision_reasons,
            "entry-date": _iso(today), "start-date": _iso(nomination.received_on),
            "end-date": _iso(nomination.decided_on),
        })
    return national, statutory


def deadlines(today, council=None, asset=None):
    """Statutory deadlines still to come, as (uid, day, summary, description, asset)."""
    entries = ListEntry.objects.filter(expires_on__gte=today, removed_on__isnull=True)
    nominations = Nomination.objects.filter(outcome=Nomination.Outcome.PENDING)
    notices = DisposalNotice.objects.filter(protected_last_day__gte=today,
                                            outcome=DisposalNotice.Outcome.PENDING)
    if council is not None:
        entries, nominations = entries.filter(council=council), nominations.filter(council=council)
        notices = notices.filter(entry__council=council)
    if asset is not None:
        entries, nominations = entries.filter(asset=asset), nominations.filter(asset=asset)
        notices = notices.filter(entry__asset=asset)
    found = []
    for nomination in nominations.select_related("asset"):
        found.append((f"decision-{nomination.pk}", nomination.decision_due,
                      f"Decision due: {nomination.land_name}",
                      f"The council must decide nomination {nomination.reference} by this day.",
                      nomination.asset))
    for entry in entries.select_related("asset"):
        found.append((f"expiry-{entry.pk}", entry.expires_on,
                      f"Last day on the list: {entry.asset.name}",
                      "The listing as an asset of community value ends after this day "
                      "unless it is nominated again.", entry.asset))
    for notice in notices.select_related("entry__asset").prefetch_related("bidder_requests"):
        asset_ = notice.entry.asset
        found.append((f"interim-{notice.pk}", notice.interim_last_day,
                       f"Last day to ask to bid: {asset_.name}",
                       "A community interest group can ask in writing to be treated as a "
                       "potential bidder until the end of this day.", asset_))
        if notice.full_moratorium:
            found.append((f"full-{notice.pk}", notice.full_last_day,
                          f"Full moratorium ends: {asset_.name}",
                          "After this day the owner may sell to anyone.", asset_))
        found.append((f"protected-{notice.pk}", notice.protected_last_day,
                      f"Protected period ends: {asset_.name}",
                      "After this day a sale needs a new disposal notice.", asset_))
    for entry in entries.select_related("asset").prefetch_related("reviews"):
        if entry.review_request_last_day and not entry.reviews.all():
            found.append((f"review-request-{entry.pk}", entry.review_request_last_day,
                          f"Last day for the owner to ask for a review: {entry.asset.name}",
                          "Eight weeks beginning with the notice of listing.", entry.asset))
        for review in entry.reviews.all():
            if review.outcome == Review.Outcome.PENDING:
                found.append((f"review-{review.pk}", review.decision_due,
                              f"Review decision due: {entry.asset.name}",
                              "Eight weeks beginning with the owner's request.", entry.asset))
            elif review.appeal_last_day:
                found.append((f"appeal-{review.pk}", review.appeal_last_day,
                              f"Last day to appeal to the tribunal: {entry.asset.name}",
                              "28 days after the review decision was sent.", entry.asset))
    return sorted((item for item in found if item[1] >= today), key=lambda item: item[1])
