"""Assets of Community Value: nominations, list entries and what follows from them."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from assets_register.core.optimistic_locking import VersionedModel
from assets_register.law.eligibility import (
    COMMUNITY_INTEREST_GROUPS,
    Body,
    BodyType,
    bidder_problems,
    nomination_problems,
)
from assets_register.models.regimes import (
    Clock,
    StatutoryRegime,
    before_any_regime,
    period_counted_from,
    regime_in_force,
    regime_last_day,
)


class NominationQuerySet(models.QuerySet):
    def accepted_or_decided(self):
        """What the council has published: every decided nomination, and those under
        consideration only once it accepted them as valid."""
        return self.exclude(outcome=Nomination.Outcome.PENDING, accepted_as_valid_on__isnull=True)


class Nomination(VersionedModel):
    """A community nomination (s.89) with what Regulation 6 requires. The nominator's
    contact details are private: never shown on public pages, feeds or exports."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Under consideration"
        LISTED = "listed", "Listed"
        UNSUCCESSFUL = "unsuccessful", "Unsuccessful"
        WITHDRAWN = "withdrawn", "Withdrawn"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    council_reference = models.CharField(
        max_length=60,
        blank=True,
        help_text="The council's own reference, if it uses one (kept from imported registers).",
    )
    council = models.ForeignKey(
        "Area",
        on_delete=models.PROTECT,
        related_name="nominations",
        limit_choices_to={"kind": "council"},
    )
    asset = models.ForeignKey(
        "Asset", null=True, blank=True, on_delete=models.SET_NULL, related_name="nominations"
    )
    land_name = models.CharField("name of the land or building", max_length=255)
    land_address = models.TextField("address", blank=True)
    land_description = models.TextField(
        "description and proposed boundary",
        blank=True,
        help_text="What the land is and where its boundary runs (Reg 6(a)).",
    )
    occupants = models.TextField("current occupants", blank=True)
    owners = models.TextField(
        "freeholders and leaseholders",
        blank=True,
        help_text="Names and current or last-known addresses, as far as known (Reg 6(b)).",
    )
    current_use = models.TextField(
        blank=True,
        help_text=("How the land furthers the community's wellbeing or interests now or recently."),
    )
    future_use = models.TextField(
        blank=True,
        help_text="Why that use can realistically continue or resume within the years "
        "the law looks ahead (s.88(2)(b)).",
    )
    is_sports_ground = models.BooleanField(
        "a sports ground",
        default=False,
        help_text="Nominated by the separate route for sports grounds, where the law in force "
        "has one.",
    )
    body_name = models.CharField("nominating body", max_length=255)
    body_type = models.CharField(max_length=40, choices=BodyType.choices)
    body_number = models.CharField("charity or company number", max_length=40, blank=True)
    members_on_roll = models.PositiveIntegerField(
        null=True,
        blank=True,
        # What an integer column holds on every database: SQLite would store more, and
        # PostgreSQL refuse it with an error instead of the form's message.
        validators=[MaxValueValidator(2**31 - 1)],
    )
    distributes_surplus = models.BooleanField(default=False)
    local_connection = models.TextField(
        blank=True, help_text="How the body's activities relate to the area."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    send_reminders = models.BooleanField(
        default=True,
        help_text="Remind the nominating group before a bid window closes and "
        "before the listing expires.",
    )
    received_on = models.DateField()
    accepted_as_valid_on = models.DateField(
        "accepted as a valid nomination",
        null=True,
        blank=True,
        help_text="The day the council found it a valid nomination (Regulation 6, an "
        "eligible body). From then it is on the public list while the council decides.",
    )
    decision_due = models.DateField(editable=False)
    decided_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    decision_reasons = models.TextField(blank=True)
    recorded_on = models.DateField(
        "date of the council's record",
        null=True,
        blank=True,
        help_text="When the record entered the council's published register (planning.data "
        "entry-date), for imported records.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Each page of the public form carries a fresh token: the page sent twice (a double
    # click, or back and send again) makes one nomination (acv/nominate.py).
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = NominationQuerySet.as_manager()

    # Required of a nomination under consideration; historic imported records may lack them.
    REGULATION_6_FIELDS = (
        "land_description",
        "current_use",
        "future_use",
        "local_connection",
        "contact_name",
        "contact_email",
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True)
                | models.Q(decided_on__gte=models.F("received_on")),
                name="nomination_decided_after_receipt",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_as_valid_on__isnull=True)
                | models.Q(accepted_as_valid_on__gte=models.F("received_on")),
                name="nomination_accepted_after_receipt",
                violation_error_message="A nomination can be accepted only after it arrived.",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.land_name}"

    def save(self, *args, **kwargs):
        self.decision_due = regime_last_day(Clock.DECISION, self.received_on)
        super().save(*args, **kwargs)
        if not self.reference:
            self.reference = f"ACV-N-{self.received_on.year}-{self.pk:05d}"
            Nomination.objects.filter(pk=self.pk).update(reference=self.reference)

    @property
    def regime(self) -> StatutoryRegime:
        """The regime in force the day the nomination was received: it governs the case."""
        return StatutoryRegime.objects.in_force_on(self.received_on)

    def clean(self):
        problem = before_any_regime(self.received_on, "a nomination received")
        if problem:
            raise ValidationError({"received_on": problem})
        if self.is_sports_ground and self.received_on:
            regime = self.regime
            if not regime.rule("sports_grounds_route"):
                raise ValidationError(
                    {
                        "is_sports_ground": f"{regime.name} has no separate route for sports "
                        "grounds: nominate the ground as any other land."
                    }
                )
        # A decision already made settled eligibility: historic records imported without the
        # body's type stay editable.
        settled = (
            self.pk
            and Nomination.objects.filter(pk=self.pk).exclude(outcome=self.Outcome.PENDING).exists()
        )
        problems = not settled and nomination_problems(
            Body(
                self.body_type,
                has_local_connection=bool(self.local_connection.strip()),
                distributes_surplus=self.distributes_surplus,
                members_on_roll=self.members_on_roll,
            )
        )
        if problems:
            raise ValidationError({"body_type": problems})
        missing = (
            {}
            if settled
            else {
                name: "Regulation 6 asks for this: a nomination without it cannot be considered."
                for name in self.REGULATION_6_FIELDS
                if not str(getattr(self, name)).strip()
            }
        )
        if missing:
            raise ValidationError(missing)
        decided = self.outcome in (self.Outcome.LISTED, self.Outcome.UNSUCCESSFUL)
        if decided and not self.decided_on:
            raise ValidationError({"decided_on": "Give the date of the decision."})
        if self.outcome == self.Outcome.UNSUCCESSFUL and not self.decision_reasons.strip():
            raise ValidationError(
                {"decision_reasons": "Give the nominator written reasons (s.90)."}
            )

    @property
    def record_date(self):
        """planning.data's entry-date: the council's record, else the day it was made here."""
        return self.recorded_on or timezone.localtime(self.created_at).date()

    @property
    def public_reference(self):
        """The council's reference where it has one: the one people already quote."""
        return self.council_reference or self.reference

    def is_overdue(self, today):
        return self.outcome == self.Outcome.PENDING and today > self.decision_due


