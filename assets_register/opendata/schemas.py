"""What the open data API and the downloads take and give: filters and response shapes.

The asset filters are one schema for both, so a download link and an API call with the
same query string select the same places. Nothing here has a field for a nominator's
contact details, a subscriber, a user account or the send log: a schema is the list of
what may leave the register.
"""

import datetime
import math
import re
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from django.utils import timezone

from assets_register.core.licences import row_licence
from assets_register.models import (
    AreaKind,
    Category,
    DatePrecision,
    EventKind,
    LocationSource,
    Ownership,
    Status,
)

GSS_CODE = r"^[A-Z][0-9]{8}$"
GSS_DESCRIPTION = "GSS code of a council, ward or LSOA, e.g. E06000047 or E05009076"
# Ids are 64-bit (BigAutoField): a larger number is refused as bad input rather than
# reaching a database that cannot hold it.
MAX_ID = 2**63 - 1


def _split_commas(value):
    """?status=open,at_risk and ?status=open&status=at_risk mean the same."""
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    return [part for item in values for part in str(item).split(",") if part] or None


def _aware(value):
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value is not None:
        try:
            value.astimezone(datetime.UTC)  # as the database stores it
        except OverflowError:
            raise ValueError("the time is out of range") from None
    return value


def _blank_is_none(value):
    """An empty parameter (?bbox=, as a form with a blank field sends) means not given, as
    it does on /downloads/."""
    return None if isinstance(value, str) and not value.strip() else value


ISO_DATE_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_only(value):
    """Dates and times as ISO 8601 text only: pydantic would read 0 as 1 January 1970."""
    if value is None or isinstance(value, datetime.date) or not str(value).strip():
        return value or None
    if not ISO_DATE_START.match(str(value)):
        raise ValueError(f"{str(value)[:30]!r} is not an ISO 8601 date (YYYY-MM-DD)")
    return value


class AssetFilters(Schema):
    area: str | None = Field(None, pattern=GSS_CODE, description=GSS_DESCRIPTION)
    category: list[Category] | None = Field(
        None, description="Kinds of place; repeat the parameter or separate with commas"
    )
    status: list[Status] | None = Field(
        None, description="Statuses; repeat the parameter or separate with commas"
    )
    bbox: str | None = Field(
        None,
        description="minlon,minlat,maxlon,maxlat in WGS84 degrees, e.g. "
        "-1.7,54.7,-1.5,54.9: located places only",
    )
    q: str | None = Field(
        None,
        max_length=100,
        description="Words that must all appear in the name or address, as the site search",
    )
    source: str | None = Field(
        None, max_length=50, description="Dataset key, e.g. osm-pubs or open-pubs"
    )
    changed_since: datetime.datetime | None = Field(
        None,
        description="Places edited, or given a new event, at or after this ISO 8601 "
        "time (local time when no offset is given)",
    )

    @field_validator("*", mode="before")
    @classmethod
    def blank_is_none(cls, value):
        return _blank_is_none(value)

    @field_validator("category", "status", mode="before")
    @classmethod
    def split_commas(cls, value):
        return _split_commas(value)

    @field_validator("changed_since", mode="before")
    @classmethod
    def iso_changed_since(cls, value):
        return _iso_only(value)

    @field_validator("bbox")
    @classmethod
    def check_bbox(cls, value):
        if value is None:
            return None
        try:
            numbers = [float(part) for part in value.split(",")]
        except ValueError:
            numbers = []
        if len(numbers) != 4 or not all(-180 <= n <= 180 for n in numbers):
            raise ValueError("bbox must be four numbers: minlon,minlat,maxlon,maxlat")
        if numbers[0] > numbers[2] or numbers[1] > numbers[3]:
            raise ValueError("bbox corners are the wrong way round")
        return value

    @field_validator("changed_since")
    @classmethod
    def aware_changed_since(cls, value):
        return _aware(value)

    @property
    def bbox_numbers(self):
        return tuple(float(part) for part in self.bbox.split(",")) if self.bbox else None


