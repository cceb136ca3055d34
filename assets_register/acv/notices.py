"""Statutory notices as records: the workflow calls `issue_notices` wherever a decision,
listing, notice to sell, removal or review decision takes effect; it makes one notice per
recipient, once, with the letter frozen as made. Notices with an email address go by a
background task after the commit; the rest wait on the officer's dashboard to be printed,
posted and marked sent (`mark_sent`, which starts the review and appeal clocks)."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from assets_register.acv.notice_sending import mark_sent, send_by_email
from assets_register.acv.tasks import send_statutory_notices
from assets_register.core.urls import absolute_url
from assets_register.models import (
    Clock,
    DisposalNotice,
    ListEntry,
    Nomination,
    NoticeKind,
    RecipientRole,
    Review,
    StatutoryNotice,
    period_in_force,
)
from assets_register.models.notices import ABOUT

__all__ = ["issue_notices", "mark_sent", "send_by_email", "unsent", "letter_context"]

Owner, Occupier, Nominator = RecipientRole.OWNER, RecipientRole.OCCUPIER, RecipientRole.NOMINATOR


def issue_notices(kind, record):
    """Make the notices `kind` owes about `record`, one per recipient, the first time it is
    owed; withdraw unsent ones it no longer owes (a removal or review decision undone).
    Safe to run again: a notice an officer deleted as not needed (an occupier who is the
    owner) is not made again."""
    field = ABOUT[kind][0]
    existing = StatutoryNotice.objects.filter(kind=kind, **{field: record})
    owed = _recipients(kind, record)
    if not owed:
        existing.unsent().delete()
        return []
    if existing.exists():
        return []
    made = []
    for role, recipient in owed:
        context = _context(kind, record, role)
        made.append(
            StatutoryNotice.objects.create(
                kind=kind,
                recipient_role=role,
                council=context["council"],
                **{field: record},
                **recipient,
                subject=_subject(kind, role, context),
                body=render_to_string(f"assets_register/notices/{kind}.txt", context).strip(),
            )
        )
    if any(notice.recipient_email for notice in made):
        transaction.on_commit(send_statutory_notices.enqueue)
    return made


def unsent(councils=None):
    """What the officer still has to send, oldest first (councils: ids, or None for all)."""
    return (
        StatutoryNotice.objects.unsent()
        .for_councils(councils)
        .select_related(
            "council",
            "nomination__asset",
            "list_entry__asset",
            "disposal_notice__entry__asset",
            "review__entry__asset",
        )
        .order_by("created_at", "pk")
    )


def letter_context(notice, today=None):
    """What the printed letter shows: dated the day it went, or today while unsent."""
    return {
        "notice": notice,
        "council": notice.council,
        "dated": notice.sent_on or today or timezone.localdate(),
    }


def _entry_of(record):
    if isinstance(record, ListEntry):
        return record
    if isinstance(record, (DisposalNotice, Review)):
        return record.entry
    return None


def _recipients(kind, record):
    """[(role, recipient fields)] owed for the record now, or [] when nothing is owed."""
    entry = _entry_of(record)
    nomination = record if isinstance(record, Nomination) else entry.nomination
    if kind == NoticeKind.REFUSAL:
        owed = record.outcome == Nomination.Outcome.UNSUCCESSFUL and record.decided_on
        roles = [Nominator] if owed else []
    elif kind == NoticeKind.DISPOSAL:
        roles = [Nominator]
    elif kind == NoticeKind.REVIEW_DECISION:
        owed = record.outcome != Review.Outcome.PENDING and record.decided_on
        roles = [Owner] if owed else []
    elif kind == NoticeKind.REMOVAL and record.removed_on is None:
        roles = []
    else:  # a listing, or a removal that stands
        roles = [Owner, Occupier, Nominator]
    return [
        (role, _recipient(role, nomination, entry))
        for role in roles
        if role != Nominator or nomination is not None
    ]


def _recipient(role, nomination, entry):
    """The nominator from the nomination's private contact details; the owner and the
    occupier as an officer last completed them for this entry, else from what the
    nomination says (owners' names and addresses; occupiers at the place itself)."""
    if role == Nominator:
        name = ", ".join(part for part in (nomination.contact_name, nomination.body_name) if part)
        return {"recipient_name": name, "recipient_email": nomination.contact_email}
    known = (
        StatutoryNotice.objects.filter(list_entry=entry, recipient_role=role)
        .exclude(recipient_name="", recipient_address="")
        .order_by("-created_at", "-pk")
        .values("recipient_name", "recipient_address", "recipient_email")
        .first()
    )
    if known:
        return known
    if role == Owner:
        return {"recipient_address": nomination.owners if nomination else ""}
    occupants = (nomination.occupants.strip().splitlines() or [""])[0] if nomination else ""
    asset = entry.asset
    return {
        "recipient_name": occupants[:255] or "The occupier",
        "recipient_address": "\n".join(part for part in (asset.address, asset.postcode) if part),
    }


def _place(asset, nomination):
    """'The Red Lion, Sacriston': the name and the ward (or council) people know it by."""
    if asset is None:
        return f"{nomination.land_name}, {nomination.council.name}"
    where = asset.ward or asset.council
    return f"{asset.name}, {where.name}" if where else asset.name


def _context(kind, record, role):
    entry = _entry_of(record)
    nomination = record if isinstance(record, Nomination) else entry.nomination
    council = (entry or nomination).council
    today = timezone.localdate()
    return {
        "kind": kind,
        "role": role,
        "council": council,
        "place": _place(entry.asset if entry else nomination.asset, nomination),
        "nomination": nomination,
        "entry": entry,
        "disposal": record if isinstance(record, DisposalNotice) else None,
        "review": record if isinstance(record, Review) else None,
        "removal_reasons": _removal_reasons(entry),
        "today": today,
        "appeal_period": period_in_force(Clock.APPEAL, today),
        "list_url": absolute_url("acv_list", council.gss_code),
        "unsuccessful_url": absolute_url("acv_unsuccessful", council.gss_code),
        "law_url": absolute_url("about_the_law"),
    }


def _removal_reasons(entry):
    """Why the entry left the list (s.91(4)): the reason, the review's reasons or the sale,
    and the officer's note."""
    if entry is None or entry.removed_on is None:
        return []
    reasons = [f"{entry.get_removal_reason_display()}."]
    if entry.removal_reason == ListEntry.RemovalReason.REVIEW:
        reasons += [
            review.reasons
            for review in entry.reviews.all()
            if review.outcome == Review.Outcome.REMOVED and review.reasons
        ]
    if entry.removal_reason == ListEntry.RemovalReason.DISPOSED:
        sale = entry.disposal_notices.filter(outcome_on=entry.removed_on).first()
        if sale:
            buyer = f" to {sale.buyer}" if sale.buyer else ""
            reasons.append(f"Sold on {sale.outcome_on:%-d %B %Y}{buyer}.")
    if entry.removal_note:
        reasons.append(entry.removal_note)
    return reasons


def _subject(kind, role, context):
    place, nomination = context["place"], context["nomination"]
    yours = f"Decision on your nomination {nomination.public_reference}" if nomination else ""
    if kind == NoticeKind.REFUSAL:
        return f"{yours}: {place} has not been listed"
    if kind == NoticeKind.LISTING:
        head = yours if role == Nominator else "Notice of listing"
        return f"{head}: {place} is listed as an asset of community value"
    if kind == NoticeKind.DISPOSAL:
        return f"The owner of {place} has told the council they wish to sell"
    if kind == NoticeKind.REMOVAL:
        return f"Notice of removal: {place} is no longer listed as an asset of community value"
    upheld = context["review"].outcome == Review.Outcome.UPHELD
    outcome = "stays on the list" if upheld else "is removed from the list"
    return f"Review decision: {place} {outcome} of assets of community value"
