"""What councils must publish (s.87, s.93, s.97, Reg 2): the list of assets of community
value and the list of unsuccessful nominations, with every statutory date, plus the
national planning.data.gov.uk export and an iCalendar of deadlines.

Nothing here reads a nominator's contact details: they are private."""

import csv
import datetime
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.text import format_lazy

from assets_register.core.prepared import PreparedQuery
from assets_register.core.urls import reverse_one
from assets_register.law.statutory import days_left
from assets_register.models import (
    Appeal,
    BidderRequest,
    Clock,
    CommunityPurchase,
    DisposalNotice,
    ListEntry,
    Nomination,
    RegimeBook,
    Review,
    period_words_lazy,
)

LA_CODES = Path(__file__).resolve().parent.parent / "data" / "local_authority_codes.csv"

NATIONAL_FIELDS = [
    "reference",
    "name",
    "address-text",
    "description",
    "point",
    "geometry",
    "organisation",
    "nomination-date",
    "nominating-group",
    "decision",
    "decision-date",
    "expiry-date",
    "notification-to-sell-date",
    "interested-group",
    "protected-period-start-date",
    "notes",
    "entry-date",
    "start-date",
    "end-date",
]
# Statutory dates the national schema lacks (s.97 requires the end of all three periods),
# documented on /about/data/. A "last day" is the last day the period runs.
STATUTORY_FIELD_MEANINGS = {
    "reference": "The council's reference for the list entry, as in the national file.",
    "listed-date": "The day the place was entered on the list.",
    "listing-last-day": format_lazy(
        "The last day on the list: {} beginning with the listed date.",
        period_words_lazy(Clock.LISTING),
    ),
    "owner-notified-date": "Written notice of listing sent to the owner (s.91).",
    "occupiers-notified-date": "Written notice of listing sent to the lawful occupiers.",
    "land-registry-restriction-requested-date": "The council applied for the Land Registry "
    "restriction (Form QQ).",
    "notification-to-sell-date": "The council received the owner's notice of intention to "
    "sell (s.95).",
    "interim-moratorium-last-day": format_lazy(
        "Last day a community interest group can ask to be treated as a potential bidder ({}).",
        period_words_lazy(Clock.INTERIM_MORATORIUM),
    ),
    "bidder-request-date": "The first such request was received.",
    "interested-group": "The group that asked to be treated as a potential bidder.",
    "full-moratorium-last-day": format_lazy(
        "Last day of the full moratorium ({}), when a group asked to bid.",
        period_words_lazy(Clock.FULL_MORATORIUM),
    ),
    "protected-period-last-day": format_lazy(
        "Last day of the protected period ({}).", period_words_lazy(Clock.PROTECTED_PERIOD)
    ),
    "removed-date": "The day the entry was removed from the list, if it was.",
    "removal-reason": "Why it was removed: disposed, review, appeal, no_longer_of_value, other.",
}
STATUTORY_FIELDS = list(STATUTORY_FIELD_MEANINGS)


@functools.cache
def organisation_curie(gss_code):
    """planning.data.gov.uk names councils by mySociety's three-letter code."""
    with LA_CODES.open() as file:
        codes = {row["gss_code"]: row["local_authority_code"] for row in csv.DictReader(file)}
    code = codes.get(gss_code)
    return f"local-authority:{code}" if code else ""


def entries_on_list(day, **filters):
    """The bare queryset of on_list, for counting and for picking columns."""
    return ListEntry.objects.filter(listed_on__lte=day, expires_on__gte=day, **filters).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=day)
    )


def on_list(day, **filters):
    """Entries on the list that day (of a council=, or an asset=): expiry and removal
    take effect by themselves."""
    return _with_history(entries_on_list(day, **filters))


def off_list(day, **filters):
    """Entries that had left the list by that day, removed or expired."""
    return _with_history(
        ListEntry.objects.filter(listed_on__lte=day, **filters).filter(
            Q(expires_on__lt=day) | Q(removed_on__lte=day)
        )
    )


def left_list_on(entry):
    """The first day the entry was off the list: its removal, or the day after expiry."""
    after_expiry = entry.expires_on + datetime.timedelta(days=1)
    return min(entry.removed_on, after_expiry) if entry.removed_on else after_expiry


def _with_history(entries):
    return (
        entries.select_related("asset", "nomination")
        .prefetch_related(
            "reviews",
            "appeals",
            Prefetch(
                "disposal_notices",
                queryset=DisposalNotice.objects.prefetch_related(
                    Prefetch(
                        "bidder_requests", queryset=BidderRequest.objects.order_by("received_on")
                    ),
                    "purchases",
                ),
            ),
        )
        .order_by("asset__name")
    )


