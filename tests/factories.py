import datetime
from decimal import Decimal

import factory

from django.contrib.auth import get_user_model
from django.utils import timezone

from assets_register.law.eligibility import BodyType
from assets_register.law.regimes import ensure_2026_act
from assets_register.models import (
    AlertCursor,
    Appeal,
    Area,
    AreaIndicator,
    AreaIndicatorDetail,
    AreaKind,
    Asset,
    AssetEvent,
    AssetSource,
    BidderRequest,
    Category,
    CommunityPurchase,
    CompensationClaim,
    CouncilStaff,
    DatePrecision,
    Delivery,
    DisposalNotice,
    EventKind,
    ExemptDisposal,
    Frequency,
    IndicatorSnapshot,
    ListEntry,
    LoadStage,
    LocationSource,
    Nomination,
    NoticeKind,
    PendingRecompute,
    PostcodeLocation,
    RecipientRole,
    RegimePeriod,
    Report,
    ReportKind,
    Review,
    StatutoryNotice,
    StatutoryRegime,
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

    # Numbered from 500,000: clear of the real codes that tests spell out.
    gss_code = factory.Sequence(lambda n: f"E05{500_000 + n:06d}")
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
    gss_code = factory.Sequence(lambda n: f"E06{500_000 + n:06d}")
    name = factory.Sequence(lambda n: f"Council {n}")
    kind = AreaKind.COUNCIL


def durham_and_sacriston():
    """County Durham and its ward Sacriston with their real GSS codes, and boundaries boxed
    round the village (the Red Lion stands at 54.816 N, 1.626 W; postcode DH7 6LQ)."""
    durham = CouncilFactory(
        name="County Durham", gss_code="E06000047", boundary=square(-1.8, 54.7, -1.5, 54.9)
    )
    ward = AreaFactory(
        name="Sacriston",
        gss_code="E05009076",
        parent=durham,
        boundary=square(-1.66, 54.80, -1.60, 54.83),
    )
    return durham, ward


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


class AssetSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetSource

    asset = factory.SubFactory(AssetFactory)
    source = "osm-pubs"
    source_ref = factory.Sequence(lambda n: str(1000 + n))
    name = factory.SelfAttribute("asset.name")
    first_seen = datetime.date(2014, 12, 21)
    last_seen = datetime.date(2022, 1, 28)


class LoadStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoadStage
        django_get_or_create = ("name",)

    name = "councils"
    checksum = "0" * 64
    completed_at = factory.LazyFunction(timezone.now)


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
    """A confirmed subscription to a ward, or pass asset= or latitude/longitude/radius_km=."""

    class Meta:
        model = Subscription

    asset = None
    latitude = None
    area = factory.Maybe(
        factory.LazyAttribute(lambda row: row.asset is None and row.latitude is None),
        yes_declaration=factory.SubFactory(AreaFactory),
        no_declaration=None,
    )
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


class AreaIndicatorDetailFactory(factory.django.DjangoModelFactory):
    """A ward's stored lists in a snapshot: one closure counted, and it is the newest."""

    class Meta:
        model = AreaIndicatorDetail

    snapshot = factory.SubFactory(IndicatorSnapshotFactory)
    area = factory.SubFactory(AreaFactory)
    places_lost = factory.LazyAttribute(
        lambda row: [AssetEventFactory(kind=EventKind.CLOSED, asset__ward=row.area).pk]
    )
    newest_closures = factory.LazyAttribute(lambda row: list(row.places_lost))


class PendingRecomputeFactory(factory.django.DjangoModelFactory):
    """Two edits made a minute ago, their recompute due now."""

    class Meta:
        model = PendingRecompute

    requested_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=1))
    run_after = factory.LazyFunction(timezone.now)
    edits = 2


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"officer{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@council.example")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")


class CouncilStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilStaff

    user = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)


class StatutoryRegimeFactory(factory.django.DjangoModelFactory):
    """A regime with no periods of its own; add RegimePeriodFactory rows. (The 2012
    regime is seeded by a migration.)"""

    class Meta:
        model = StatutoryRegime

    name = factory.Sequence(lambda n: f"Amending Regulations {2030 + n}")
    takes_effect = factory.Sequence(lambda n: datetime.date(2030 + n, 4, 1))


class RegimePeriodFactory(factory.django.DjangoModelFactory):
    """A 12-month moratorium: the change the Community Right to Buy was described with."""

    class Meta:
        model = RegimePeriod

    regime = factory.SubFactory(StatutoryRegimeFactory)
    clock = "full_moratorium"
    length = 12
    unit = "months"


