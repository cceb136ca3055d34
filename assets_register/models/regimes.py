"""The statutory regimes: the periods of the law in force from a date, as data.

Nothing else in the register writes a period's length or its wording: dates come from
`regime_last_day`, and pages, emails and forms say "eight weeks" through `period_words`
(or its lazy twin for text made at import time), so a change in the law is a new regime.
"""

import contextlib
import contextvars
import dataclasses
import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import lazy

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from assets_register.core.caching import content_version
from assets_register.core.prepared import PreparedQuery
from assets_register.law.statutory import Counting, Period, Unit


class Clock(models.TextChoices):
    """The clocks the register applies. What starts each, how long it runs and what it
    means are the regime's data (RegimePeriod)."""

    DECISION = "decision", "Council decision on a nomination"
    LISTING = "listing", "Listing"
    FUTURE_USE = "future_use", "Realistic future community use (s.88(2)(b))"
    REVIEW_REQUEST = "review_request", "Owner's review request"
    REVIEW_DECISION = "review_decision", "Review decision"
    APPEAL = "appeal", "Tribunal appeal"
    INTERIM_MORATORIUM = "interim_moratorium", "Interim moratorium"
    FULL_MORATORIUM = "full_moratorium", "Full moratorium"
    PROTECTED_PERIOD = "protected_period", "Protected period"
    COMPENSATION_CLAIM = "compensation_claim", "Compensation claim"
    COMPENSATION_REVIEW = "compensation_review", "Compensation review"


# What a regime may change besides its clocks; each is inherited when left empty.
RULES = (
    "community_right_to_buy",
    "economic_wellbeing",
    "past_use_must_be_recent",
    "sports_grounds_route",
)


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
    # The rules besides the clocks: empty means "as the regime before".
    community_right_to_buy = models.BooleanField(
        null=True,
        blank=True,
        help_text="A community interest group that registers its intention to buy gets the "
        "first chance to buy (the 2026 Act), instead of only a moratorium to bid.",
    )
    economic_wellbeing = models.BooleanField(
        "economic wellbeing counts",
        null=True,
        blank=True,
        help_text="Land is of community value if its use furthers the community's economic, "
        "not only social, wellbeing.",
    )
    past_use_must_be_recent = models.BooleanField(
        "past use must be recent",
        null=True,
        blank=True,
        help_text="A past use counts only if it was 'in the recent past' (s.88(2)).",
    )
    sports_grounds_route = models.BooleanField(
        "separate route for sports grounds", null=True, blank=True
    )

    objects = RegimeQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("enacted_on"), FieldPanel("takes_effect"), FieldPanel("source")]),
        FieldPanel("notes"),
        FieldRowPanel([FieldPanel(rule) for rule in RULES], heading="Rules (empty: as before)"),
    ]

    class Meta:
        ordering = ["-takes_effect"]

    def __str__(self):
        if self.takes_effect is None:
            return f"{self.name} (awaiting commencement)"
        return f"{self.name} (from {self.takes_effect:%-d %B %Y})"

    def period(self, clock) -> Period:
        """The regime's own period for the clock, else the one in force before it: a change
        in the law sets only what it changes and inherits the rest (a row left without its
        trigger or meaning takes them from the earlier row)."""
        rows = [row for regime in self._lineage() for row in regime.periods.all()]
        rows = [row for row in rows if row.clock == clock]
        if not rows:
            raise ValidationError(f"{self} does not set the {Clock(clock).label.lower()} period.")
        return dataclasses.replace(
            rows[0].as_period(),
            trigger_event=next((row.trigger_event for row in rows if row.trigger_event), ""),
            meaning=next((row.meaning for row in rows if row.meaning), ""),
        )

    def rule(self, name) -> bool:
        """One of RULES as this regime sets it or inherits it (False if none sets it)."""
        for regime in self._lineage():
            if getattr(regime, name) is not None:
                return getattr(regime, name)
        return False

    def own_period_row(self, clock):
        return next((row for row in self.periods.all() if row.clock == clock), None)

    def _lineage(self):
        yield self
        earlier = getattr(self, "earlier_regimes", None)
        if earlier is None:  # read only when this regime lacks what is asked
            earlier = StatutoryRegime.objects.commenced().order_by("-takes_effect")
            if self.takes_effect is not None:
                earlier = earlier.filter(takes_effect__lt=self.takes_effect)
            earlier = earlier.prefetch_related("periods")
        yield from earlier

    def last_day(self, clock, trigger: datetime.date) -> datetime.date:
        return self.period(clock).last_day(trigger)