def unsuccessful(council):
    return (
        Nomination.objects.filter(council=council, outcome=Nomination.Outcome.UNSUCCESSFUL)
        .select_related("asset")
        .order_by("-decided_on")
    )


def published_nominations(on_receipt=None):
    """The nominations the public may see. A nomination under consideration is published
    once the council has accepted it as valid: anyone can submit one, and a spurious or
    malicious one should not mark a place as nominated. A site whose councils publish on
    receipt sets ACV_SHOW_NOMINATIONS_ON_RECEIPT (`on_receipt` overrides it)."""
    if settings.ACV_SHOW_NOMINATIONS_ON_RECEIPT if on_receipt is None else on_receipt:
        return Nomination.objects.all()
    return Nomination.objects.accepted_or_decided()


def with_acv_flags(assets, today):
    """Places with whether each is on its council's list today (`on_list_today`) and
    whether a nomination of it is being considered (`nomination_pending`): two EXISTS in
    the places' own query, so a place's page looks neither up for the many with neither."""
    return assets.annotate(
        on_list_today=Exists(entries_on_list(today, asset=OuterRef("pk"))),
        nomination_pending=Exists(
            Nomination.objects.filter(asset=OuterRef("pk"), outcome=Nomination.Outcome.PENDING)
        ),
    )


def pending_for(asset):
    """The nomination of this place the council is considering, and whether it is public
    yet (one not yet accepted as valid shows only that it exists), or (None, False)."""
    nomination = (
        Nomination.objects.filter(asset=asset, outcome=Nomination.Outcome.PENDING)
        .select_related("council")
        .order_by("decision_due")
        .first()
    )
    return nomination, bool(nomination) and is_published(nomination)


def where_decided(nomination):
    """Where the public sees a nomination and its decision: the council's list (it shows
    nominations under consideration, and the places listed) and its list of unsuccessful
    nominations; and whether it shows there from receipt or only once accepted as valid."""
    code = nomination.council.gss_code
    return {
        "list_path": reverse("acv_list", args=[code]),
        "unsuccessful_path": reverse("acv_unsuccessful", args=[code]),
        "shown_on_receipt": settings.ACV_SHOW_NOMINATIONS_ON_RECEIPT,
    }


def is_published(nomination):
    return published_nominations().filter(pk=nomination.pk).exists()


def pending(council):
    """Nominations under consideration, as the public list shows them: only the columns
    it draws (never the nominator's contact details)."""
    return _pending(council=council.pk, on_receipt=settings.ACV_SHOW_NOMINATIONS_ON_RECEIPT)


_pending = PreparedQuery(
    lambda council, on_receipt: (
        published_nominations(on_receipt)
        .filter(council=council, outcome=Nomination.Outcome.PENDING)
        .only("reference", "land_name", "body_name", "decision_due")
        .order_by("decision_due")
    ),
    slots={"council": int},
)


@dataclass
class Countdown:
    last_day: datetime.date
    days_left: int | None

    @property
    def running(self):
        return self.days_left is not None

    def __str__(self):
        when = f"{self.last_day:%A %-d %B %Y}"
        if self.days_left is None:
            return f"ended {when}"
        if self.days_left == 0:
            return f"{when}: today is the last day"
        return f"{when}: {self.days_left} day{'s' if self.days_left != 1 else ''} left"


def current_notice(entry, today):
    """The entry's latest disposal notice still in its protected period and not settled by
    a sale or withdrawal, if any (prefetched by on_list): older notices are history."""
    return _current(entry.disposal_notices.all(), today)


def _current(notices, today):
    notices = sorted(
        (
            notice
            for notice in notices
            if notice.protected_last_day >= today
            and notice.outcome == DisposalNotice.Outcome.PENDING
        ),
        key=lambda notice: notice.received_on,
    )
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
    review: Review | None = None  # the owner's review still being decided
    appeal: Appeal | None = None  # an appeal still before the tribunal
    purchase: CommunityPurchase | None = None  # under the Community Right to Buy
    right_to_buy: Countdown | None = None
    under_right_to_buy: bool = False
    asset_path: str = ""  # the place's page, for the published list (published_rows)


def list_row(entry, today):
    return _row(
        entry, today, entry.reviews.all(), entry.appeals.all(), entry.disposal_notices.all()
    )