class ListEntry(VersionedModel, ClusterableModel):
    """An entry on a council's list of assets of community value (s.87)."""

    class RemovalReason(models.TextChoices):
        DISPOSED = "disposed", "Sold (a relevant disposal)"
        REVIEW = "review", "Removed on the owner's review"
        APPEAL = "appeal", "Removed on appeal"
        NO_LONGER_OF_VALUE = "no_longer_of_value", "No longer of community value"
        OTHER = "other", "Other"

    reference = models.CharField(max_length=40, help_text="The council's reference, e.g. A-CV-1")
    council = models.ForeignKey(
        "Area",
        on_delete=models.PROTECT,
        related_name="acv_entries",
        limit_choices_to={"kind": "council"},
    )
    asset = models.ForeignKey("Asset", on_delete=models.PROTECT, related_name="acv_entries")
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.SET_NULL, related_name="list_entry"
    )
    listed_on = models.DateField("date of the list entry")
    expires_on = models.DateField("last day on the list", editable=False)
    owner_notified_on = models.DateField(
        "written notice of listing sent to the owner", null=True, blank=True
    )
    occupiers_notified_on = models.DateField(
        "written notice sent to the lawful occupiers",
        null=True,
        blank=True,
        help_text="s.91: also the freeholder and leaseholders, where they are not the owner.",
    )
    restriction_requested_on = models.DateField(
        "Land Registry restriction (Form QQ) requested", null=True, blank=True
    )
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.CharField(max_length=30, choices=RemovalReason.choices, blank=True)
    removal_note = models.TextField(blank=True)
    nominated_by = models.CharField(
        "nominating group",
        max_length=255,
        blank=True,
        help_text="Published. For entries without a nomination record, e.g. imported ones.",
    )
    recorded_on = models.DateField(
        "date of the council's record",
        null=True,
        blank=True,
        help_text="When the record entered the council's published register (planning.data "
        "entry-date): not the date of the list entry.",
    )
    # Null for entries made before it was kept: their creation date is not known.
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["-listed_on"]
        verbose_name_plural = "list entries"
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="list_entry_reference"),
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True) | ~models.Q(removal_reason=""),
                name="list_entry_removal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.asset}"

    def save(self, *args, **kwargs):
        self.expires_on = regime_last_day(Clock.LISTING, self.listed_on)
        super().save(*args, **kwargs)

    @property
    def nominating_group(self):
        """Public, as the national schema publishes it; never the nominator's contact."""
        return self.nominated_by or (self.nomination.body_name if self.nomination else "")

    @property
    def record_date(self):
        """planning.data's entry-date: the council's record, else the day it was made here."""
        if self.recorded_on:
            return self.recorded_on
        return timezone.localtime(self.created_at).date() if self.created_at else None

    def is_listed_on(self, day):
        """On the list that day: listing expiry and removal take effect by themselves."""
        return self.listed_on <= day <= self.expires_on and (
            self.removed_on is None or day < self.removed_on
        )

    def clean(self):
        problem = before_any_regime(self.listed_on, "a listing")
        if problem:
            raise ValidationError({"listed_on": problem})
        if self.listed_on and self.asset_id:
            self._one_live_listing()

    def _one_live_listing(self):
        """A place is on the list once at a time: a new entry may start only after the
        last one ended (expired or removed)."""
        ends = regime_last_day(Clock.LISTING, self.listed_on)
        if self.removed_on:
            ends = min(ends, self.removed_on - datetime.timedelta(days=1))
        overlapping = (
            ListEntry.objects.filter(asset_id=self.asset_id, listed_on__lte=ends)
            .filter(expires_on__gte=self.listed_on)
            .filter(models.Q(removed_on__isnull=True) | models.Q(removed_on__gt=self.listed_on))
            .exclude(pk=self.pk)
            .first()
        )
        if overlapping:
            last = overlapping.expires_on
            if overlapping.removed_on:
                last = min(last, overlapping.removed_on - datetime.timedelta(days=1))
            raise ValidationError(
                {
                    "listed_on": (
                        f"This place is already on the list as {overlapping.reference} "
                        f"until {last:%-d %B %Y}: a new listing can start only after that."
                    )
                }
            )

    def sync_removal_by_decision(self):
        """A review that removes the place, or an appeal the tribunal allows, takes it off
        the list from the decision day (s.92, Sch 2); undoing the decision puts it back.
        Called whenever a review or appeal is saved or deleted, so no path skips it."""
        decisions = [
            (review.decided_on, self.RemovalReason.REVIEW)
            for review in self.reviews.all()
            if review.outcome == Review.Outcome.REMOVED and review.decided_on
        ] + [
            (appeal.decided_on, self.RemovalReason.APPEAL)
            for appeal in self.appeals.all()
            if appeal.outcome == Appeal.Outcome.ALLOWED and appeal.decided_on
        ]
        by_decision = self.removal_reason in (self.RemovalReason.REVIEW, self.RemovalReason.APPEAL)
        if decisions:
            day, reason = min(decisions)
            if self.removed_on is None or by_decision or day < self.removed_on:
                self.removed_on, self.removal_reason = day, reason
        elif by_decision:
            self.removed_on, self.removal_reason = None, ""
        ListEntry.objects.filter(pk=self.pk).update(
            removed_on=self.removed_on, removal_reason=self.removal_reason
        )

    @property
    def review_request_last_day(self):
        """The owner may ask for a review within the regime's period from written notice
        of listing."""
        if self.owner_notified_on is None:
            return None
        return regime_last_day(Clock.REVIEW_REQUEST, self.owner_notified_on)

    def review_request_problem(self, requested_on, late_allowed=False):
        """Why a review asked for that day cannot be considered, or None. The council may
        allow a late request in writing (Sch 2 para 1)."""
        last_day = self.review_request_last_day
        if last_day and requested_on > last_day and not late_allowed:
            period = period_counted_from(Clock.REVIEW_REQUEST, self.owner_notified_on)
            return (
                f"The owner had to ask for a review by {last_day:%-d %B %Y}: {period}. "
                "If the council allowed a later request in writing, tick 'late request allowed'."
            )
        if self.owner_notified_on and requested_on < self.owner_notified_on:
            return "A review can only be asked for after the notice of listing."
        return None


