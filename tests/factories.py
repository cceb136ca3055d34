import datetime
from decimal import Decimal

import factory

from django.utils import timezone

from assets_register.law.eligibility import BodyType
from assets_register.models import (
    Area,
    AreaIndicator,
    AreaKind,
    Asset,
    AssetEvent,
    Category,
    DatePrecision,
    EventKind,
    IndicatorSnapshot,
    LocationSource,
    Nomination,
    PostcodeLocation,
    Subscription,
)


def square(min_lon, min_lat, max_lon, max_lat):
    """A GeoJSON polygon for a lon/lat box."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [min_lon, min_lat],
                [max_lon, min_lat],
                [max_lon, max_lat],
                [min_lon, max_lat],
                [min_lon, min_lat],
            ]
        ],
    }


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        skip_postgeneration_save = True

    gss_code = factory.Sequence(lambda n: f"E05{n:06d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    kind = AreaKind.WARD
    boundary = None

    @factory.post_generation
    def bbox(self, create, extracted, **kwargs):
        if self.boundary and self.min_longitude is None:
            xs = [p[0] for p in self.boundary["coordinates"][0]]
            ys = [p[1] for p in self.boundary["coordinates"][0]]
            self.min_longitude, self.max_longitude = min(xs), max(xs)
            self.min_latitude, self.max_latitude = min(ys), max(ys)
            self.boundary_display = self.boundary
            if create:
                self.save()


class CouncilFactory(AreaFactory):
    gss_code = factory.Sequence(lambda n: f"E06{n:06d}")
    name = factory.Sequence(lambda n: f"Council {n}")
    kind = AreaKind.COUNCIL


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    name = factory.Sequence(lambda n: f"The Red Lion {n}")
    category = Category.PUB
    address = "1 Front Street"
    postcode = "DH7 6LQ"
    latitude = Decimal("54.816000")
    longitude = Decimal("-1.626000")
    location_source = LocationSource.SOURCE_DATA
    live = True


class AssetEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetEvent

    asset = factory.SubFactory(AssetFactory)
    date = datetime.date(2020, 3, 1)
    date_precision = DatePrecision.DAY
    kind = EventKind.CLOSED


class PostcodeLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostcodeLocation
        django_get_or_create = ("postcode",)

    postcode = "DH7 6LQ"
    latitude = Decimal("54.816000")
    longitude = Decimal("-1.626000")
    positional_quality = 10
    council_code = "E06000047"
    ward_code = "E05016190"


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    council = factory.SubFactory(CouncilFactory)
    asset = factory.SubFactory(AssetFactory)
    land_name = "The Robin Hood"
    land_description = "The pub, its car park and beer garden, as on the plan."
    current_use = "The only pub in the village; darts, quiz and the walking club meet there."
    future_use = "A community benefit society is ready to buy and run it."
    body_name = "Friends of the Robin Hood"
    body_type = BodyType.CHARITY
    local_connection = "All our work is in Sacriston."
    contact_name = "Jo Bloggs"
    contact_email = "jo@example.org"
    received_on = datetime.date(2021, 1, 4)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed subscription; pass area=, asset= or latitude/longitude/radius_km=."""

    class Meta:
        model = Subscription

    email = factory.Sequence(lambda n: f"watcher{n}@example.net")
    confirmed_at = factory.LazyFunction(lambda: datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC))


class IndicatorSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorSnapshot

    computed_at = factory.LazyFunction(timezone.now)
    reference_date = datetime.date(2025, 3, 1)
    period_years = 10
    rules = factory.LazyFunction(
        lambda: {
            "period_years": 10,
            "min_net_loss": {"council": 2, "ward": 2, "lsoa": 2},
            "worst_percent": 10.0,
            "left_behind_max_decile": 1,
        }
    )


class AreaIndicatorFactory(factory.django.DjangoModelFactory):
    """A ward that lost two of its three places to meet in ten years."""

    class Meta:
        model = AreaIndicator

    snapshot = factory.SubFactory(IndicatorSnapshotFactory)
    area = factory.SubFactory(AreaFactory)
    kind = factory.LazyAttribute(lambda row: row.area.kind)
    open_now, open_5y_ago, open_10y_ago = 1, 2, 3
    open_by_year = [3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1]
    change_5y, change_10y = -1, -2
    closures_5y, openings_5y, closures_10y, openings_10y = 1, 0, 2, 0
    losing_places = True