def _row(entry, today, reviews, appeals, notices):
    notice = _current(notices, today)
    bidder = notice and next(iter(notice.bidder_requests.all()), None)
    purchase = notice and next(iter(notice.purchases.all()), None)

    def countdown(day):
        return Countdown(day, days_left(day, today))

    return ListRow(
        entry,
        notice,
        bidder,
        bid_window=notice and countdown(notice.interim_last_day),
        moratorium=notice and bidder and countdown(notice.full_last_day),
        protected=notice and countdown(notice.protected_last_day),
        purchase=purchase,
        right_to_buy=purchase and countdown(purchase.right_last_day),
        under_right_to_buy=bool(notice) and notice.right_to_buy,
        review=next((r for r in reviews if r.outcome == Review.Outcome.PENDING), None),
        appeal=next((a for a in appeals if a.outcome == Appeal.Outcome.PENDING), None),
    )


def list_rows(council, today):
    return [list_row(entry, today) for entry in on_list(today, council=council)]


# What the published list (includes/acv_table.html) draws of an entry: of its place only
# the name (asset_name) and path (ListRow.asset_path), as a place's model costs more to
# make than its row to render.
PUBLISHED_FIELDS = ("reference", "listed_on", "expires_on", "nominated_by", "asset_id")


def published_rows(council, today):
    """list_rows for the council's public list and its embed: the columns they draw, and
    the pending reviews, appeals and current notices read only for the entries that
    have one, so most lists cost one query however long they are, and none more than
    five. The same rows as list_rows, which the exports use."""
    entries = _published_entries(today=today, council=council.pk)
    reviews = _by_entry(_pending_reviews, entries, "has_review")
    appeals = _by_entry(_pending_appeals, entries, "has_appeal")
    notices = _by_entry(
        lambda: _current_notices(today).prefetch_related(
            Prefetch("bidder_requests", queryset=BidderRequest.objects.order_by("received_on")),
            "purchases",
        ),
        entries,
        "has_notice",
    )
    rows = []
    for entry in entries:
        pk = entry.pk
        row = _row(entry, today, reviews.get(pk, ()), appeals.get(pk, ()), notices.get(pk, ()))
        row.asset_path = reverse_one("asset_detail", entry.asset_id)
        rows.append(row)
    return rows


_published_entries = PreparedQuery(
    lambda today, council: (
        entries_on_list(today, council=council)
        .select_related("nomination")
        .only(*PUBLISHED_FIELDS, "nomination__body_name")
        .annotate(
            asset_name=F("asset__name"),
            has_review=Exists(_pending_reviews().filter(entry=OuterRef("pk"))),
            has_appeal=Exists(_pending_appeals().filter(entry=OuterRef("pk"))),
            has_notice=Exists(_current_notices(today).filter(entry=OuterRef("pk"))),
        )
        .order_by("asset__name")
    ),
    slots={"council": int},
)


def _pending_reviews():
    return Review.objects.filter(outcome=Review.Outcome.PENDING)


def _pending_appeals():
    return Appeal.objects.filter(outcome=Appeal.Outcome.PENDING)


def _current_notices(today):
    """Notices that may be an entry's current one (_current picks it among them)."""
    return DisposalNotice.objects.filter(
        protected_last_day__gte=today, outcome=DisposalNotice.Outcome.PENDING
    )


def _by_entry(records, entries, flag):
    """The records (records() is their queryset) of the entries flagged as having some, by
    entry id: no query if none, nor a queryset built (most lists have none)."""
    ids = [entry.pk for entry in entries if getattr(entry, flag)]
    found = {}
    for record in records().filter(entry__in=ids) if ids else ():
        found.setdefault(record.entry_id, []).append(record)
    return found


def asset_listing(asset, today):
    """The asset's entry on its council's list today, as a ListRow, or None."""
    entry = on_list(today, asset=asset).first()
    return list_row(entry, today) if entry else None


def _iso(day):
    return day.isoformat() if day else ""


# The specification's two values of `decision` ("whether successful or unsuccessful").
SUCCESSFUL, UNSUCCESSFUL = "successful", "unsuccessful"


def wkt_point(asset):
    """The place as WKT in WGS84 (longitude first), or "" when it has no pin. The schema's
    geometry is a boundary, which the register does not hold: the point stands in for it,
    so a map of the national dataset shows every located entry."""
    if asset is None or not asset.is_located:
        return ""
    return f"POINT ({float(asset.longitude):.6f} {float(asset.latitude):.6f})"