class DecidesListing:
    """For reviews and appeals: saving or deleting one re-reads whether the place is still
    on the list, so no path can leave a decided removal unapplied."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.entry.sync_removal_by_decision()

    def delete(self, *args, **kwargs):
        entry = self.entry
        result = super().delete(*args, **kwargs)
        entry.sync_removal_by_decision()
        return result


class Review(DecidesListing, models.Model):
    """The owner's request for a review of the listing (s.92, Sch 2) and its outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Under review"
        UPHELD = "upheld", "Listing upheld"
        REMOVED = "removed", "Removed from the list"

    entry = ParentalKey(ListEntry, on_delete=models.CASCADE, related_name="reviews")
    requested_on = models.DateField("owner's request received")
    late_request_allowed = models.BooleanField(
        default=False, help_text="The council allowed, in writing, a request made after the time."
    )
    decision_due_agreed = models.DateField(
        "later decision date agreed with the owner",
        null=True,
        blank=True,
        help_text="A longer period for the review decision agreed in writing with the owner.",
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    decision_sent_on = models.DateField("decision sent to the owner", null=True, blank=True)
    reasons = models.TextField(
        "reasons for the decision",
        blank=True,
        help_text="Sent to the owner with the decision, and to the nominator if it is removed.",
    )

    class Meta:
        ordering = ["requested_on"]

    def __str__(self):
        return f"Review requested {self.requested_on}"

    @property
    def statutory_decision_due(self):
        return regime_last_day(Clock.REVIEW_DECISION, self.requested_on)

    @property
    def decision_due(self):
        """The statutory last day, or the later one agreed in writing with the owner."""
        return self.decision_due_agreed or self.statutory_decision_due

    @property
    def appeal_last_day(self):
        """The last day to appeal to the First-tier Tribunal, counted from the day the
        review decision is sent."""
        if self.decision_sent_on is None:
            return None
        return regime_last_day(Clock.APPEAL, self.decision_sent_on)

    def clean(self):
        # An entry edited in the same admin form is not attached yet; that form checks.
        entry = getattr(self, "entry", None)
        problem = (
            entry
            and self.requested_on
            and entry.review_request_problem(self.requested_on, self.late_request_allowed)
        )
        if problem:
            raise ValidationError({"requested_on": problem})
        if (
            self.decision_due_agreed
            and self.requested_on
            and self.decision_due_agreed < self.statutory_decision_due
        ):
            raise ValidationError(
                {
                    "decision_due_agreed": (
                        "An agreed date can only extend the time: the review must be decided "
                        f"by {self.statutory_decision_due:%-d %B %Y} anyway."
                    )
                }
            )
        if self.outcome != self.Outcome.PENDING and not self.decided_on:
            raise ValidationError({"decided_on": "Give the date of the review decision."})


class Appeal(DecidesListing, models.Model):
    """An appeal to the First-tier Tribunal (General Regulatory Chamber) and its outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Awaiting the tribunal"
        DISMISSED = "dismissed", "Dismissed: stays listed"
        ALLOWED = "allowed", "Allowed: removed from the list"
        WITHDRAWN = "withdrawn", "Withdrawn"

    entry = ParentalKey(ListEntry, on_delete=models.CASCADE, related_name="appeals")
    lodged_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["lodged_on"]

    def __str__(self):
        return f"Appeal lodged {self.lodged_on}"

    def clean(self):
        if self.outcome in (self.Outcome.DISMISSED, self.Outcome.ALLOWED) and not self.decided_on:
            raise ValidationError({"decided_on": "Give the date of the tribunal's decision."})


class CompensationClaim(models.Model):
    """An owner's claim for loss or expense caused by the listing (Regs 14-16)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Being considered"
        PAID = "paid", "Paid in full or in part"
        REFUSED = "refused", "Refused"

    entry = ParentalKey(ListEntry, on_delete=models.CASCADE, related_name="compensation_claims")
    loss_incurred_on = models.DateField("loss or expense incurred (or ended)")
    received_on = models.DateField("claim received")
    amount_claimed = models.DecimalField(max_digits=12, decimal_places=2)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reasons_sent_on = models.DateField("written reasons sent", null=True, blank=True)

    class Meta:
        ordering = ["received_on"]

    def __str__(self):
        return f"Compensation claim received {self.received_on}"

    @property
    def claim_last_day(self):
        return regime_last_day(Clock.COMPENSATION_CLAIM, self.loss_incurred_on)

    @property
    def review_request_last_day(self):
        if self.reasons_sent_on is None:
            return None
        return regime_last_day(Clock.COMPENSATION_REVIEW, self.reasons_sent_on)

    def clean(self):
        if self.loss_incurred_on and self.received_on and self.received_on > self.claim_last_day:
            raise ValidationError(
                {
                    "received_on": (
                        f"A claim had to be made by {self.claim_last_day:%-d %B %Y}: "
                        + period_counted_from(Clock.COMPENSATION_CLAIM, self.loss_incurred_on)
                        + "."
                    )
                }
            )


class DisposalNotice(VersionedModel, ClusterableModel):
    """An owner's written notice of wish to sell (s.95 condition A) and what followed."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "No sale yet"
        SOLD_TO_COMMUNITY = "sold_to_community", "Sold to a community group"
        SOLD_TO_OTHER = "sold_to_other", "Sold to another buyer"
        WITHDRAWN = "withdrawn", "Owner withdrew the sale"

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="disposal_notices")
    received_on = models.DateField("notice received by the council")
    interim_last_day = models.DateField(editable=False)
    full_last_day = models.DateField(editable=False)
    protected_last_day = models.DateField(editable=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    buyer = models.CharField(max_length=255, blank=True)
    buyer_type = models.CharField(
        "kind of buyer",
        max_length=40,
        choices=BodyType.choices,
        blank=True,
        help_text="During a moratorium the owner may sell only to a community interest group.",
    )

    class Meta:
        ordering = ["-received_on"]

    def __str__(self):
        return f"Disposal notice for {self.entry.asset} received {self.received_on}"

    @property
    def council(self):
        return self.entry.council

    @property
    def regime(self) -> StatutoryRegime:
        """The regime in force the day the notice was received: it governs the whole case."""
        cached = getattr(self, "_regime", None)
        if cached is None or cached[0] != self.received_on:
            self._regime = (self.received_on, regime_in_force(self.received_on))
        return self._regime[1]

    @property
    def right_to_buy(self) -> bool:
        """Governed by a regime with the Community Right to Buy (2026 Act)."""
        return self.regime.rule("community_right_to_buy")

    def compute_periods(self):
        regime = self.regime
        self.interim_last_day = regime.last_day(Clock.INTERIM_MORATORIUM, self.received_on)
        self.full_last_day = regime.last_day(Clock.FULL_MORATORIUM, self.received_on)
        self.protected_last_day = regime.last_day(Clock.PROTECTED_PERIOD, self.received_on)

    def save(self, *args, **kwargs):
        self.compute_periods()
        super().save(*args, **kwargs)

    @property
    def full_moratorium(self) -> bool:
        """A community interest group asked to bid, or registered its intention to buy,
        inside the interim window."""
        return self.moratorium_last_day > self.interim_last_day

    @property
    def moratorium_last_day(self):
        return self.moratorium_ends(self.saved_request_days())

    def saved_request_days(self):
        """When groups asked to bid, or registered an intention to buy, as saved."""
        days = [request.received_on for request in self.bidder_requests.all()]
        return days + [purchase.registered_on for purchase in self.purchases.all()]

    def moratorium_ends(self, request_days):
        """The moratorium's last day: the full one if a request to bid (or an intention to
        buy) arrived inside the interim window, else the interim one. Under the right to
        buy, the full moratorium ends early when the group's right ends early."""
        if self.interim_last_day is None:
            self.compute_periods()
        in_window = any(self.received_on <= day <= self.interim_last_day for day in request_days)
        if not in_window:
            return self.interim_last_day
        ended = [p.ended_early_on for p in self.purchases.all() if p.ended_early_on]
        if ended:
            return max(self.interim_last_day, min(self.full_last_day, min(ended)))
        return self.full_last_day

    def sale_problem(self, request_days):
        """Why the sale recorded on this notice is one the law forbids, as {field: message},
        or None. request_days: when requests to bid arrived, saved or still in a form."""
        sold = self.outcome in (self.Outcome.SOLD_TO_COMMUNITY, self.Outcome.SOLD_TO_OTHER)
        if not (sold and self.outcome_on and self.received_on):
            return None
        if self.interim_last_day is None:
            self.compute_periods()
        if self.outcome_on < self.received_on:
            return {
                "outcome_on": (
                    f"The notice was received on {self.received_on:%-d %B %Y}: a sale under it "
                    "cannot be earlier."
                )
            }
        new_owner = self.owner_changed_by(self.outcome_on)
        if new_owner:
            return {
                "outcome_on": (
                    f"On {new_owner.disposed_on:%-d %B %Y} the place passed to a new owner "
                    f"({new_owner.get_exemption_display().lower()}): this notice was the "
                    "previous owner's, and the new owner must give a notice of their own."
                )
            }
        moratorium_last_day = self.moratorium_ends(request_days)
        in_moratorium = self.outcome_on <= moratorium_last_day
        if self.outcome == self.Outcome.SOLD_TO_COMMUNITY:
            holder = next((p for p in self.purchases.all() if p.runs_on(self.outcome_on)), None)
            if holder and self.buyer.strip().casefold() != holder.group_name.strip().casefold():
                return {
                    "buyer": (
                        f"{holder.group_name} holds the Community Right to Buy until "
                        f"{holder.right_last_day:%-d %B %Y}: until then the owner may sell only "
                        "to it."
                    )
                }
            if in_moratorium and self.buyer_type not in COMMUNITY_INTEREST_GROUPS:
                return {
                    "buyer_type": (
                        "During a moratorium the owner may sell only to a community interest "
                        "group: a parish council, a charity, a company limited by guarantee, "
                        "a co-operative or community benefit society, or a community interest "
                        "company."
                    )
                }
            return None
        if self.outcome_on > self.protected_last_day:
            return {
                "outcome_on": (
                    "The protected period ended on "
                    f"{self.protected_last_day:%-d %B %Y}: a sale after it needs a new "
                    "disposal notice."
                )
            }
        if in_moratorium:
            return {
                "outcome_on": (
                    "During a moratorium the owner may sell only to a community interest "
                    "group; a sale to anyone else can happen from "
                    f"{moratorium_last_day + datetime.timedelta(days=1):%-d %B %Y}."
                )
            }
        return None

    def owner_changed_by(self, day):
        """The first exempt disposal (inheritance, gift, ...) after this notice and on or
        before `day`: from then the place has a new owner, whom this notice does not cover."""
        if not self.entry_id:
            return None
        return (
            ExemptDisposal.objects.filter(
                entry_id=self.entry_id, disposed_on__gt=self.received_on, disposed_on__lte=day
            )
            .order_by("disposed_on")
            .first()
        )

    def bid_window_problem(self, day, to_buy=False):
        """Why a request to bid (or, to_buy, a registration of intention to buy) received
        that day cannot be accepted under this notice's regime, or None."""
        if self.right_to_buy != to_buy:
            return (
                f"The notice of {self.received_on:%-d %B %Y} is governed by {self.regime.name}: "
                + (
                    "a community group registers its intention to buy instead of asking to bid."
                    if self.right_to_buy
                    else "it gives a right to bid, not the Community Right to Buy."
                )
            )
        if self.interim_last_day is None:
            self.compute_periods()
        if self.received_on <= day <= self.interim_last_day:
            return None
        window = period_counted_from(
            Clock.INTERIM_MORATORIUM, self.received_on, f"{self.received_on:%-d %B %Y}"
        )
        what = "An intention to buy" if to_buy else "A request to bid"
        return (
            f"{what} must reach the council within the {window}, "
            f"that is by {self.interim_last_day:%-d %B %Y}."
        )

    def clean(self):
        if not self.received_on:
            return
        problem = before_any_regime(self.received_on, "a notice received")
        if problem:
            raise ValidationError({"received_on": problem})
        self.compute_periods()
        earlier = (
            DisposalNotice.objects.filter(
                entry_id=self.entry_id,
                received_on__lte=self.received_on,
                protected_last_day__gte=self.received_on,
            )
            .exclude(pk=self.pk)
            .first()
        )
        # The protected period is the notifying owner's: a new owner gives their own notice.
        if earlier and not earlier.owner_changed_by(self.received_on):
            raise ValidationError(
                {
                    "received_on": (
                        "The protected period from the notice of "
                        f"{earlier.received_on:%-d %B %Y} runs until "
                        f"{earlier.protected_last_day:%-d %B %Y}: no new moratorium can "
                        "start before then."
                    )
                }
            )
        if self.outcome != self.Outcome.PENDING and not self.outcome_on:
            raise ValidationError({"outcome_on": "Give the date of the sale or withdrawal."})
        # Requests typed into the same admin form as a new notice are checked by that form.
        problem = self.sale_problem(self.saved_request_days())
        if problem:
            raise ValidationError(problem)


