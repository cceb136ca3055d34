from django.db import models
from django.db.models import Q

from assets_register.models.areas import AreaKind


class IndicatorSnapshotQuerySet(models.QuerySet):
    def newest(self):
        return self.newest_first().first()

    def newest_first(self):
        return self.order_by("-computed_at", "-pk")


class IndicatorSnapshot(models.Model):
    """One computation of the 'losing places to meet' figures for every current area.

    The rules in force when it was computed are kept with it, so a page always explains
    the flags with the thresholds that actually produced them.
    """

    computed_at = models.DateTimeField()
    reference_date = models.DateField(help_text="'Now' for the figures: the day computed")
    period_years = models.PositiveSmallIntegerField(
        help_text="Years of change behind the flags and percentiles"
    )
    rules = models.JSONField(help_text="The flag thresholds used (see indicators.Rules)")
    area_count = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0, help_text="How long the computation took")
    # Per kind of place and source: places, and the earliest dated evidence of any of them
    # (what the history rests on; before it, places are assumed open).
    evidence = models.JSONField(default=list, blank=True)

    objects = IndicatorSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at"]
        get_latest_by = "computed_at"

    def __str__(self):
        return f"Indicators as of {self.reference_date} ({self.area_count} areas)"


class AreaIndicator(models.Model):
    """The figures and flags for one area in one snapshot.

    Rates are null when the area has no population figure: pages then show counts only.
    Counts in the past are on today's boundaries, so change compares like with like.
    """

    snapshot = models.ForeignKey(IndicatorSnapshot, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey("Area", on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(max_length=10, choices=AreaKind.choices)
    council = models.ForeignKey(
        "Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The council the area belongs to, for within-council percentiles",
    )
    population = models.PositiveIntegerField(null=True, blank=True)
    open_now = models.PositiveIntegerField()
    open_5y_ago = models.PositiveIntegerField()
    open_10y_ago = models.PositiveIntegerField()
    # Open places on each anniversary of the reference date, oldest first (11 values).
    open_by_year = models.JSONField(default=list)
    per_1000_now = models.FloatField(null=True, blank=True)
    per_1000_5y_ago = models.FloatField(null=True, blank=True)
    per_1000_10y_ago = models.FloatField(null=True, blank=True)
    change_5y = models.IntegerField()
    change_10y = models.IntegerField()
    closures_5y = models.PositiveIntegerField()
    openings_5y = models.PositiveIntegerField()
    closures_10y = models.PositiveIntegerField()
    openings_10y = models.PositiveIntegerField()
    change_per_1000 = models.FloatField(
        null=True, blank=True, help_text="Net change over the snapshot's period, per 1,000"
    )
    percentile_national = models.FloatField(
        null=True,
        blank=True,
        help_text="Share of areas of this kind whose change per 1,000 was as bad or worse",
    )
    percentile_in_council = models.FloatField(null=True, blank=True)
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    imd_rank = models.FloatField(
        null=True,
        blank=True,
        help_text="The area's IMD rank (1 is the most deprived), or its LSOAs' average rank",
    )
    imd_edition = models.CharField(
        max_length=20, blank=True, help_text="The IMD edition published for this geography"
    )
    imd_from_lsoas = models.BooleanField(
        default=False, help_text="Decile of the average IMD rank of the area's LSOAs"
    )
    losing_places = models.BooleanField(default=False)
    left_behind_risk = models.BooleanField(default=False)
    # Of open_by_year, the places counted open that year with no dated evidence of them
    # until later: assumed open, not known to be (a list of what exists now has no past).
    assumed_by_year = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["area__name"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "area"], name="indicator_one_per_area"),
            models.CheckConstraint(
                condition=Q(left_behind_risk=False) | Q(losing_places=True),
                name="indicator_left_behind_is_losing",
            ),
            models.CheckConstraint(
                condition=Q(population__isnull=False) | Q(per_1000_now__isnull=True),
                name="indicator_no_rate_without_population",
            ),
        ]
        indexes = [models.Index(fields=["snapshot", "kind"])]

    def __str__(self):
        return f"{self.area} indicators"

    def assumed_ago(self, years):
        """Of those open `years` ago, how many are assumed (no dated evidence until later);
        None for a snapshot from before this was counted."""
        values = self.assumed_by_year or []
        return values[-1 - years] if len(values) > years else None

    @property
    def assumed_5y_ago(self):
        return self.assumed_ago(5)

    @property
    def assumed_10y_ago(self):
        return self.assumed_ago(10)

    @property
    def imd_label(self):
        """'IMD 2019' or 'IMD 2019, from its LSOAs', '' when unknown."""
        if not self.imd_decile:
            return ""
        return f"{self.imd_edition or 'IMD'}{', from its LSOAs' if self.imd_from_lsoas else ''}"

    @property
    def change(self):
        return self.change_10y if self.snapshot.period_years == 10 else self.change_5y

    @property
    def closures(self):
        return self.closures_10y if self.snapshot.period_years == 10 else self.closures_5y

    @property
    def openings(self):
        return self.openings_10y if self.snapshot.period_years == 10 else self.openings_5y


class AreaIndicatorDetail(models.Model):
    """What an area's own page lists beside its figures in a snapshot, worked out in the
    same pass, so the page need not count again while no edit waits (PendingRecompute):
    the evidence its history rests on, the period's closures its figures count, and its
    newest closures of any kind of place. Apart from AreaIndicator, whose many-row
    readers (map, table, CSV) never want them."""

    snapshot = models.ForeignKey(IndicatorSnapshot, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("Area", on_delete=models.CASCADE, related_name="+")
    # As IndicatorSnapshot.evidence, for this area's places.
    evidence = models.JSONField(default=list, blank=True)
    # Pks of the closing events its closure count counts (places to meet, in the period),
    # newest first, at most LISTED.
    places_lost = models.JSONField(default=list, blank=True)
    # Pks of its live places' newest CLOSURE_KINDS events, any kind of place, any date:
    # the page's 'Recent closures'. At most LISTED, newest first.
    newest_closures = models.JSONField(default=list, blank=True)

    LISTED = 20

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "area"], name="indicator_detail_one_per_area"
            )
        ]

    def __str__(self):
        return f"{self.area_id} indicator detail"


class PendingRecompute(models.Model):
    """Edits waiting for the figures to be recomputed: at most one row, made by the first
    edit of a burst, which queues one task to run a little later. Later edits only count
    themselves in; the task deletes the row as it starts, so edits during its run make a
    new row and a new task."""

    key = models.CharField(max_length=20, unique=True, default="indicators")
    requested_at = models.DateTimeField(help_text="The first edit of the burst")
    run_after = models.DateTimeField(help_text="When the queued recompute may start")
    edits = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"{self.edits} edit(s) since {self.requested_at:%Y-%m-%d %H:%M}"
