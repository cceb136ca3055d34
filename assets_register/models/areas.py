import re

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from assets_register.core.labels import ChoiceLabels
from assets_register.core.prepared import PreparedQuery
from assets_register.core.urls import reverse_one

GEOMETRY_FIELDS = ("boundary", "boundary_display")
# only() arguments for pages that name and link an area and select by it, nothing more.
NAMING_FIELDS = ("gss_code", "name", "kind")
GSS_CODE_REGEX = r"[A-Z][0-9]{8}"


def without_geometry(*paths):
    """defer() arguments that keep related areas' boundaries (kilobytes of GeoJSON each,
    decoded per row) out of a query that only wants their names."""
    return [f"{path}__{name}" for path in paths for name in GEOMETRY_FIELDS]


class AreaKind(models.TextChoices):
    COUNCIL = "council", "Council"
    WARD = "ward", "Ward"
    LSOA = "lsoa", "Neighbourhood (LSOA)"


# by_code's order of a code's boundary generations.
NEWEST_FIRST = (F("valid_from").desc(nulls_last=True), "-pk")


def normal_gss_code(code):
    """A GSS code given in any case or spacing as it is stored, or None if it is not one."""
    code = (code or "").strip().upper()
    return code if re.fullmatch(GSS_CODE_REGEX, code) else None


class AreaQuerySet(models.QuerySet):
    def current(self, on=None):
        """Areas whose boundary generation is in force on a date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )

    def with_code(self, code):
        """Every boundary generation of a GSS code, given in any case or spacing."""
        code = normal_gss_code(code)
        return self.filter(gss_code=code) if code else self.none()

    def by_code(self, code, kinds=None, on=None):
        """The area a GSS code names, by one policy everywhere: the generation in force on
        `on` (today by default), else the newest one, so an abolished ward's old links
        still work. An undated generation counts as the oldest on every database (SQLite
        and PostgreSQL sort NULLs at opposite ends unless told). None if unknown."""
        areas = self.with_code(code)
        if kinds:
            areas = areas.filter(kind__in=kinds)
        return (
            areas.current(on).order_by(*NEWEST_FIRST).first()
            or areas.order_by(*NEWEST_FIRST).first()
        )

    def councils(self):
        return self.filter(kind=AreaKind.COUNCIL)

    def wards(self):
        return self.filter(kind=AreaKind.WARD)


class Area(ChoiceLabels, models.Model):
    """A council, ward or LSOA. Boundary generations coexist through valid_from/valid_to."""

    gss_code = models.CharField("GSS code", max_length=9, db_index=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=AreaKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (WGS84)")
    boundary_display = models.JSONField(
        null=True, blank=True, help_text="Simplified copy of the boundary for maps"
    )
    min_longitude = models.FloatField(null=True, blank=True)
    min_latitude = models.FloatField(null=True, blank=True)
    max_longitude = models.FloatField(null=True, blank=True)
    max_latitude = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    imd_rank = models.PositiveIntegerField(
        "IMD 2019 rank", null=True, blank=True, help_text="1 is the most deprived"
    )
    imd_decile = models.PositiveSmallIntegerField(
        "IMD 2019 decile", null=True, blank=True, help_text="1 is the most deprived 10%"
    )
    # IMD 2025 is published for 2021 LSOAs: kept for the 2011 LSOAs whose code did not change.
    imd_2025_rank = models.PositiveIntegerField(
        "IMD 2025 rank", null=True, blank=True, help_text="1 is the most deprived"
    )
    imd_2025_decile = models.PositiveSmallIntegerField(
        "IMD 2025 decile", null=True, blank=True, help_text="1 is the most deprived 10%"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        indexes = [
            # Locating one point (geo.spatial.locate_point) reads the boxes, not the rows.
            models.Index(
                fields=["min_longitude", "max_longitude", "min_latitude", "max_latitude"],
                name="area_bbox",
            ),
            # Search by area name scans this, not the rows: on SQLite a row's boundary
            # (kilobytes) lies between its name and its dates. Name first, so that the
            # default ordering (kind, name) never walks it instead of a filter's index.
            models.Index(fields=["name", "kind", "valid_from", "valid_to"], name="area_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["gss_code", "valid_from"], name="area_unique_code_generation"
            ),
            models.UniqueConstraint(
                fields=["gss_code"],
                condition=Q(valid_from__isnull=True),
                name="area_unique_code_undated",
            ),
            models.CheckConstraint(
                condition=Q(imd_decile__isnull=True) | Q(imd_decile__gte=1, imd_decile__lte=10),
                name="area_imd_decile_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="area_valid_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display().lower()})"

    def get_absolute_url(self):
        return reverse_one("area_detail", self.gss_code)

    @property
    def bbox(self):
        if self.min_longitude is None:
            return None
        return (self.min_longitude, self.min_latitude, self.max_longitude, self.max_latitude)


def prepared_by_code(areas):
    """by_code over this selection of areas (a queryset of Area choosing its columns) as a
    function (code, kinds=()) -> area or None whose usual query, the generation in force
    today, is compiled once (core.prepared). A code with none in force goes to by_code."""
    in_force = PreparedQuery(
        lambda on, kinds, code: (
            areas.filter(gss_code=code, **({"kind__in": kinds} if kinds else {}))
            .current(on)
            .order_by(*NEWEST_FIRST)[:1]
        ),
        slots={"code": str},
    )

    def by_code(code, kinds=()):
        code = normal_gss_code(code)
        if code is None:
            return None
        on, kinds = timezone.localdate(), tuple(kinds)
        found = in_force(on=on, kinds=kinds, code=code)
        return found[0] if found else areas.by_code(code, kinds=kinds, on=on)

    return by_code


# What pages that name and link an area look it up with.
named_area = prepared_by_code(Area.objects.only(*NAMING_FIELDS))
