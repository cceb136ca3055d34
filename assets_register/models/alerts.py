"""Campaigners' alerts: who watches what, and the log of what was sent to whom."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from assets_register.core.distance import bounding_box, distance_km
from assets_register.core.tokens import random_token
from assets_register.models.assets import EventKind

RADIUS_KM_RANGE = (0.5, 20)


class Topic(models.TextChoices):
    CLOSURES = "closures", "Closures and threats (closed, at risk, for sale)"
    ACV = "acv", "Nominations as assets of community value and the council's decisions"
    DISPOSALS = "disposals", "Notices to sell and the windows to ask to bid"
    EXPIRIES = "expiries", "Listings about to expire"
    NEW_PLACES = "new_places", "New and reopened places"


TOPIC_OF_EVENT = {
    **dict.fromkeys(
        [
            EventKind.CLOSED,
            EventKind.DEMOLISHED,
            EventKind.CONVERTED,
            EventKind.AT_RISK,
            EventKind.LISTED_FOR_SALE,
            EventKind.TEMPORARILY_CLOSED,
        ],
        Topic.CLOSURES,
    ),
    **dict.fromkeys(
        [
            EventKind.ACV_NOMINATED,
            EventKind.ACV_LISTED,
            EventKind.ACV_NOT_LISTED,
            EventKind.ACV_REMOVED,
        ],
        Topic.ACV,
    ),
    **dict.fromkeys(
        [
            EventKind.DISPOSAL_NOTICE,
            EventKind.BIDDER_REQUEST,
            EventKind.EXEMPT_DISPOSAL,
            EventKind.BOUGHT_BY_COMMUNITY,
            EventKind.DISPOSAL_WITHDRAWN,
            EventKind.INTENT_TO_BUY,
            EventKind.PROGRESS_CHECK,
            EventKind.VALUATION,
            EventKind.PURCHASE_OFFER,
            EventKind.PURCHASE_AGREED,
            EventKind.RIGHT_TO_BUY_ENDED,
        ],
        Topic.DISPOSALS,
    ),
    **dict.fromkeys([EventKind.OPENED, EventKind.REOPENED], Topic.NEW_PLACES),
}


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", "As it happens"
    DAILY = "daily", "A daily digest"
    WEEKLY = "weekly", "A weekly digest (Mondays)"


FREQUENCY_PHRASES = {
    Frequency.IMMEDIATELY: "as it happens",
    Frequency.DAILY: "in a daily digest",
    Frequency.WEEKLY: "in a weekly digest, on Mondays",
}


_new_token = random_token  # named by migration 0011


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def watching(self, asset, topic):
        """Confirmed subscriptions that want news of this topic about this asset: one query on
        indexed columns (area, asset, bounding box); the exact distance is checked after."""
        where = Q(asset_id=asset.pk)
        areas = [pk for pk in (asset.council_id, asset.ward_id) if pk]
        if areas:
            where |= Q(area_id__in=areas)
        if asset.is_located:
            lat, lon = float(asset.latitude), float(asset.longitude)
            # The radius is capped, so a box holding this point starts near it: the lower
            # bounds let each bounding-box index scan a narrow range.
            reach = bounding_box(lat, lon, RADIUS_KM_RANGE[1] * 2)
            where |= Q(
                min_latitude__lte=lat,
                max_latitude__gte=lat,
                min_longitude__lte=lon,
                max_longitude__gte=lon,
                min_latitude__gte=reach[0],
                min_longitude__gte=reach[2],
            )
        candidates = self.confirmed().filter(where, **{f"wants_{topic}": True})
        return [s for s in candidates if s.covers(asset)]


class Subscription(models.Model):
    """One person's alerts for a council, a ward, a circle round a postcode, or one asset.
    Starts only once the address is confirmed (double opt-in). The email is private."""

    email = models.EmailField(db_index=True)
    token = models.CharField(max_length=40, unique=True, default=random_token, editable=False)
    area = models.ForeignKey(
        "Area", null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    asset = models.ForeignKey(
        "Asset", null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    radius_km = models.FloatField(null=True, blank=True)
    # The circle's bounding box, so that matching is an indexed range query.
    min_latitude = models.FloatField(null=True, blank=True, editable=False)
    max_latitude = models.FloatField(null=True, blank=True, editable=False)
    min_longitude = models.FloatField(null=True, blank=True, editable=False)
    max_longitude = models.FloatField(null=True, blank=True, editable=False)
    wants_closures = models.BooleanField(Topic.CLOSURES.label, default=True)
    wants_acv = models.BooleanField(Topic.ACV.label, default=True)
    wants_disposals = models.BooleanField(Topic.DISPOSALS.label, default=True)
    wants_expiries = models.BooleanField(Topic.EXPIRIES.label, default=True)
    wants_new_places = models.BooleanField(Topic.NEW_PLACES.label, default=False)
    frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATELY
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["min_latitude", "max_latitude"], name="subscription_bbox_lat"),
            models.Index(fields=["min_longitude", "max_longitude"], name="subscription_bbox_lon"),
        ]
        constraints = [
            # Exactly one of: an area, an asset, a circle.
            models.CheckConstraint(
                name="subscription_has_one_scope",
                condition=(
                    Q(area__isnull=False, asset__isnull=True, radius_km__isnull=True)
                    | Q(area__isnull=True, asset__isnull=False, radius_km__isnull=True)
                    | Q(
                        area__isnull=True,
                        asset__isnull=True,
                        radius_km__isnull=False,
                        latitude__isnull=False,
                        longitude__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="subscription_radius_in_range",
                condition=(
                    Q(radius_km__isnull=True)
                    | Q(radius_km__gte=RADIUS_KM_RANGE[0], radius_km__lte=RADIUS_KM_RANGE[1])
                ),
            ),
        ]

    def __str__(self):
        return f"Alerts for {self.scope_name}"

    def save(self, *args, **kwargs):
        if self.radius_km is not None and self.latitude is not None:
            (self.min_latitude, self.max_latitude, self.min_longitude, self.max_longitude) = (
                bounding_box(self.latitude, self.longitude, self.radius_km)
            )
        else:
            self.min_latitude = self.max_latitude = self.min_longitude = self.max_longitude = None
        super().save(*args, **kwargs)

    @property
    def scope_name(self):
        if self.area_id:
            return self.area.name
        if self.asset_id:
            return self.asset.name
        return f"{self.radius_km:g} km round {self.postcode or 'a point'}"

    @property
    def frequency_phrase(self):
        """How often, to end a sentence: 'You will hear about Sacriston in a daily digest.'"""
        return FREQUENCY_PHRASES.get(self.frequency, self.get_frequency_display().lower())

    @property
    def topics(self):
        return [topic for topic in Topic if getattr(self, f"wants_{topic}")]

    def clean(self):
        if not self.topics:
            raise ValidationError("Choose at least one kind of news.")

    def covers(self, asset):
        if self.radius_km is None:
            return True  # area and asset scopes were matched exactly by the query
        return (
            asset.is_located
            and distance_km(
                self.latitude, self.longitude, float(asset.latitude), float(asset.longitude)
            )
            <= self.radius_km
        )


class Delivery(models.Model):
    """The send log: one row per message owed to one address. The unique key makes matching
    idempotent; sent_at, set in the same transaction as the send, makes sending resumable."""

    key = models.CharField(
        max_length=120,
        help_text="What the message is about, e.g. event:123 or reminder:interim-4:7",
    )
    email = models.EmailField()
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        "AssetEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    # Reminders carry their words; event news is worded when sent, so "days left" is current.
    headline = models.CharField(max_length=300, blank=True)
    action = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["key", "email"], name="delivery_once")]
        indexes = [models.Index(fields=["frequency", "sent_at"], name="delivery_pending")]

    def __str__(self):
        return f"{self.key} to subscriber {self.subscription_id or 'nominator'}"


class AlertCursor(models.Model):
    """How far through the event table alert matching has got."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} matched up to event {self.last_event_id}"
