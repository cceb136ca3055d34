"""Every table of the app (one Django app, one label), a module per feature. Models own
their data rules: choices, constraints and clean().

May import: core, law.
"""

from assets_register.models import live_places, name_search
from assets_register.models.acv import (
    Appeal,
    BidderRequest,
    CompensationClaim,
    DisposalNotice,
    ExemptDisposal,
    ListEntry,
    Nomination,
    Review,
)
from assets_register.models.alerts import (
    RADIUS_KM_RANGE,
    TOPIC_OF_EVENT,
    AlertCursor,
    Delivery,
    Frequency,
    Subscription,
    Topic,
)
from assets_register.models.areas import Area, AreaKind, without_geometry
from assets_register.models.assets import (
    CLOSURE_KINDS,
    OPEN_STATUSES,
    PLACES_TO_MEET,
    UK_LATITUDE_RANGE,
    UK_LONGITUDE_RANGE,
    Asset,
    AssetEvent,
    Category,
    DatePrecision,
    EventKind,
    LocationSource,
    Ownership,
    Status,
)
from assets_register.models.indicators import (
    AreaIndicator,
    AreaIndicatorDetail,
    IndicatorSnapshot,
    PendingRecompute,
)
from assets_register.models.notices import NoticeKind, RecipientRole, SentBy, StatutoryNotice
from assets_register.models.postcodes import PostcodeLocation
from assets_register.models.regimes import (
    Clock,
    RegimeBook,
    RegimePeriod,
    StatutoryRegime,
    period_counted_from,
    period_in_force,
    period_words,
    period_words_lazy,
)
from assets_register.models.reports import Report, ReportKind, ReportStatus
from assets_register.models.right_to_buy import CommunityPurchase
from assets_register.models.sources import AssetSource, LoadStage
from assets_register.models.staff import CouncilStaff

__all__ = [
    "live_places",
    "name_search",
    "without_geometry",
    "NoticeKind",
    "RecipientRole",
    "SentBy",
    "StatutoryNotice",
    "Report",
    "ReportKind",
    "ReportStatus",
    "RADIUS_KM_RANGE",
    "TOPIC_OF_EVENT",
    "AlertCursor",
    "Delivery",
    "Frequency",
    "Subscription",
    "Topic",
    "ExemptDisposal",
    "CommunityPurchase",
    "Appeal",
    "CompensationClaim",
    "Review",
    "BidderRequest",
    "DisposalNotice",
    "ListEntry",
    "Nomination",
    "CLOSURE_KINDS",
    "OPEN_STATUSES",
    "PLACES_TO_MEET",
    "Area",
    "AreaIndicator",
    "AreaIndicatorDetail",
    "AreaKind",
    "Asset",
    "AssetEvent",
    "AssetSource",
    "LoadStage",
    "Category",
    "Clock",
    "RegimeBook",
    "period_counted_from",
    "period_in_force",
    "period_words",
    "period_words_lazy",
    "CouncilStaff",
    "DatePrecision",
    "EventKind",
    "IndicatorSnapshot",
    "PendingRecompute",
    "LocationSource",
    "Ownership",
    "PostcodeLocation",
    "RegimePeriod",
    "Status",
    "StatutoryRegime",
    "UK_LATITUDE_RANGE",
    "UK_LONGITUDE_RANGE",
]
