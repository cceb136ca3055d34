"""Statutory notices: the written notices the council owes when an ACV decision takes
effect, one row per recipient, with the letter as it was made and the day it went. The
day sent is what starts the owner's review and appeal clocks. Recipients' names, addresses
and emails are private: never on public pages, feeds, exports or the API."""

import datetime
import functools
import operator

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NoticeKind(models.TextChoices):
    # s.90: an unsuccessful nomination; the council's written reasons, to the nominator.
    REFUSAL = "refusal", "Nomination unsuccessful, with reasons"
    # s.91(2)-(3): inclusion in the list, to owner, occupier and nominator; names the right
    # to ask for a review (s.92), whose period begins with the owner's notice.
    LISTING = "listing", "Notice of listing"
    # s.97: the owner's notice of wish to sell, to the nominator.
    DISPOSAL = "disposal", "Owner's notice to sell"
    # s.91(2),(4) and Reg 2: removal (after review, appeal, sale, no longer of community
    # value), with the reasons, to owner, occupier and nominator.
    REMOVAL = "removal", "Notice of removal"
    # s.92 and Sch 2 of the 2012 Regulations: the review decision and reasons, to the
    # owner; the tribunal appeal period runs from the day it is sent.
    REVIEW_DECISION = "review_decision", "Review decision"


class RecipientRole(models.TextChoices):
    OWNER = "owner", "Owner"
    OCCUPIER = "occupier", "Occupier"  # s.91(2)(b): the lawful occupier, if not the owner
    NOMINATOR = "nominator", "Nominator"


class SentBy(models.TextChoices):
    EMAIL = "email", "Email"
    POST = "post", "Post"


# What each kind of notice is about (exactly that record) and who receives it.
ABOUT = {
    NoticeKind.REFUSAL: ("nomination", [RecipientRole.NOMINATOR]),
    NoticeKind.LISTING: ("list_entry", list(RecipientRole)),
    NoticeKind.DISPOSAL: ("disposal_notice", [RecipientRole.NOMINATOR]),
    NoticeKind.REMOVAL: ("list_entry", list(RecipientRole)),
    NoticeKind.REVIEW_DECISION: ("review", [RecipientRole.OWNER]),
}
RECORD_FIELDS = ("nomination", "list_entry", "disposal_notice", "review")
# Once sent, a notice is the record of what went: none of this may change.
FROZEN_FIELDS = (
    "recipient_name",
    "recipient_address",
    "recipient_email",
    "subject",
    "body",
    "sent_on",
    "sent_by",
)


def _about_exactly(kind, field, roles):
    return Q(
        kind=kind,
        recipient_role__in=roles,
        **{f"{field}__isnull": False},
        **{f"{other}__isnull": True for other in RECORD_FIELDS if other != field},
    )


class NoticeQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_on__isnull=True)

    def for_councils(self, councils):
        """Of some councils (ids), or of every council for None."""
        return self if councils is None else self.filter(council__in=councils)

    def unsent_first(self):
        return self.order_by(models.F("sent_on").desc(nulls_first=True), "-created_at", "-pk")


class StatutoryNotice(models.Model):
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    recipient_role = models.CharField(max_length=10, choices=RecipientRole.choices)
    recipient_name = models.CharField(max_length=255, blank=True)
    recipient_address = models.TextField(
        "postal address",
        blank=True,
        help_text="Started from what the nomination says; complete it before posting.",
    )
    recipient_email = models.EmailField(
        blank=True, help_text="A notice with an email address is emailed, once."
    )
    council = models.ForeignKey(
        "Area",
        on_delete=models.PROTECT,
        related_name="statutory_notices",
        limit_choices_to={"kind": "council"},
    )
    # A notice belongs to its record: one entered in error takes its notices with it.
    nomination = models.ForeignKey(
        "Nomination", null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    list_entry = models.ForeignKey(
        "ListEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    disposal_notice = models.ForeignKey(
        "DisposalNotice", null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    review = models.ForeignKey(
        "Review", null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField(help_text="The letter as made when the decision took effect.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.CharField(max_length=5, choices=SentBy.choices, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (_about_exactly(kind, field, roles) for kind, (field, roles) in ABOUT.items()),
                ),
                name="notice_about_the_record_its_kind_needs",
            ),
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True, sent_by="")
                | (Q(sent_on__isnull=False) & ~Q(sent_by="")),
                name="notice_sent_on_and_by_together",
            ),
            # One notice of a kind per recipient per record (NULLs never collide).
            *(
                models.UniqueConstraint(
                    fields=["kind", "recipient_role", field], name=f"notice_once_per_{field}"
                )
                for field in RECORD_FIELDS
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to the {self.get_recipient_role_display().lower()}"

    @property
    def about(self):
        return getattr(self, ABOUT[self.kind][0])

    @property
    def greeting(self):
        """'Dear Jo Bloggs,' to a named person; 'To the owner,' until someone is named."""
        name = self.recipient_name.split(",")[0].strip()
        return f"Dear {name}," if name else f"To the {self.get_recipient_role_display().lower()},"

    @property
    def asset(self):
        about = self.about
        if self.kind == NoticeKind.REFUSAL:
            return about.asset
        return about.asset if self.list_entry_id else about.entry.asset

    @property
    def place_name(self):
        asset = self.asset
        return asset.name if asset else self.about.land_name

    def takes_effect_on(self) -> datetime.date | None:
        """The day of what the notice reports: it cannot be sent before then."""
        about = self.about
        return {
            NoticeKind.REFUSAL: lambda: about.decided_on,
            NoticeKind.LISTING: lambda: about.listed_on,
            NoticeKind.DISPOSAL: lambda: about.received_on,
            NoticeKind.REMOVAL: lambda: about.removed_on,
            NoticeKind.REVIEW_DECISION: lambda: about.decided_on,
        }[self.kind]()

    def clean(self):
        stored = (
            StatutoryNotice.objects.filter(pk=self.pk).values(*FROZEN_FIELDS).first()
            if self.pk
            else None
        )
        if stored and stored["sent_on"]:
            changed = [name for name in FROZEN_FIELDS if getattr(self, name) != stored[name]]
            if changed:
                raise ValidationError(
                    {
                        name: f"This notice was already sent on {stored['sent_on']:%-d %B %Y}: "
                        "what was sent cannot change."
                        for name in changed
                    }
                )
        if self.sent_on is None:
            return
        if self.sent_on > timezone.localdate():
            raise ValidationError({"sent_on": "A notice cannot be sent on a day still to come."})
        effect = self.about and self.takes_effect_on()
        if effect and self.sent_on < effect:
            raise ValidationError(
                {
                    "sent_on": f"This notice reports what took effect on {effect:%-d %B %Y}: "
                    "it cannot have been sent before then."
                }
            )