def national_rows(council, today):
    """Rows in the planning.data.gov.uk asset-of-community-value schema, and our extra
    statutory rows, for every entry on the list today, every entry that has left it (with
    its end-date: records are ended, not dropped) and every unsuccessful nomination."""
    organisation = organisation_curie(council.gss_code)
    national, statutory = [], []
    rows = [(row, False) for row in list_rows(council, today)]
    rows += [(list_row(entry, today), True) for entry in off_list(today, council=council)]
    for row, ended in rows:
        entry, notice, bidder = row.entry, row.notice, row.bidder
        asset, nomination = entry.asset, entry.nomination
        point = wkt_point(asset)
        national.append(
            {
                "reference": entry.reference,
                "name": asset.name,
                "address-text": ", ".join(p for p in (asset.address, asset.postcode) if p),
                "description": nomination.land_description if nomination else "",
                "point": point,
                "geometry": point,
                "organisation": organisation,
                "nomination-date": _iso(nomination and nomination.received_on),
                "nominating-group": entry.nominating_group,
                "decision": SUCCESSFUL,
                "decision-date": _iso((nomination and nomination.decided_on) or entry.listed_on),
                "expiry-date": _iso(entry.expires_on),
                "notification-to-sell-date": _iso(notice and notice.received_on),
                "interested-group": bidder.group_name if bidder else "",
                "protected-period-start-date": _iso(notice and notice.received_on),
                "notes": "",
                "entry-date": _iso(entry.record_date),
                "start-date": _iso(nomination.received_on if nomination else entry.listed_on),
                "end-date": _iso(left_list_on(entry) if ended else None),
            }
        )
        statutory.append(
            {
                "reference": entry.reference,
                "listed-date": _iso(entry.listed_on),
                "listing-last-day": _iso(entry.expires_on),
                "owner-notified-date": _iso(entry.owner_notified_on),
                "occupiers-notified-date": _iso(entry.occupiers_notified_on),
                "land-registry-restriction-requested-date": _iso(entry.restriction_requested_on),
                "notification-to-sell-date": _iso(notice and notice.received_on),
                "interim-moratorium-last-day": _iso(notice and notice.interim_last_day),
                "bidder-request-date": _iso(bidder and bidder.received_on),
                "interested-group": bidder.group_name if bidder else "",
                "full-moratorium-last-day": _iso(bidder and notice.full_last_day),
                "protected-period-last-day": _iso(notice and notice.protected_last_day),
                "removed-date": _iso(entry.removed_on),
                "removal-reason": entry.removal_reason,
            }
        )
    for nomination in unsuccessful(council):
        point = wkt_point(nomination.asset)
        national.append(
            {
                "reference": nomination.public_reference,
                "name": nomination.land_name,
                "address-text": nomination.land_address,
                "description": nomination.land_description,
                "point": point,
                "geometry": point,
                "organisation": organisation,
                "nomination-date": _iso(nomination.received_on),
                "nominating-group": nomination.body_name,
                "decision": UNSUCCESSFUL,
                "decision-date": _iso(nomination.decided_on),
                "expiry-date": "",
                "notification-to-sell-date": "",
                "interested-group": "",
                "protected-period-start-date": "",
                "notes": nomination.decision_reasons,
                "entry-date": _iso(nomination.record_date),
                "start-date": _iso(nomination.received_on),
                "end-date": _iso(nomination.decided_on),
            }
        )
    return national, statutory


class Deadline(NamedTuple):
    uid: str
    day: datetime.date
    summary: str
    description: str
    asset: object  # the Asset, or None for a nomination of a place not yet registered
    record: object  # what an officer edits to meet it: Nomination, ListEntry or DisposalNotice


def deadlines(today, council=None, asset=None, councils=None, for_officers=False):
    """Statutory deadlines from today on, for one council, one asset or some councils:
    as published, or for_officers with the nominations not yet accepted as valid."""
    if council is not None:
        councils = [council]
    entries = ListEntry.objects.filter(expires_on__gte=today, removed_on__isnull=True)
    nominations = (Nomination.objects if for_officers else published_nominations()).filter(
        outcome=Nomination.Outcome.PENDING
    )
    notices = DisposalNotice.objects.filter(
        protected_last_day__gte=today, outcome=DisposalNotice.Outcome.PENDING
    )
    if councils is not None:
        entries, nominations = (
            entries.filter(council__in=councils),
            nominations.filter(council__in=councils),
        )
        notices = notices.filter(entry__council__in=councils)
    if asset is not None:
        entries, nominations = entries.filter(asset=asset), nominations.filter(asset=asset)
        notices = notices.filter(entry__asset=asset)
    with RegimeBook().in_use() as book:
        found = _nomination_deadlines(nominations)
        found += _notice_deadlines(notices, book)
        for entry in entries.select_related("asset", "council").prefetch_related("reviews"):
            found.extend(_entry_deadlines(entry, book))
    return sorted((item for item in found if item.day >= today), key=lambda item: item.day)