class BidderRequest(models.Model):
    """A community interest group's written request to be treated as a potential bidder."""

    notice = ParentalKey(DisposalNotice, on_delete=models.CASCADE, related_name="bidder_requests")
    group_name = models.CharField(max_length=255)
    group_type = models.CharField(max_length=40, choices=BodyType.choices)
    has_local_connection = models.BooleanField(default=True)
    received_on = models.DateField()

    class Meta:
        ordering = ["received_on"]

    def __str__(self):
        return f"{self.group_name} ({self.received_on})"

    def clean(self):
        problems = bidder_problems(Body(self.group_type, self.has_local_connection))
        if problems:
            raise ValidationError({"group_type": problems})
        # A notice recorded in the same admin form is not attached yet; that form checks.
        notice = getattr(self, "notice", None)
        problem = notice and self.received_on and notice.bid_window_problem(self.received_on)
        if problem:
            raise ValidationError({"received_on": problem})
        if notice and notice.pk and self.received_on:
            others = notice.bidder_requests.exclude(pk=self.pk).values_list(
                "received_on", flat=True
            )
            sale = notice.sale_problem([*others, self.received_on])
            if sale:
                raise ValidationError(
                    {
                        "received_on": (
                            f"This request starts the full moratorium, in which the sale "
                            f"recorded on {notice.outcome_on:%-d %B %Y} is not allowed: "
                            f"{next(iter(sale.values()))}"
                        )
                    }
                )


