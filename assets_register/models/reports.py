"""Residents' reports: news of a place, a missing place or a correction. Nothing in one is
public until a moderator accepts it; the reporter's email never is."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q

from assets_register.core.tokens import random_token
from assets_register.models.assets import UK_LATITUDE_RANGE, UK_LONGITUDE_RANGE, Category, EventKind


def private_storage():
    """Photos wait here, outside MEDIA_ROOT, until accepted: no URL reaches them directly."""
    return storages["private"]


new_token = random_token  # named by migration 0012


class ReportKind(models.TextChoices):
    CLOSED = "closed", "It has closed"
    AT_RISK = "at_risk", "It is at risk"
    FOR_SALE = "listed_for_sale", "It is for sale"
    REOPENED = "reopened", "It has reopened"
    MISSING = "missing", "A place that is missing from the register"
    CORRECTION = "correction", "Something is wrong"


# What accepting each kind of news adds to the asset's timeline.
EVENT_OF_REPORT = {
    ReportKind.CLOSED: EventKind.CLOSED,
    ReportKind.AT_RISK: EventKind.AT_RISK,
    ReportKind.FOR_SALE: EventKind.LISTED_FOR_SALE,
    ReportKind.REOPENED: EventKind.REOPENED,
}


class ReportStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Waiting for the reporter to confirm their email"
    PENDING = "pending", "Waiting for a moderator"
    ACCEPTED = "accepted", "Accepted"
    MERGED = "merged", "Merged with a duplicate"
    REJECTED = "rejected", "Rejected"


class ReportQuerySet(models.QuerySet):
    def in_queue(self):
        return self.filter(status=ReportStatus.PENDING)

    def moderatable(self):
        """What moderators see: everything the reporter has confirmed."""
        return self.exclude(status=ReportStatus.UNCONFIRMED)


class Report(models.Model):
    kind = models.CharField("what is the news?", max_length=20, choices=ReportKind.choices)
    asset = models.ForeignKey(
        "Asset", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    council = models.ForeignKey(
        "Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        limit_choices_to={"kind": "council"},
        help_text="Whose moderators see it: found from the place.",
    )
    place_name = models.CharField("name of the place", max_length=255, blank=True)
    category = models.CharField(
        "kind of place", max_length=30, choices=Category.choices, blank=True
    )
    address = models.CharField(max_length=255, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    happened_on = models.DateField("when did it happen?", null=True, blank=True)
    details = models.TextField("what do you know?", max_length=4000)
    source_url = models.URLField("a link that shows it (optional)", max_length=500, blank=True)
    photo = models.FileField(upload_to="reports/%Y/%m/", storage=private_storage, blank=True)
    email = models.EmailField("your email address")
    token = models.CharField(max_length=40, unique=True, editable=False, default=random_token)
    status = models.CharField(
        max_length=12, choices=ReportStatus.choices, default=ReportStatus.UNCONFIRMED, db_index=True
    )
    duplicate_of = models.ForeignKey(
        "Asset",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a merge: the place this report is about, already on the register.",
    )
    rejection_reason = models.TextField(blank=True, help_text="Emailed to the reporter.")
    created_event = models.OneToOneField(
        "AssetEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="report"
    )
    created_asset = models.ForeignKey(
        "Asset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="report_about_a_place", condition=(Q(asset__isnull=False) | ~Q(place_name=""))
            ),
            models.CheckConstraint(
                name="report_location_in_uk",
                condition=(
                    Q(latitude__isnull=True, longitude__isnull=True)
                    | Q(
                        latitude__gte=UK_LATITUDE_RANGE[0],
                        latitude__lte=UK_LATITUDE_RANGE[1],
                        longitude__gte=UK_LONGITUDE_RANGE[0],
                        longitude__lte=UK_LONGITUDE_RANGE[1],
                    )
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self):
        return self.asset.name if self.asset_id else self.place_name

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):  # the check constraint allows it
            raise ValidationError({"latitude": "Drop the pin on the map again."})
        if self.kind == ReportKind.MISSING:
            if not self.place_name.strip():
                raise ValidationError({"place_name": "Give the place's name."})
            if self.latitude is None and not self.postcode:
                raise ValidationError({"postcode": "Give a postcode, or drop a pin on the map."})
        elif self.asset_id is None:
            raise ValidationError({"kind": "Report news from the place's own page."})
        if self.status == ReportStatus.REJECTED and not self.rejection_reason.strip():
            raise ValidationError({"rejection_reason": "Say why: the reporter is told."})
        if self.status == ReportStatus.MERGED and self.duplicate_of_id is None:
            raise ValidationError({"duplicate_of": "Choose the place it duplicates."})