def _nomination_deadlines(nominations):
    return [
        Deadline(
            f"decision-{nomination.pk}",
            nomination.decision_due,
            f"Decision due: {nomination.land_name}",
            f"The council must decide nomination {nomination.reference} by this day.",
            nomination.asset,
            nomination,
        )
        for nomination in nominations.select_related("asset", "council")
    ]


def _notice_deadlines(notices, book):
    found = []
    for notice in notices.select_related("entry__asset", "entry__council").prefetch_related(
        "bidder_requests", "purchases"
    ):
        asset_ = notice.entry.asset
        found.append(
            Deadline(
                f"interim-{notice.pk}",
                notice.interim_last_day,
                (
                    "Last day to register an intention to buy"
                    if book.in_force_on(notice.received_on).rule("community_right_to_buy")
                    else "Last day to ask to bid"
                )
                + f": {asset_.name}",
                book.period(Clock.INTERIM_MORATORIUM, notice.received_on).meaning,
                asset_,
                notice,
            )
        )
        purchase = next(iter(notice.purchases.all()), None)
        if purchase is not None:
            found.append(
                Deadline(
                    f"right-to-buy-{notice.pk}",
                    purchase.right_last_day,
                    f"Community right to buy ends: {asset_.name}",
                    f"{purchase.group_name} has the first chance to buy until the end of this "
                    f"day. Now: {purchase.stage}.",
                    asset_,
                    notice,
                )
            )
        elif notice.full_moratorium:
            found.append(
                Deadline(
                    f"full-{notice.pk}",
                    notice.full_last_day,
                    f"Full moratorium ends: {asset_.name}",
                    "After this day the owner may sell to anyone.",
                    asset_,
                    notice,
                )
            )
        found.append(
            Deadline(
                f"protected-{notice.pk}",
                notice.protected_last_day,
                f"Protected period ends: {asset_.name}",
                "After this day a sale needs a new disposal notice.",
                asset_,
                notice,
            )
        )
    return found


def _sentence(words):
    return f"{words[:1].upper()}{words[1:]}."


def _entry_deadlines(entry, book):
    asset = entry.asset
    yield Deadline(
        f"expiry-{entry.pk}",
        entry.expires_on,
        f"Last day on the list: {asset.name}",
        "The listing as an asset of community value ends after this day unless it "
        "is nominated again.",
        asset,
        entry,
    )
    reviews = entry.reviews.all()
    if entry.review_request_last_day and not reviews:
        yield Deadline(
            f"review-request-{entry.pk}",
            entry.review_request_last_day,
            f"Last day for the owner to ask for a review: {asset.name}",
            _sentence(book.period(Clock.REVIEW_REQUEST, entry.owner_notified_on).counted_from()),
            asset,
            entry,
        )
    for review in reviews:
        if review.outcome == Review.Outcome.PENDING:
            yield Deadline(
                f"review-{review.pk}",
                review.decision_due,
                f"Review decision due: {asset.name}",
                _sentence(book.period(Clock.REVIEW_DECISION, review.requested_on).counted_from()),
                asset,
                entry,
            )
        elif review.appeal_last_day:
            yield Deadline(
                f"appeal-{review.pk}",
                review.appeal_last_day,
                f"Last day to appeal to the tribunal: {asset.name}",
                _sentence(book.period(Clock.APPEAL, review.decision_sent_on).counted_from()),
                asset,
                entry,
            )


def overdue(today, councils=None):
    """Decisions the council itself owes and has missed: nominations and owners' reviews."""
    nominations = Nomination.objects.filter(
        outcome=Nomination.Outcome.PENDING, decision_due__lt=today
    ).select_related("asset", "council")
    reviews = Review.objects.filter(outcome=Review.Outcome.PENDING).select_related(
        "entry__asset", "entry__council"
    )
    if councils is not None:
        nominations = nominations.filter(council__in=councils)
        reviews = reviews.filter(entry__council__in=councils)
    found = [
        Deadline(
            f"decision-{n.pk}",
            n.decision_due,
            f"Decision due: {n.land_name}",
            f"Nomination {n.reference}.",
            n.asset,
            n,
        )
        for n in nominations
    ]
    with RegimeBook().in_use():
        found += [
            Deadline(
                f"review-{r.pk}",
                r.decision_due,
                f"Review decision due: {r.entry.asset.name}",
                "The owner's review request.",
                r.entry.asset,
                r.entry,
            )
            for r in reviews
            if r.decision_due < today
        ]
    return sorted(found, key=lambda item: item.day)