class EventFilters(Schema):
    kind: list[EventKind] | None = Field(
        None, description="Kinds of event; repeat the parameter or separate with commas"
    )
    area: str | None = Field(None, pattern=GSS_CODE, description=GSS_DESCRIPTION)
    asset: int | None = Field(None, ge=1, le=MAX_ID, description="Events of one place, by its id")
    since: datetime.date | None = Field(None, description="Events dated on or after this day")
    recorded_since: datetime.datetime | None = Field(
        None, description="Events recorded on the register at or after this ISO 8601 time"
    )

    @field_validator("*", mode="before")
    @classmethod
    def blank_is_none(cls, value):
        return _blank_is_none(value)

    @field_validator("kind", mode="before")
    @classmethod
    def split_commas(cls, value):
        return _split_commas(value)

    @field_validator("since", "recorded_since", mode="before")
    @classmethod
    def iso_dates(cls, value):
        return _iso_only(value)

    @field_validator("recorded_since")
    @classmethod
    def aware_recorded_since(cls, value):
        return _aware(value)


class AreaFilters(Schema):
    kind: AreaKind | None = None
    parent: str | None = Field(
        None, pattern=GSS_CODE, description="Areas inside this council, by its GSS code"
    )
    q: str | None = Field(None, max_length=100, description="Part of the area's name")
    current: bool = Field(True, description="Only boundaries in force today")


