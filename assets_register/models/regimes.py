"""The statutory regimes: the periods of the law in force from a date, as data.

Nothing else in the register writes a period's length or its wording: dates come from
`regime_last_day`, and pages, emails and forms say "eight weeks" through `period_words`
(or its lazy twin for text made at import time), so a change in the law is a new regime.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import lazy

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from assets_register.law.statutory import Counting, Period, Unit


class Clock(models.TextChoices):
    DECISION = "decision", "Council decision on a nomination (from receipt)"
    LISTING = "listing", "Listing (from the date of the list entry)"
    FUTURE_USE = "future_use", "Realistic future community use (s.88(2)(b), from the decision)"
    REVIEW_REQUEST = "review_request", "Owner's review request (from notice of listing)"
    REVIEW_DECISION = "review_decision", "Review decision (from the review request)"
    APPEAL = "appeal", "Tribunal appeal (after the review decision is sent)"
    INTERIM_MORATORIUM = "interim_moratorium", "Interim moratorium (from the disposal notice)"
    FULL_MORATORIUM = "full_moratorium", "Full moratorium (from the disposal notice)"
    PROTECTED_PERIOD = "protected_period", "Protected period (from the disposal notice)"
    COMPENSATION_CLAIM = "compensation_claim", "Compensation claim (after the loss)"
    COMPENSATION_REVIEW = "compensation_review", "Compensation review (from the written reasons)"


class RegimeQuerySet(models.QuerySet):
    def commenced(self):
        return self.filter(takes_effect__isnull=False)

    def awaiting_commencement(self):
        return self.filter(takes_effect__isnull=True)

    def in_force_on(self, day: datetime.date):
        """The regime that governs something that happened on `day`."""
        regime = self.filter(takes_effect__lte=day).order_by("-takes_effect").first()
        if regime is None:
            raise StatutoryRegime.DoesNotExist(f"No statutory regime was in force on {day}.")
        return regime


class StatutoryRegime(ClusterableModel):
    """The periods of the law in force from a date: the 2012 Regulations, or a later
    change such as the Community Right to Buy's moratorium. A regime enacted but not yet
    commenced has no date it takes effect: it is shown, never applied."""

    name = models.CharField(max_length=200)
    takes_effect = models.DateField(
        unique=True,
        null=True,
        blank=True,
        help_text="Leave empty while the law awaits commencement regulations.",
    )
    enacted_on = models.DateField(null=True, blank=True, help_text="Royal Assent or making")
    source = models.URLField(blank=True, help_text="The legislation that sets these periods")
    notes = models.TextField(
        blank=True, help_text="What is known and what regulations have still to confirm"
    )

    objects = RegimeQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("enacted_on"), FieldPanel("takes_effect"), FieldPanel("source")]),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["-takes_effect"]

    def __str__(self):
        if self.takes_effect is None:
            return f"{self.name} (awaiting commencement)"
        return f"{self.name} (from {self.takes_effect:%-d %B %Y})"

    def period(self, clock) -> Period:
        """The regime's own period for the clock, else the one in force before it: a change
        in the law sets only what it changes and inherits the rest."""
        for regime in self._lineage():
            for row in regime.periods.all():
                if row.clock == clock:
                    return row.as_period()
        raise ValidationError(f"{self} does not set the {Clock(clock).label.lower()} period.")

    def _lineage(self):
        yield self
        earlier = getattr(self, "earlier_regimes", None)
        if earlier is None:  # read only when this regime lacks the clock
            earlier = (
                StatutoryRegime.objects.filter(takes_effect__lt=self.takes_effect)
                .order_by("-takes_effect")
                .prefetch_related("periods")
            )
        yield from earlier

    def last_day(self, clock, trigger: datetime.date) -> datetime.date:
        return self.period(clock).last_day(trigger)


class RegimePeriod(models.Model):
    regime = ParentalKey(StatutoryRegime, on_delete=models.CASCADE, related_name="periods")
    clock = models.CharField(max_length=30, choices=Clock.choices)
    length = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=10, choices=[(u.value, u.value) for u in Unit])
    counting = models.CharField(
        max_length=20,
        choices=[
            (Counting.BEGINNING_WITH.value, "beginning with the trigger day"),
            (Counting.AFTER.value, "after the trigger day"),
        ],
        default=Counting.BEGINNING_WITH.value,
    )
    ends_on_working_day = models.BooleanField(
        default=False,
        help_text=(
            "A last day on a Saturday, Sunday or bank holiday in England and Wales moves to "
            "the next working day (the tribunal's rule for appeals)."
        ),
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("clock"),
                FieldPanel("length"),
                FieldPanel("unit"),
                FieldPanel("counting"),
                FieldPanel("ends_on_working_day"),
            ]
        )
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["regime", "clock"], name="regime_one_period_per_clock"),
            models.CheckConstraint(
                condition=models.Q(length__gte=1), name="regime_period_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_clock_display()}: {self.as_period()}"

    def as_period(self) -> Period:
        return Period(
            self.length, Unit(self.unit), Counting(self.counting), self.ends_on_working_day
        )


def before_any_regime(day: datetime.date | None, what: str):
    """Why nothing can be counted from `day`, or None: the first regime began later."""
    first = StatutoryRegime.objects.commenced().order_by("takes_effect").first()
    if day is None or (first and day >= first.takes_effect):
        return None
    start = f"{first.takes_effect:%-d %B %Y}" if first else "a regime is entered"
    return (
        f"The Community Right to Bid applies from {start}; {what} earlier than that has no "
        "statutory dates. Check the date."
    )


def regime_last_day(clock, trigger):
    return StatutoryRegime.objects.in_force_on(trigger).last_day(clock, trigger)


class RegimeBook:
    """Every regime with its periods, read once (two queries), for work that asks about
    many days at once, such as a council's calendar of deadlines."""

    def __init__(self):
        regimes = (
            StatutoryRegime.objects.commenced()
            .prefetch_related("periods")
            .order_by("-takes_effect")
        )
        self._regimes = list(regimes)
        for index, regime in enumerate(self._regimes):
            regime.earlier_regimes = self._regimes[index + 1 :]

    def in_force_on(self, day: datetime.date) -> StatutoryRegime:
        for regime in self._regimes:
            if regime.takes_effect <= day:
                return regime
        raise StatutoryRegime.DoesNotExist(f"No statutory regime was in force on {day}.")

    def period(self, clock, day: datetime.date) -> Period:
        return self.in_force_on(day).period(clock)


def period_in_force(clock, day: datetime.date | None = None) -> Period:
    """The period the regime in force on `day` (today by default) sets for a clock."""
    day = day or timezone.localdate()
    return StatutoryRegime.objects.prefetch_related("periods").in_force_on(day).period(clock)


def period_words(clock, day: datetime.date | None = None) -> str:
    """'eight weeks', 'six months': the period as pages and emails say it."""
    return period_in_force(clock, day).in_words()


def period_counted_from(clock, trigger: str, day: datetime.date | None = None) -> str:
    """'eight weeks beginning with the notice of listing', with the regime's counting."""
    return period_in_force(clock, day).counted_from(trigger)


# For text built when a module loads (help texts, field meanings): read when shown.
period_words_lazy = lazy(period_words, str)
