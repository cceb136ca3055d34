"""The Community Right to Bid as workflows: each step updates the ACV records and
writes an event on the asset's timeline, so history, lists, alerts and indicators
all read one table. Rules live on the models (clean); these functions apply them."""

from django.core.exceptions import ValidationError
from django.db import transaction

from assets_register.acv import lists as acv_lists
from assets_register.models import (
    AssetEvent,
    BidderRequest,
    DisposalNotice,
    EventKind,
    ListEntry,
    Nomination,
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


@transaction.atomic
def apply_entry(entry: ListEntry, user=None):
    """Bring the timeline in line with an entry an officer edited: each exempt disposal
    once (the listing stays: Reg 2(b) is about relevant disposals only), and a removal by
    review or appeal, which the entry's reviews and appeals have already applied."""
    entry.refresh_from_db(fields=["removed_on", "removal_reason"])
    decided = (ListEntry.RemovalReason.REVIEW, ListEntry.RemovalReason.APPEAL)
    if entry.removed_on and entry.removal_reason in decided:
        _event_once(
            entry.asset,
            EventKind.ACV_REMOVED,
            entry.removed_on,
            f"{entry.get_removal_reason_display()}.",
            user,
        )
    for disposal in entry.exempt_disposals.all():
        _event_once(
            entry.asset,
            EventKind.EXEMPT_DISPOSAL,
            disposal.disposed_on,
            f"{disposal.get_exemption_display()}. {disposal.note}".strip(),
            user,
        )