class Error(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: list[dict[str, Any]] = Field(
        description="One entry per problem: where (loc), what (msg) and its type"
    )


class AreaRef(Schema):
    gss_code: str
    name: str
    kind: AreaKind


class AssetRef(Schema):
    id: int
    name: str
    url: str = Field(description="The place's page on this site")

    @staticmethod
    def resolve_url(asset, context):
        return context["request"].build_absolute_uri(asset.get_absolute_url())


class AssetOut(Schema):
    id: int
    name: str
    category: Category
    status: Status
    address: str
    postcode: str
    latitude: float | None
    longitude: float | None
    location_source: LocationSource
    uprn: str
    osm_id: str
    operator: str
    ownership: Ownership
    council: AreaRef | None
    ward: AreaRef | None
    lsoa: AreaRef | None
    source: str = Field(description="Key of the dataset the record came from")
    source_ref: str = Field(description="The record's id in that dataset")
    source_name: str
    licence: str = Field(description="SPDX identifier of the licence this record is under")
    url: str = Field(description="The place's page on this site")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_licence(asset):
        return row_licence(asset.source)

    @staticmethod
    def resolve_url(asset, context):
        return context["request"].build_absolute_uri(asset.get_absolute_url())


class EventOut(Schema):
    id: int
    asset_id: int
    date: datetime.date = Field(description="For a month or a year, its first day")
    date_precision: DatePrecision
    display_date: str
    kind: EventKind
    kind_label: str
    note: str
    source_url: str
    source_document_url: str | None
    source: str
    source_name: str
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_kind_label(event):
        return event.get_kind_display()

    @staticmethod
    def resolve_source_document_url(event, context):
        document = event.source_document
        return context["request"].build_absolute_uri(document.url) if document else None


class EventWithAssetOut(EventOut):
    asset: AssetRef


class RightToBuyOut(Schema):
    group: str
    registered_on: datetime.date
    stage: str = Field(description="Where the purchase stands, in words")
    right_last_day: datetime.date = Field(
        description="The last day the group has the first chance to buy"
    )
    valuation_price: float | None = Field(description="Market value set by the valuer, £")
    completed_on: datetime.date | None


class DisposalNoticeOut(Schema):
    received_on: datetime.date
    community_right_to_buy: bool = Field(
        description="Governed by a law with the Community Right to Buy (2026 Act)"
    )
    right_to_buy: RightToBuyOut | None
    interim_moratorium_last_day: datetime.date
    bidder_request_on: datetime.date | None
    interested_group: str | None
    full_moratorium_last_day: datetime.date | None = Field(
        description="Only when a community group asked to bid"
    )
    protected_period_last_day: datetime.date
    outcome: str


class AcvEntryOut(Schema):
    reference: str
    asset: AssetRef
    listed_on: datetime.date
    listing_last_day: datetime.date
    owner_notified_on: datetime.date | None
    occupiers_notified_on: datetime.date | None
    land_registry_restriction_requested_on: datetime.date | None
    nomination_reference: str | None
    nominating_group: str | None
    disposal_notice: DisposalNoticeOut | None
    review_pending: bool = Field(description="The owner's review is still being decided")
    appeal_pending: bool = Field(description="An appeal is still before the tribunal")


class AssetDetailOut(AssetOut):
    events: list[EventOut]
    acv_entry: AcvEntryOut | None = Field(
        description="Its entry on the council's list of assets of community value today"
    )


class AreaOut(Schema):
    gss_code: str
    name: str
    kind: AreaKind
    parent: AreaRef | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    bbox: list[float] | None = Field(description="minlon, minlat, maxlon, maxlat")
    population: int | None
    imd_rank: int | None
    imd_decile: int | None
    url: str = Field(description="The area's page on this site")

    @staticmethod
    def resolve_url(area, context):
        return context["request"].build_absolute_uri(area.get_absolute_url())


class SnapshotOut(Schema):
    computed_at: datetime.datetime
    reference_date: datetime.date
    period_years: int
    rules: dict[str, Any]


class IndicatorOut(Schema):
    """The 'losing places to meet' figures for the area in the latest snapshot."""

    snapshot: SnapshotOut
    population: int | None
    open_now: int
    open_5y_ago: int
    open_10y_ago: int
    open_by_year: list[int] = Field(description="Open places on each anniversary, oldest first")
    per_1000_now: float | None
    per_1000_5y_ago: float | None
    per_1000_10y_ago: float | None
    change_5y: int
    change_10y: int
    closures_5y: int
    openings_5y: int
    closures_10y: int
    openings_10y: int
    change_per_1000: float | None
    percentile_national: float | None
    percentile_in_council: float | None
    imd_decile: int | None
    losing_places: bool
    left_behind_risk: bool


class AreaDetailOut(AreaOut):
    asset_count: int
    open_count: int
    status_counts: dict[str, int]
    geometry: dict[str, Any] | None = Field(
        description="Simplified boundary, GeoJSON (ONS boundaries via Martin Chorley's "
        "UK-GeoJSON, CC BY 4.0)"
    )
    indicators: IndicatorOut | None

    @staticmethod
    def resolve_indicators(area):
        return area.latest_indicators


class MapFilters(Schema):
    bbox: str = Field(
        description="minlon,minlat,maxlon,maxlat in WGS84 degrees: the box the map shows, "
        "e.g. -1.7,54.7,-1.5,54.9"
    )
    zoom: int = Field(
        ge=0, le=22, description="The map's zoom: nearby places are clustered below street zoom"
    )
    category: list[Category] | None = Field(
        None, description="Kinds of place; repeat the parameter or separate with commas"
    )
    status: list[Status] | None = Field(
        None, description="Statuses; repeat the parameter or separate with commas"
    )

    @field_validator("category", "status", mode="before")
    @classmethod
    def split_commas(cls, value):
        return _split_commas(value)

    @field_validator("bbox")
    @classmethod
    def check_bbox(cls, value):
        # A map panned round the world asks for more than 180 degrees: clamped, not refused.
        try:
            numbers = [float(part) for part in value.split(",")]
        except ValueError:
            numbers = []
        if len(numbers) != 4 or not all(math.isfinite(n) and abs(n) < 1e6 for n in numbers):
            raise ValueError("bbox must be four numbers: minlon,minlat,maxlon,maxlat")
        if numbers[0] > numbers[2] or numbers[1] > numbers[3]:
            raise ValueError("bbox corners are the wrong way round")
        return value

    @property
    def box(self):
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in self.bbox.split(","))
        return (max(min_lon, -180), max(min_lat, -85), min(max_lon, 180), min(max_lat, 85))


class MarkerPoint(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(description="[longitude, latitude]")


class MarkerProperties(Schema):
    id: int
    name: str
    category: Category
    status: Status
    url: str = Field(description="The place's page on this site")


class ClusterProperties(Schema):
    cluster: Literal[True]
    count: int = Field(description="How many places the marker stands for")


class MarkerOut(Schema):
    type: Literal["Feature"]
    geometry: MarkerPoint
    properties: MarkerProperties | ClusterProperties


class MapOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[MarkerOut]
    total: int = Field(description="Places in the box that match the filters")
    clustered: bool = Field(description="Whether nearby places were merged into clusters")
