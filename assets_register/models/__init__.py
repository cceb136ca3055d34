from .acv import (
    BidderRequest,
    Clock,
    DisposalNotice,
    ListEntry,
    Nomination,
    RegimePeriod,
    StatutoryRegime,
)
from .areas import Area, AreaKind
from .assets import (
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
from .postcodes import PostcodeLocation
from .staff import CouncilStaff

__all__ = [
    "BidderRequest",
    "DisposalNotice",
    "ListEntry",
    "Nomination",
    "CLOSURE_KINDS",
    "OPEN_STATUSES",
    "PLACES_TO_MEET",
    "Area",
    "AreaKind",
    "Asset",
    "AssetEvent",
    "Category",
    "Clock",
    "CouncilStaff",
    "DatePrecision",
    "EventKind",
    "LocationSource",
    "Ownership",
    "PostcodeLocation",
    "RegimePeriod",
    "Status",
    "StatutoryRegime",
    "UK_LATITUDE_RANGE",
    "UK_LONGITUDE_RANGE",
]