class RegimePeriod(models.Model):
    """One clock as a regime sets it: how long, how counted, what starts it and what it
    means, in the words pages and letters use."""

    regime = ParentalKey(StatutoryRegime, on_delete=models.CASCADE, related_name="periods")
    clock = models.CharField(max_length=30, choices=Clock.choices)
    length = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=10, choices=[(u.value, u.value) for u in Unit])
    counting = models.CharField(
        max_length=20,
        choices=[
            (Counting.BEGINNING_WITH.value, "beginning with the day it starts"),
            (Counting.AFTER.value, "after the day it starts"),
            (
                Counting.AFTER_TO_WORKING_DAY.value,
                "after the day it starts, ending on a working day (tribunal rule)",
            ),
        ],
        default=Counting.BEGINNING_WITH.value,
        help_text="With the tribunal rule, a last day on a Saturday, Sunday or bank holiday "
        "in England and Wales moves to the next working day.",
    )
    trigger_event = models.CharField(
        "what starts it",
        max_length=200,
        blank=True,
        help_text="Completes 'beginning with the day …', e.g. 'the council receives the "
        "nomination'. Empty: as in the regime before.",
    )
    meaning = models.CharField(
        "what it means",
        max_length=300,
        blank=True,
        help_text="In plain English, e.g. 'The council decides whether to list the land'. "
        "Empty: as in the regime before.",
    )
    to_be_confirmed = models.BooleanField(
        default=False, help_text="Announced, but regulations have still to confirm it."
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("clock"),
                FieldPanel("length"),
                FieldPanel("unit"),
                FieldPanel("counting"),
            ]
        ),
        FieldRowPanel(
            [FieldPanel("trigger_event"), FieldPanel("meaning"), FieldPanel("to_be_confirmed")]
        ),
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
            self.length, Unit(self.unit), Counting(self.counting), self.trigger_event, self.meaning
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


# The RegimeBook that read-only work over many cases has opened, if any (see in_use).
_book_in_use = contextvars.ContextVar("regime_book_in_use", default=None)


def regime_in_force(day: datetime.date) -> StatutoryRegime:
    """The regime in force on `day`: from the RegimeBook in use, if any, else read."""
    book = _book_in_use.get()
    if book is not None:
        return book.in_force_on(day)
    return StatutoryRegime.objects.in_force_on(day)


def regime_last_day(clock, trigger):
    book = _book_in_use.get()
    if book is not None:
        return book.period(clock, trigger).last_day(trigger)
    return StatutoryRegime.objects.in_force_on(trigger).last_day(clock, trigger)


class RegimeBook:
    """Every regime with its periods (commenced_regimes) when first asked, for work that
    asks about many days at once, such as a council's calendar of deadlines, or a page
    that words several periods."""

    @functools.cached_property
    def _regimes(self):
        return commenced_regimes()

    def in_force_on(self, day: datetime.date) -> StatutoryRegime:
        for regime in self._regimes:
            if regime.takes_effect <= day:
                return regime
        raise StatutoryRegime.DoesNotExist(f"No statutory regime was in force on {day}.")

    def period(self, clock, day: datetime.date) -> Period:
        return self.in_force_on(day).period(clock)

    @contextlib.contextmanager
    def in_use(self):
        """Inside the block every model's statutory date (a review's decision due, an
        entry's last day to ask for a review, ...) is counted, and every period worded
        (period_words), from this book instead of queries per case. For reading only: a
        regime edited inside the block is not seen."""
        token = _book_in_use.set(self)
        try:
            yield self
        finally:
            _book_in_use.reset(token)


def period_in_force(clock, day: datetime.date | None = None) -> Period:
    """The period the regime in force on `day` (today by default) sets for a clock."""
    day = day or timezone.localdate()
    book = _book_in_use.get()
    if book is not None:
        return book.period(clock, day)
    return StatutoryRegime.objects.prefetch_related("periods").in_force_on(day).period(clock)


def period_words(clock, day: datetime.date | None = None) -> str:
    """'eight weeks', 'six months': the period as pages and emails say it."""
    return period_in_force(clock, day).in_words()


def period_counted_from(clock, day: datetime.date | None = None, trigger: str | None = None):
    """'eight weeks beginning with the day the council receives the nomination': the
    regime's length, counting and trigger event (or the day a caller names)."""
    return period_in_force(clock, day).counted_from(trigger)


# For text built when a module loads (help texts, field meanings): read when shown.
period_words_lazy = lazy(period_words, str)


def commenced_regimes():
    """Every commenced regime with its periods, newest first, each knowing the earlier
    ones: read once per process and content version, which an edit of the law moves
    (register.signals), not on every page that words a period (a third of an ACV list's
    time). The regimes are shared: for reading only."""
    version = content_version()
    regimes = _commenced.get(version)
    if regimes is None:
        regimes = _commenced_regimes()
        for index, regime in enumerate(regimes):
            regime.earlier_regimes = regimes[index + 1 :]
        _commenced.clear()
        _commenced[version] = regimes
    return regimes


_commenced = {}  # content version: commenced_regimes()
_commenced_regimes = PreparedQuery(
    lambda: (
        StatutoryRegime.objects.commenced().prefetch_related("periods").order_by("-takes_effect")
    ),
    slots={},
)
