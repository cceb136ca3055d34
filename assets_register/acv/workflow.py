"""The Community Right to Bid as workflows: each step updates the ACV records and
writes an event on the asset's timeline, so history, lists, alerts and indicators
all read one table. Rules live on the models (clean); these functions apply them."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from assets_register.acv import lists as acv_lists
from assets_register.acv.notices import issue_notices
from assets_register.models import (
    AssetEvent,
    BidderRequest,
    CommunityPurchase,
    DatePrecision,
    DisposalNotice,
    EventKind,
    ListEntry,
    Nomination,
    NoticeKind,
)

SOURCE = "acv"


def _event(asset, kind, date, note, user=None):
    if asset is not None:
        AssetEvent.objects.create(
            asset=asset, kind=kind, date=date, note=note, source=SOURCE, recorded_by=user
        )


def _validated_save(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def receive_nomination(nomination: Nomination, user=None) -> Nomination:
    _validated_save(nomination)
    publish_nomination(nomination, user)
    return nomination


def publish_nomination(nomination: Nomination, user=None):
    """Once the nomination is published (accepted as valid, decided, or on receipt where
    the site says so: acv.lists.published_nominations), its place's timeline, and so its
    feeds and alerts, say it was nominated. Safe to run again."""
    if acv_lists.is_published(nomination):
        _event_once(
            nomination.asset,
            EventKind.ACV_NOMINATED,
            nomination.received_on,
            f"Nominated by {nomination.body_name}; the council must decide by "
            f"{nomination.decision_due:%-d %B %Y}.",
            user,
        )


@transaction.atomic
def decide_nomination(
    nomination: Nomination, *, listed: bool, decided_on, reasons="", reference="", user=None
):
    """List the land, or record it as unsuccessful with the written reasons."""
    nomination.outcome = Nomination.Outcome.LISTED if listed else Nomination.Outcome.UNSUCCESSFUL
    nomination.decided_on, nomination.decision_reasons = decided_on, reasons
    _validated_save(nomination)
    return apply_decision(nomination, reference=reference, user=user)


@transaction.atomic
def apply_decision(nomination: Nomination, *, reference="", user=None):
    """Make a recorded decision take effect once: the list entry and the timeline event.
    Officers who set the outcome in the admin come through here too."""
    publish_nomination(nomination, user)
    if nomination.outcome == Nomination.Outcome.UNSUCCESSFUL:
        _event_once(
            nomination.asset,
            EventKind.ACV_NOT_LISTED,
            nomination.decided_on,
            nomination.decision_reasons,
            user,
        )
        issue_notices(NoticeKind.REFUSAL, nomination)
        return None
    if nomination.outcome != Nomination.Outcome.LISTED:
        return None
    entry = ListEntry.objects.filter(nomination=nomination).first()
    if entry is None:
        if nomination.asset is None:
            raise ValidationError(
                "Link the nomination to a place on the register before listing it."
            )
        entry = _validated_save(
            ListEntry(
                reference=reference or nomination.reference,
                council=nomination.council,
                asset=nomination.asset,
                nomination=nomination,
                listed_on=nomination.decided_on,
            )
        )
        _event(
            entry.asset,
            EventKind.ACV_LISTED,
            entry.listed_on,
            f"On the list until {entry.expires_on:%-d %B %Y}.",
            user,
        )
    issue_notices(NoticeKind.LISTING, entry)
    return entry


@transaction.atomic
def record_disposal_notice(entry: ListEntry, received_on, user=None) -> DisposalNotice:
    notice = _validated_save(DisposalNotice(entry=entry, received_on=received_on))
    apply_notice(notice, user)
    return notice


@transaction.atomic
def record_bidder_request(
    notice: DisposalNotice,
    *,
    group_name,
    group_type,
    received_on,
    has_local_connection=True,
    user=None,
) -> BidderRequest:
    request = _validated_save(
        BidderRequest(
            notice=notice,
            group_name=group_name,
            group_type=group_type,
            has_local_connection=has_local_connection,
            received_on=received_on,
        )
    )
    apply_notice(notice, user)
    return request


@transaction.atomic
def record_sale(
    notice: DisposalNotice, *, to_community: bool, sold_on, buyer="", buyer_type="", user=None
):
    """A relevant disposal: the sale ends the listing (Reg 2(b))."""
    notice.outcome = (
        DisposalNotice.Outcome.SOLD_TO_COMMUNITY
        if to_community
        else DisposalNotice.Outcome.SOLD_TO_OTHER
    )
    notice.outcome_on, notice.buyer, notice.buyer_type = sold_on, buyer, buyer_type
    _validated_save(notice)
    apply_notice(notice, user)


def _event_once(asset, kind, date, note, user=None):
    if asset is None:
        return
    if not AssetEvent.objects.filter(asset=asset, kind=kind, date=date, source=SOURCE).exists():
        _event(asset, kind, date, note, user)


@transaction.atomic
def apply_notice(notice: DisposalNotice, user=None):
    """Bring the timeline and the list entry in line with a notice an officer recorded or
    corrected in the admin. Safe to run again: nothing is written twice."""
    entry, asset = notice.entry, notice.entry.asset
    _event_once(
        asset,
        EventKind.DISPOSAL_NOTICE,
        notice.received_on,
        f"A community group can ask to be treated as a bidder until "
        f"{notice.interim_last_day:%A %-d %B %Y}.",
        user,
    )
    issue_notices(NoticeKind.DISPOSAL, notice)
    for request in notice.bidder_requests.all():
        _event_once(
            asset,
            EventKind.BIDDER_REQUEST,
            request.received_on,
            f"{request.group_name} asked to be treated as a potential bidder: the "
            f"owner cannot sell to anyone else until after "
            f"{notice.full_last_day:%-d %B %Y}.",
            user,
        )
    for purchase in notice.purchases.all():
        _apply_purchase(notice, purchase, user)
    if notice.outcome == DisposalNotice.Outcome.WITHDRAWN and notice.outcome_on:
        _event_once(
            asset,
            EventKind.DISPOSAL_WITHDRAWN,
            notice.outcome_on,
            "The owner withdrew the notice to sell.",
            user,
        )
    sold = notice.outcome in (
        DisposalNotice.Outcome.SOLD_TO_COMMUNITY,
        DisposalNotice.Outcome.SOLD_TO_OTHER,
    )
    if sold and notice.outcome_on and entry.removed_on is None:
        entry.removed_on, entry.removal_reason = notice.outcome_on, ListEntry.RemovalReason.DISPOSED
        _validated_save(entry)
        to_community = notice.outcome == DisposalNotice.Outcome.SOLD_TO_COMMUNITY
        kind = EventKind.BOUGHT_BY_COMMUNITY if to_community else EventKind.OWNERSHIP_CHANGED
        buyer = f" to {notice.buyer}" if notice.buyer else ""
        _event_once(asset, kind, notice.outcome_on, f"Sold{buyer}.", user)
        _event_once(
            asset, EventKind.ACV_REMOVED, notice.outcome_on, "Removed from the list on sale.", user
        )
        issue_notices(NoticeKind.REMOVAL, entry)


_ON_THE_LIST_UNTIL = re.compile(r"^On the list until [^.]*\.")


def _listing_event(entry: ListEntry, user=None):
    """The listing's event follows a corrected date and last day, whoever wrote it (this
    workflow or an import, whose notes after the first sentence stay). It is the asset's
    listing event that no other entry of the asset is dated on, the nearest if several."""
    others = set(
        ListEntry.objects.filter(asset_id=entry.asset_id)
        .exclude(pk=entry.pk)
        .values_list("listed_on", flat=True)
    )
    candidates = [
        event
        for event in AssetEvent.objects.filter(asset_id=entry.asset_id, kind=EventKind.ACV_LISTED)
        if event.date not in others
    ]
    until = f"On the list until {entry.expires_on:%-d %B %Y}."
    if not candidates:
        _event(entry.asset, EventKind.ACV_LISTED, entry.listed_on, until, user)
        return
    event = min(candidates, key=lambda event: abs(event.date - entry.listed_on))
    if _ON_THE_LIST_UNTIL.match(event.note):
        note = _ON_THE_LIST_UNTIL.sub(until, event.note)
    else:
        note = f"{until} {event.note}".strip()
    if event.date != entry.listed_on:
        event.date, event.date_precision = entry.listed_on, DatePrecision.DAY
    elif event.note == note:
        return
    event.note = note
    event.save(update_fields=["date", "date_precision", "note"])


@transaction.atomic
def apply_entry(entry: ListEntry, user=None):
    """Bring the timeline in line with an entry an officer edited: the listing's event at
    its date, each exempt disposal once (the listing stays: Reg 2(b) is about relevant
    disposals only), and a removal by review or appeal, which the entry's reviews and
    appeals have already applied. The notices of removal and of review decisions are owed
    from here (or withdrawn, unsent, when a removal is undone)."""
    entry.refresh_from_db(fields=["removed_on", "removal_reason"])
    _listing_event(entry, user)
    decided = (ListEntry.RemovalReason.REVIEW, ListEntry.RemovalReason.APPEAL)
    if entry.removed_on and entry.removal_reason in decided:
        _event_once(
            entry.asset,
            EventKind.ACV_REMOVED,
            entry.removed_on,
            f"{entry.get_removal_reason_display()}.",
            user,
        )
    issue_notices(NoticeKind.REMOVAL, entry)
    for review in entry.reviews.all():
        issue_notices(NoticeKind.REVIEW_DECISION, review)
    for disposal in entry.exempt_disposals.all():
        _event_once(
            entry.asset,
            EventKind.EXEMPT_DISPOSAL,
            disposal.disposed_on,
            f"{disposal.get_exemption_display()}. {disposal.note}".strip(),
            user,
        )


@transaction.atomic
def register_intention_to_buy(
    notice: DisposalNotice, *, group_name, group_type, registered_on, user=None
) -> CommunityPurchase:
    """Under the Community Right to Buy: the group's registration of intent starts its
    right to the first chance to buy."""
    purchase = _validated_save(
        CommunityPurchase(
            notice=notice,
            group_name=group_name,
            group_type=group_type,
            registered_on=registered_on,
        )
    )
    apply_notice(notice, user)
    return purchase


@transaction.atomic
def record_purchase_step(purchase: CommunityPurchase, user=None, **steps) -> CommunityPurchase:
    """A dated step of the purchase (progress check, valuation, offer, acceptance,
    completion, withdrawal), checked against the order and the time the law allows."""
    for field, value in steps.items():
        setattr(purchase, field, value)
    _validated_save(purchase)
    apply_notice(purchase.notice, user)
    return purchase


def _money(amount):
    return f"£{amount:,.0f}" if amount is not None else "a price"


def _apply_purchase(notice, purchase, user):
    """Each step of a community purchase once on the timeline; completion is the sale."""
    asset, group = notice.entry.asset, purchase.group_name
    steps = [
        (
            purchase.registered_on,
            EventKind.INTENT_TO_BUY,
            f"{group} registered its intention to buy: it has the first chance to buy "
            f"until {purchase.notice.full_last_day:%-d %B %Y}, and the owner may not sell to "
            "anyone else meanwhile.",
        ),
        (
            purchase.progress_check_requested_on,
            EventKind.PROGRESS_CHECK,
            f"The owner asked the council to check that {group} is making progress.",
        ),
        (
            purchase.making_progress is not None and purchase.progress_check_decided_on,
            EventKind.PROGRESS_CHECK,
            f"The council found that {group} "
            + (
                "is making progress: its right to buy continues."
                if purchase.making_progress
                else "is not making progress: its right to buy ends."
            ),
        ),
        (
            purchase.valued_on,
            EventKind.VALUATION,
            f"An independent valuer set the price at {_money(purchase.valuation_price)}.",
        ),
        (
            purchase.offer_made_on,
            EventKind.PURCHASE_OFFER,
            f"{group} offered {_money(purchase.offer_price)}.",
        ),
        (purchase.accepted_on, EventKind.PURCHASE_AGREED, f"The owner accepted {group}'s offer."),
        (purchase.withdrawn_on, EventKind.RIGHT_TO_BUY_ENDED, f"{group} withdrew."),
    ]
    for day, kind, note in steps:
        if day:
            _event_once(asset, kind, day, note, user)
    if purchase.completed_on and notice.outcome == DisposalNotice.Outcome.PENDING:
        notice.outcome, notice.outcome_on = (
            DisposalNotice.Outcome.SOLD_TO_COMMUNITY,
            purchase.completed_on,
        )
        notice.buyer, notice.buyer_type = group, purchase.group_type
        _validated_save(notice)