class ExemptDisposal(models.Model):
    """A disposal the moratorium does not catch (s.95(5), Reg 13 and Sch 3)."""

    class Exemption(models.TextChoices):
        GIFT = "gift", "A gift, including to trustees"
        ESTATE = "estate", "By personal representatives (will, intestacy, debts and taxes)"
        FAMILY = "family", "Between members of a family"
        COURT_ORDER = "court_order", "Under a court or tribunal order"
        SEPARATION = "separation", "Under a separation agreement"
        INCAPACITY = "incapacity", "Under statutory incapacity provisions"
        PLANNING_OBLIGATION = "planning_obligation", "Under a planning obligation (s.106)"
        PRIOR_OPTION = (
            "prior_option",
            ("Exercising an option or pre-emption right agreed before listing"),
        )
        CLOSED_CHURCH = "closed_church", "A closed Church of England church"
        HEALTH_SERVICE = "health_service", "For continuing health-service provision"
        SCHOOL = "school", "For a school, further education or a 16-19 academy"
        STATUTORY = "statutory", "A statutory requirement the moratorium would prevent"
        TRUST = "trust", "Trustee changes or trust dispositions"
        PARTNERSHIP = "partnership", "A partner joining or leaving a partnership"
        GOING_CONCERN = "going_concern", "A business sold as a going concern with the land"
        INSOLVENCY = "insolvency", "An insolvency or bankruptcy disposal"
        OTHER = "other", "Another exemption (say which in the note)"

    entry = ParentalKey(ListEntry, on_delete=models.CASCADE, related_name="exempt_disposals")
    disposed_on = models.DateField()
    exemption = models.CharField(max_length=30, choices=Exemption.choices)
    new_owner = models.CharField(
        max_length=255,
        blank=True,
        help_text="Who owns the place now: an owner's notice to sell covers only that owner.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["disposed_on"]

    def __str__(self):
        return f"Exempt disposal ({self.get_exemption_display()}) on {self.disposed_on}"

    def clean(self):
        if self.exemption == self.Exemption.OTHER and not self.note.strip():
            raise ValidationError({"note": "Say which exemption applies."})
        # A sale already recorded under the previous owner's notice cannot follow this.
        entry = getattr(self, "entry", None)
        sold_after = (
            entry
            and entry.pk
            and self.disposed_on
            and DisposalNotice.objects.filter(
                entry=entry,
                received_on__lt=self.disposed_on,
                outcome=DisposalNotice.Outcome.SOLD_TO_OTHER,
                outcome_on__gte=self.disposed_on,
            ).first()
        )
        if sold_after:
            raise ValidationError(
                {
                    "disposed_on": (
                        f"A sale on {sold_after.outcome_on:%-d %B %Y} is recorded under the notice "
                        f"of {sold_after.received_on:%-d %B %Y}: if the place changed hands "
                        "before it, that sale needed the new owner's own notice."
                    )
                }
            )