class ListEntryFactory(factory.django.DjangoModelFactory):
    """A place listed on 14 December 2020 (on the list until 13 December 2025)."""

    class Meta:
        model = ListEntry

    reference = factory.Sequence(lambda n: f"A-CV-{n}")
    council = factory.SubFactory(CouncilFactory)
    asset = factory.SubFactory(AssetFactory)
    listed_on = datetime.date(2020, 12, 14)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    entry = factory.SubFactory(ListEntryFactory)
    requested_on = datetime.date(2021, 1, 11)


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appeal

    entry = factory.SubFactory(ListEntryFactory)
    lodged_on = datetime.date(2021, 3, 1)


class CompensationClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompensationClaim

    entry = factory.SubFactory(ListEntryFactory)
    loss_incurred_on = datetime.date(2021, 6, 1)
    received_on = datetime.date(2021, 7, 1)
    amount_claimed = Decimal("2500.00")


class DisposalNoticeFactory(factory.django.DjangoModelFactory):
    """The owner's notice of wish to sell, received 30 April 2021."""

    class Meta:
        model = DisposalNotice

    entry = factory.SubFactory(ListEntryFactory)
    received_on = datetime.date(2021, 4, 30)


class BidderRequestFactory(factory.django.DjangoModelFactory):
    """A request to be treated as a bidder, in the interim moratorium."""

    class Meta:
        model = BidderRequest

    notice = factory.SubFactory(DisposalNoticeFactory)
    group_name = "Robin Hood Community Pub Ltd"
    group_type = BodyType.COOPERATIVE
    received_on = factory.LazyAttribute(lambda row: row.notice.received_on)


RIGHT_TO_BUY_IN_FORCE = datetime.date(2027, 1, 1)  # a date chosen for tests, not the law's


def commence_right_to_buy(on=RIGHT_TO_BUY_IN_FORCE):
    """Bring the seeded 2026 Act (awaiting commencement) into force on `on`, as
    commencement regulations would."""
    regime = ensure_2026_act(StatutoryRegime, RegimePeriod)
    regime.takes_effect = on
    regime.save()
    return regime


def notice_under_right_to_buy():
    """A notice received in March 2027 on a place listed in June 2026, with the 2026 Act
    brought into force for the test (before the notice, so its clocks are the Act's)."""
    if not StatutoryRegime.objects.filter(
        community_right_to_buy=True, takes_effect__isnull=False
    ).exists():
        commence_right_to_buy()
    return DisposalNoticeFactory(
        entry__listed_on=datetime.date(2026, 6, 1), received_on=datetime.date(2027, 3, 1)
    )


class CommunityPurchaseFactory(factory.django.DjangoModelFactory):
    """A group's intention to buy, registered a week after the owner's notice."""

    class Meta:
        model = CommunityPurchase

    notice = factory.LazyFunction(notice_under_right_to_buy)
    group_name = "Robin Hood Community Pub Ltd"
    group_type = BodyType.COOPERATIVE
    registered_on = factory.LazyAttribute(
        lambda row: row.notice.received_on + datetime.timedelta(days=7)
    )


class ExemptDisposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExemptDisposal

    entry = factory.SubFactory(ListEntryFactory)
    disposed_on = datetime.date(2022, 2, 1)
    exemption = ExemptDisposal.Exemption.GIFT


class ReportFactory(factory.django.DjangoModelFactory):
    """A resident's unconfirmed report that a place on the register has closed."""

    class Meta:
        model = Report

    kind = ReportKind.CLOSED
    asset = factory.SubFactory(AssetFactory)
    happened_on = datetime.date(2024, 5, 1)
    details = "The windows are boarded and the sign has come down."
    email = factory.Sequence(lambda n: f"resident{n}@example.net")


class DeliveryFactory(factory.django.DjangoModelFactory):
    """One unsent message about one event to one subscriber."""

    class Meta:
        model = Delivery

    subscription = factory.SubFactory(SubscriptionFactory)
    event = factory.SubFactory(AssetEventFactory)
    key = factory.LazyAttribute(lambda row: f"event:{row.event.pk}")
    email = factory.LazyAttribute(lambda row: row.subscription.email)
    frequency = Frequency.IMMEDIATELY


class AlertCursorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertCursor
        django_get_or_create = ("name",)

    name = "events"


class StatutoryNoticeFactory(factory.django.DjangoModelFactory):
    """The notice of listing to the owner (s.91), not yet sent, with the address an officer
    completed from the nomination."""

    class Meta:
        model = StatutoryNotice

    kind = NoticeKind.LISTING
    recipient_role = RecipientRole.OWNER
    list_entry = factory.SubFactory(ListEntryFactory)
    council = factory.LazyAttribute(lambda row: row.list_entry.council)
    recipient_name = "Olive Owner"
    recipient_address = "9 Private Lane\nDurham DH1 9ZZ"
    subject = factory.LazyAttribute(
        lambda row: (
            f"Notice of listing: {row.list_entry.asset.name} is listed as an asset of "
            "community value"
        )
    )
    body = "The council has included the land in its list of assets of community value."
