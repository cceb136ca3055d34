"""Sending statutory notices and recording the day they went. `mark_sent` is the one place
a sent date starts a clock: the owner's notice of listing starts the review-request period,
the occupiers' is logged on the entry, and the review decision starts the appeal period."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from assets_register.core.emails import email_subject
from assets_register.models import NoticeKind, RecipientRole, SentBy, StatutoryNotice

# Which date on which record a notice's sent day becomes (for new cases; the fields stay
# editable for historic and imported records).
CLOCK_STARTED_BY = {
    (NoticeKind.LISTING, RecipientRole.OWNER): ("list_entry", "owner_notified_on"),
    (NoticeKind.LISTING, RecipientRole.OCCUPIER): ("list_entry", "occupiers_notified_on"),
    (NoticeKind.REVIEW_DECISION, RecipientRole.OWNER): ("review", "decision_sent_on"),
}


@transaction.atomic
def mark_sent(notice: StatutoryNotice, day, by):
    """Record that the notice went on `day` (by email or post), and start its clock."""
    notice.sent_on, notice.sent_by = day, by
    try:
        notice.full_clean()
    except ValidationError:
        notice.sent_on, notice.sent_by = None, ""
        raise
    notice.save(update_fields=["sent_on", "sent_by"])
    started = CLOCK_STARTED_BY.get((notice.kind, notice.recipient_role))
    if started:
        record_field, date_field = started
        record = getattr(notice, record_field)
        setattr(record, date_field, day)
        record.save(update_fields=[date_field])
    return notice


def email_message(notice: StatutoryNotice) -> EmailMessage:
    """The notice as an email; the Message-ID is stable, so a repeat after a crash is
    dropped by mail systems."""
    return EmailMessage(
        subject=email_subject(notice.subject),
        body=render_to_string("assets_register/notices/email.txt", {"notice": notice}),
        to=[notice.recipient_email],
        headers={"Message-ID": f"<notice-{notice.pk}@{settings.ALERT_MESSAGE_ID_DOMAIN}>"},
    )


def send_by_email(today=None):
    """Email every notice that has an address and has not gone. Each is sent and marked
    sent in one transaction, so a crash resumes with no gaps; a notice about something
    dated after today waits for that day."""
    today = today or timezone.localdate()
    owed = (
        StatutoryNotice.objects.unsent()
        .exclude(recipient_email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(owed):
        with transaction.atomic():
            notice = (
                StatutoryNotice.objects.select_for_update()
                .filter(pk=pk, sent_on__isnull=True)
                .select_related("council")
                .first()
            )
            effect = notice and notice.takes_effect_on()
            if notice is None or effect is None or effect > today:
                continue  # another sender took it, or it is not due yet
            email_message(notice).send()
            mark_sent(notice, today, SentBy.EMAIL)
            sent += 1
    return sent
