"""The Community Right to Buy (English Devolution and Community Empowerment Act 2026), for
notices governed by a regime that grants it: a community interest group that registers its
intention to buy inside the interim window gets the first chance to buy, at a price agreed or
set by an independent valuer, until the full moratorium ends; meanwhile the owner may sell to
nobody else. The right ends early if the group withdraws or if, on the owner's request for a
progress check, the council finds the group is not making progress."""

from django.core.exceptions import ValidationError
from django.db import models

from modelcluster.fields import ParentalKey

from assets_register.law.eligibility import Body, BodyType, bidder_problems

# Each step's date field and the step that must come first (None: registration itself).
STEPS = (
    ("registered_on", None),
    ("progress_check_requested_on", "registered_on"),
    ("progress_check_decided_on", "progress_check_requested_on"),
    ("valuation_requested_on", "registered_on"),
    ("valued_on", "valuation_requested_on"),
    ("offer_made_on", "registered_on"),
    ("accepted_on", "offer_made_on"),
    ("completed_on", "accepted_on"),
)
# Steps the right itself must cover: later ones are refused once it has ended.
STEPS_WHILE_RUNNING = ("valuation_requested_on", "offer_made_on", "accepted_on")


class CommunityPurchase(models.Model):
    notice = ParentalKey("DisposalNotice", on_delete=models.CASCADE, related_name="purchases")
    group_name = models.CharField(max_length=255)
    group_type = models.CharField(max_length=40, choices=BodyType.choices)
    has_local_connection = models.BooleanField(default=True)
    registered_on = models.DateField("intention to buy registered")
    progress_check_requested_on = models.DateField(
        "owner asked for a progress check", null=True, blank=True
    )
    progress_check_decided_on = models.DateField(
        "council decided the progress check", null=True, blank=True
    )
    making_progress = models.BooleanField(
        "the group is making progress",
        null=True,
        blank=True,
        help_text="The council's finding on the owner's request: 'No' ends the right that day.",
    )
    valuation_requested_on = models.DateField(
        "independent valuation asked for", null=True, blank=True
    )
    valued_on = models.DateField("valuer's price given", null=True, blank=True)
    valuation_price = models.DecimalField(
        "market value set by the valuer", max_digits=12, decimal_places=2, null=True, blank=True
    )
    offer_made_on = models.DateField("group's offer made", null=True, blank=True)
    offer_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    accepted_on = models.DateField("owner accepted the offer", null=True, blank=True)
    completed_on = models.DateField("purchase completed", null=True, blank=True)
    withdrawn_on = models.DateField("group withdrew", null=True, blank=True)

    class Meta:
        ordering = ["registered_on"]
        constraints = [
            models.UniqueConstraint(fields=["notice"], name="one_right_to_buy_per_notice"),
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True) | models.Q(withdrawn_on__isnull=True),
                name="right_to_buy_completed_or_withdrawn",
            ),
            models.CheckConstraint(
                condition=models.Q(valued_on__isnull=True) | models.Q(valuation_price__gte=0),
                name="right_to_buy_valuation_has_price",
            ),
        ]

    def __str__(self):
        return f"{self.group_name}: intention to buy registered {self.registered_on}"

    @property
    def ended_early_on(self):
        """The day the right ended before the full moratorium's end, or None."""
        days = [self.withdrawn_on]
        if self.making_progress is False:
            days.append(self.progress_check_decided_on)
        days = [day for day in days if day]
        return min(days) if days else None

    @property
    def right_last_day(self):
        """The last day the group holds the right."""
        if self.notice.full_last_day is None:
            self.notice.compute_periods()
        full = self.notice.full_last_day
        return min(full, self.ended_early_on) if self.ended_early_on else full

    def runs_on(self, day) -> bool:
        return self.registered_on <= day <= self.right_last_day and (
            self.completed_on is None or day <= self.completed_on
        )

    @property
    def stage(self) -> str:
        """Where the purchase stands, as the public list says it."""
        if self.completed_on:
            return f"Bought by {self.group_name} on {self.completed_on:%-d %B %Y}"
        if self.withdrawn_on:
            return f"{self.group_name} withdrew on {self.withdrawn_on:%-d %B %Y}"
        if self.making_progress is False:
            return (
                f"Ended on {self.progress_check_decided_on:%-d %B %Y}: the council found "
                f"{self.group_name} was not making progress"
            )
        if self.accepted_on:
            return f"The owner accepted {self.group_name}'s offer on {self.accepted_on:%-d %B %Y}"
        if self.offer_made_on:
            return f"{self.group_name} made an offer on {self.offer_made_on:%-d %B %Y}"
        if self.valued_on:
            return f"An independent valuer set the price at £{self.valuation_price:,.0f}"
        if self.valuation_requested_on:
            return "Waiting for the independent valuer's price"
        return f"{self.group_name} registered its intention to buy"

    def clean(self):
        problems = bidder_problems(Body(self.group_type, self.has_local_connection))
        if problems:
            raise ValidationError({"group_type": problems})
        # A notice typed in the same admin form is not attached yet; that form checks.
        notice = getattr(self, "notice", None)
        problem = (
            notice
            and self.registered_on
            and notice.bid_window_problem(self.registered_on, to_buy=True)
        )
        if problem:
            raise ValidationError({"registered_on": problem})
        self._clean_steps(notice)

    def _clean_steps(self, notice):
        errors = {}
        for field, before in STEPS:
            day, earlier = getattr(self, field), before and getattr(self, before)
            if day and before and not earlier:
                errors[field] = f"Give the date the step before ({self._label(before)}) first."
            elif day and earlier and day < earlier:
                errors[field] = f"This cannot be before the date {self._label(before)}."
        if self.progress_check_decided_on and self.making_progress is None:
            errors["making_progress"] = "Say what the council found."
        if self.valued_on and self.valuation_price is None:
            errors["valuation_price"] = "Give the valuer's price."
        if self.offer_made_on and self.offer_price is None:
            errors["offer_price"] = "Give the price offered."
        if self.completed_on and self.withdrawn_on:
            errors["withdrawn_on"] = "A purchase that completed was not withdrawn."
        if notice is not None and notice.received_on and self.registered_on and not errors:
            last = self.right_last_day
            for field in STEPS_WHILE_RUNNING:
                day = getattr(self, field)
                if day and day > last:
                    errors[field] = (
                        f"The group's right to buy ended on {last:%-d %B %Y}: after that the "
                        "owner may sell to anyone."
                    )
        if errors:
            raise ValidationError(errors)

    def _label(self, field):
        return self._meta.get_field(field).verbose_name
