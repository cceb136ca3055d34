import datetime
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import DraftStateMixin, RevisionMixin

from assets_register.core.bulk_insert import insert_many, insert_rows, sqlite_triggers_deferred
from assets_register.core.dates import DatePrecision
from assets_register.core.labels import ChoiceLabels
from assets_register.core.licences import source_name
from assets_register.core.lookups import InSubquery
from assets_register.core.postcodes import InvalidPostcode, Postcode
from assets_register.core.prepared import PreparedQuery, pk_slots, pk_values
from assets_register.core.text import search_text
from assets_register.core.urls import reverse_one
from assets_register.models import live_places, name_search
from assets_register.models.sources import AssetSource

# A generous box around the UK and its islands; anything outside is a data error.
UK_LATITUDE_RANGE = (Decimal("49.8"), Decimal("60.9"))
UK_LONGITUDE_RANGE = (Decimal("-8.7"), Decimal("1.8"))


class Category(models.TextChoices):
    PUB = "pub", "Pub"
    LIBRARY = "library", "Library"
    COMMUNITY_CENTRE = "community_centre", "Community centre or village hall"
    COMMUNITY_HUB = "community_hub", "Community hub"
    POLICE_STATION = "police_station", "Police station"
    POST_OFFICE = "post_office", "Post office"
    PLACE_OF_WORSHIP = "place_of_worship", "Place of worship"
    SPORTS_LEISURE = "sports_leisure", "Sports or leisure centre"
    PARK = "park", "Park or green space"
    CAFE = "cafe", "Cafe"
    SHOP = "shop", "Shop"
    YOUTH_CLUB = "youth_club", "Youth club"
    OTHER = "other", "Other"


# Where people meet each other, as opposed to services they visit alone. The
# 'losing places to meet' indicator counts these.
PLACES_TO_MEET = frozenset(
    {
        Category.PUB,
        Category.LIBRARY,
        Category.COMMUNITY_CENTRE,
        Category.COMMUNITY_HUB,
        Category.PLACE_OF_WORSHIP,
        Category.SPORTS_LEISURE,
        Category.PARK,
        Category.CAFE,
        Category.YOUTH_CLUB,
    }
)


class Ownership(models.TextChoices):
    PUBLIC = "public", "Council or other public body"
    PRIVATE = "private", "Private"
    COMMUNITY_OWNED = "community_owned", "Community-owned"
    COMMUNITY_MANAGED = "community_managed", "Community-managed or leased"
    CHARITY_FAITH = "charity_faith", "Charity or faith group"
    UNKNOWN = "unknown", "Unknown"


class LocationSource(models.TextChoices):
    POSTCODE = "postcode", "Postcode centroid"
    ADDRESS = "address", "Address geocode"
    SOURCE_DATA = "source_data", "Coordinates in the source data"
    MAP_PIN = "map_pin", "Pin placed on the map"
    NONE = "none", "Not located"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    AT_RISK = "at_risk", "Open, at risk"
    FOR_SALE = "for_sale", "For sale"
    TEMPORARILY_CLOSED = "temporarily_closed", "Temporarily closed"
    CLOSED = "closed", "Closed"
    DEMOLISHED = "demolished", "Demolished"
    CONVERTED = "converted", "Converted to other use"


OPEN_STATUSES = frozenset({Status.OPEN, Status.AT_RISK, Status.FOR_SALE})
# What a place's row in a list draws ({% asset_rows %}): lists read only these, as values
# (PlaceRow), never a council or its boundary.
ROW_FIELDS = ("name", "category", "status", "ward__name")


class PlaceRow(NamedTuple):
    """A place as a list's row draws it: values_list("pk", *ROW_FIELDS), no model."""

    pk: int
    name: str
    category: str
    status: str
    ward_name: str | None


class ClosureRow(NamedTuple):
    """A closure as a list's row draws it, with its place: CLOSURE_ROW_FIELDS, no model."""

    asset_pk: int
    asset_name: str
    category: str
    kind: str
    date: datetime.date
    date_precision: str
    date_until: datetime.date | None


CLOSURE_ROW_FIELDS = ("asset", "asset__name", "asset__category", *ClosureRow._fields[3:])


def closure_rows(events):
    """The rows of a queryset's events, sliced or not (see place_rows)."""
    return [ClosureRow._make(values) for values in events.values_list(*CLOSURE_ROW_FIELDS)]


# Lists of up to this many pks share one compiled query: an area's page's stored lists
# of closures (AreaIndicatorDetail.LISTED).
BY_PK_SLOTS = 20
_closure_rows_by_pk = PreparedQuery(
    lambda **pks: (
        AssetEvent.objects.filter(pk__in=list(pks.values()))
        .order_by("-date", "-pk")
        .values_list(*CLOSURE_ROW_FIELDS)
    ),
    slots=pk_slots(BY_PK_SLOTS),
)


def closure_rows_by_pk(pks):
    """The rows of the events of these pks, newest first: for a few, padded with the first
    to BY_PK_SLOTS (a pk twice matches once), by a query compiled once (core.prepared)."""
    if len(pks) > BY_PK_SLOTS:
        return closure_rows(AssetEvent.objects.filter(pk__in=pks).order_by("-date", "-pk"))
    if not pks:
        return []
    rows = _closure_rows_by_pk(**pk_values(pks, BY_PK_SLOTS))
    return [ClosureRow._make(values) for values in rows]


def place_rows(assets):
    """The rows of a queryset's places, sliced or not: a place's model (a clusterable
    page-like object) costs more to make than its row to write."""
    return [PlaceRow._make(values) for values in assets.values_list("pk", *ROW_FIELDS)]


def place_rows_by_pk(assets, pks):
    """{pk: row} of those of these places (a queryset) whose pks are given."""
    return {row.pk: row for row in place_rows(assets.filter(pk__in=pks))}


# What a place's own page shows of it and of its council, ward and LSOA (named and linked).
PAGE_FIELDS = (
    *("name", "category", "status", "address", "postcode", "ownership", "operator"),
    *("uprn", "local_code", "opening_hours", "latitude", "longitude", "location_source"),
    *("source", "source_edition", "osm_id"),
    *(f"{area}__{field}" for area in ("council", "ward", "lsoa") for field in ("gss_code", "name")),
    "lsoa__imd_decile",
)


class EventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    AT_RISK = "at_risk", "At risk"
    LISTED_FOR_SALE = "listed_for_sale", "Listed for sale"
    TEMPORARILY_CLOSED = "temporarily_closed", "Temporarily closed"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    DEMOLISHED = "demolished", "Demolished"
    CONVERTED = "converted", "Converted to other use"
    BOUGHT_BY_COMMUNITY = "bought_by_community", "Bought by the community"
    OWNERSHIP_CHANGED = "ownership_changed", "Ownership or management changed"
    NOTE = "note", "Other news"
    # The Community Right to Bid (see models/acv.py); only a notice to sell changes the status.
    ACV_NOMINATED = "acv_nominated", "Nominated as an asset of community value"
    ACV_LISTED = "acv_listed", "Listed as an asset of community value"
    ACV_NOT_LISTED = "acv_not_listed", "Nomination as an asset of community value unsuccessful"
    ACV_REMOVED = "acv_removed", "Removed from the list of assets of community value"
    DISPOSAL_NOTICE = "disposal_notice", "Owner gave notice of intention to sell"
    BIDDER_REQUEST = "bidder_request", "A community group asked to bid"
    EXEMPT_DISPOSAL = "exempt_disposal", "Changed hands in a disposal exempt from the moratorium"
    DISPOSAL_WITHDRAWN = "disposal_withdrawn", "Owner withdrew the notice to sell"
    # The Community Right to Buy (2026 Act; see models/right_to_buy.py).
    INTENT_TO_BUY = "intent_to_buy", "A community group registered its intention to buy"
    PROGRESS_CHECK = "progress_check", "Progress check on the community's purchase"
    VALUATION = "valuation", "An independent valuer set the price"
    PURCHASE_OFFER = "purchase_offer", "The community group made an offer"
    PURCHASE_AGREED = "purchase_agreed", "The owner accepted the community group's offer"
    RIGHT_TO_BUY_ENDED = "right_to_buy_ended", "The community's right to buy ended"


STATUS_AFTER_EVENT = {
    EventKind.OPENED: Status.OPEN,
    EventKind.AT_RISK: Status.AT_RISK,
    EventKind.LISTED_FOR_SALE: Status.FOR_SALE,
    EventKind.TEMPORARILY_CLOSED: Status.TEMPORARILY_CLOSED,
    EventKind.CLOSED: Status.CLOSED,
    EventKind.REOPENED: Status.OPEN,
    EventKind.DEMOLISHED: Status.DEMOLISHED,
    EventKind.CONVERTED: Status.CONVERTED,
    EventKind.BOUGHT_BY_COMMUNITY: Status.OPEN,
    EventKind.DISPOSAL_NOTICE: Status.FOR_SALE,
}
CLOSURE_KINDS = frozenset({EventKind.CLOSED, EventKind.DEMOLISHED, EventKind.CONVERTED})
SALE_ENDINGS = frozenset({EventKind.OWNERSHIP_CHANGED, EventKind.DISPOSAL_WITHDRAWN})
# A threat to a place that has already shut does not make it open again.
THREAT_KINDS = frozenset({EventKind.AT_RISK, EventKind.LISTED_FOR_SALE, EventKind.DISPOSAL_NOTICE})


def derive_status(events) -> str:
    """The status after a sequence of (date, kind) pairs, read in date order.

    The latest status-bearing event wins, except that a threat (at risk, for
    sale, an owner's notice to sell) to a place that is not open leaves it as it
    was, and a sale or a withdrawn notice to sell ends "for sale" with the status
    from before. An asset with no such event is taken to be open.
    """
    status = before_sale = Status.OPEN
    for _date, kind in sorted(events, key=lambda pair: pair[0]):
        if kind in SALE_ENDINGS and status == Status.FOR_SALE:
            status = before_sale  # sold or withdrawn: no longer for sale, as it was before
            continue
        new_status = STATUS_AFTER_EVENT.get(kind)
        if new_status is None:
            continue
        if kind in THREAT_KINDS and status not in OPEN_STATUSES:
            continue
        if new_status == Status.FOR_SALE and status != Status.FOR_SALE:
            before_sale = status
        status = new_status
    return status


# What the name search reads (Asset.search_name): kept by every ORM write path below.
SEARCHED_FIELDS = ("name", "address", "postcode")


def _triggers_in_bulk(queryset):
    """The asset table's SQLite insert triggers (the name index, the count of live places)
    run once for an import's thousands of places, at its end."""
    return sqlite_triggers_deferred(
        connections[queryset.db],
        queryset.model._meta.db_table,
        {**name_search.SQLITE_BULK_CATCH_UP, **live_places.SQLITE_BULK_CATCH_UP},
    )


def _with_search_names(assets):
    for asset in assets:
        asset.search_name = asset.searchable_text()
    return assets


class AssetQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)

    def from_source(self, source, refs):
        """The places a source imported under these refs. Says what the unique index on
        (source, source_ref) holds, a non-empty ref: the index is partial, and without it
        SQLite (always) and PostgreSQL (for over 100 refs) cannot tell the index holds
        every match and read the whole table (5,000 refs at 150,000 places, on SQLite:
        186 ms, with it 6)."""
        return self.filter(source=source, source_ref__in=refs).exclude(source_ref="")

    def matching(self, query, limit=50, rank_whole_up_to=0):
        """The assets here whose name (or address) is like the query, best first: ranked,
        and tolerant of typos, case, accents and punctuation ('Queens', "Queen's",
        'libary'). A list, at most `limit` long. A narrowed queryset of at most
        `rank_whole_up_to` assets (one council's) is ranked whole, without the index."""
        winners = [pk for pk, _ in self._matching(query, limit, rank_whole_up_to=rank_whole_up_to)]
        found = self.in_bulk(winners)
        return [found[pk] for pk in winners if pk in found]

    def matching_rows(self, query, limit=50, typos=True):
        """matching()'s places as a list's rows (PlaceRow), without a model each; with
        typos=False only those holding every word of the query."""
        return [
            PlaceRow._make(row) for row in self._matching(query, limit, ROW_FIELDS, typos=typos)
        ]

    def _matching(self, query, limit, fields=("name",), rank_whole_up_to=0, typos=True):
        """[(pk, *fields)] of the places like the query, best first."""
        if not rank_whole_up_to:
            rows = name_search.ranked_rows(self, query, limit, fields, typos=typos)
            if rows is not None:  # PostgreSQL reads them with the candidates
                return rows
        candidates = name_search.candidate_ids(
            self, query, enough=limit if typos else 0, rank_whole_up_to=rank_whole_up_to
        )
        return name_search.rank(self, candidates, query, limit, fields)

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(_with_search_names(list(objs)), *args, **kwargs)
        name_search.settle(connections[self.db])
        return created

    def insert_new(self, assets):
        """New assets, with their search names, by one prepared INSERT run over them all:
        for imports of thousands. Their primary keys are left unset."""
        with _triggers_in_bulk(self):
            insert_many(self.model, _with_search_names(list(assets)), using=self.db)
        name_search.settle(connections[self.db])

    def insert_rows(self, rows):
        """New assets given as dicts of {attname: value} (see core.bulk_insert.insert_rows),
        with their search names: an import's thousands, without an Asset object each.
        Returns the places past the last id before the insert: these (ids only grow), and
        any another writer adds meanwhile. (COPY returns no ids, and looking the rows up by
        their refs, 5,000 a query, cost a 100,000-row import on PostgreSQL 1.0 s in the
        database and more in making and splitting the placeholders.)"""
        if not rows:
            return self.none()
        everything = self.model.objects.using(self.db)
        last_before = everything.aggregate(last=models.Max("pk"))["last"] or 0
        for row in rows:
            row["search_name"] = search_text(
                " ".join(str(row.get(field) or "") for field in SEARCHED_FIELDS)
            )
        with _triggers_in_bulk(self):
            insert_rows(self.model, rows, using=self.db)
        name_search.settle(connections[self.db])
        return everything.filter(pk__gt=last_before)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if not set(fields) & set(SEARCHED_FIELDS):
            return super().bulk_update(objs, fields, *args, **kwargs)
        objs, fields = _with_search_names(list(objs)), [*fields, "search_name"]
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        name_search.settle(connections[self.db])
        return updated

    def places_to_meet(self):
        return self.filter(category__in=PLACES_TO_MEET)

    def open_now(self):
        return self.filter(status__in=OPEN_STATUSES)

    def located(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def in_area(self, area):
        return self.filter(**{area.kind: area})

    def in_bbox(self, min_lon, min_lat, max_lon, max_lat):
        return self.filter(
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )

    def refresh_statuses(self):
        """Re-derive the stored status of these assets from their events."""
        ids = list(self.values_list("pk", flat=True))
        history = {pk: [] for pk in ids}
        for asset_id, date, kind in AssetEvent.objects.filter(asset_id__in=ids).values_list(
            "asset_id", "date", "kind"
        ):
            history[asset_id].append((date, kind))
        by_status = {}
        for pk, events in history.items():
            by_status.setdefault(derive_status(events), []).append(pk)
        changed = 0
        for status, pks in by_status.items():
            changed += Asset.objects.filter(pk__in=pks).exclude(status=status).update(status=status)
        return changed


class Asset(ChoiceLabels, DraftStateMixin, RevisionMixin, ClusterableModel):
    """A civic building or space. Its history lives in AssetEvent; status is derived."""

    name = models.CharField(max_length=255)
    category = models.CharField(max_length=30, choices=Category.choices)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_source = models.CharField(
        max_length=20, choices=LocationSource.choices, default=LocationSource.NONE
    )
    uprn = models.CharField("UPRN", max_length=12, blank=True)
    local_code = models.CharField(
        "code in its source",
        max_length=30,
        blank=True,
        help_text="The source's own code for the place where it gives one that is not a UPRN, "
        "e.g. a library's code (0945SO1)",
    )
    opening_hours = models.JSONField(
        default=list,
        blank=True,
        help_text="As the source gives them: [day, hours] pairs, e.g. ['Monday', 'AM only']",
    )
    source = models.CharField(
        max_length=50, blank=True, help_text="Dataset the record came from, e.g. libraries-2023"
    )
    source_ref = models.CharField(
        max_length=100, blank=True, help_text="The record's id in that dataset"
    )
    source_edition = models.CharField(
        max_length=10,
        blank=True,
        editable=False,
        help_text="The newest edition of that dataset the record was imported from "
        "(an older edition imported later changes nothing here)",
    )
    osm_id = models.CharField("OpenStreetMap id", max_length=30, blank=True)
    ownership = models.CharField(
        max_length=30, choices=Ownership.choices, default=Ownership.UNKNOWN
    )
    operator = models.CharField(max_length=255, blank=True)
    council = models.ForeignKey(
        "Area",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="council_assets",
    )
    ward = models.ForeignKey(
        "Area",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="ward_assets",
    )
    lsoa = models.ForeignKey(
        "Area",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="lsoa_assets",
        verbose_name="LSOA",
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.OPEN,
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_name = models.TextField(
        blank=True, editable=False, help_text="Name, address and postcode as search reads them."
    )

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="asset")

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~Q(source_ref=""),
                name="asset_unique_source_ref",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=UK_LATITUDE_RANGE[0],
                    latitude__lte=UK_LATITUDE_RANGE[1],
                    longitude__gte=UK_LONGITUDE_RANGE[0],
                    longitude__lte=UK_LONGITUDE_RANGE[1],
                ),
                name="asset_location_in_uk",
            ),
        ]
        # Only indexes some query reads: each costs every insert (an import's thousands).
        # A place is never looked up by postcode or UPRN, nor by its status alone (the
        # public counts read asset_live_status), and choices are matched whole, so no
        # field has the pattern twin PostgreSQL gives a CharField with db_index.
        indexes = [
            models.Index(fields=["category"], name="asset_category"),
            models.Index(fields=["longitude", "latitude"]),
            # The admin's lists and choosers page through every place by name.
            models.Index(fields=["name"], name="asset_name_order"),
            # Counts of published places (the home page's) read this, not the whole table.
            models.Index(fields=["live", "status"], name="asset_live_status"),
            # A council's page counts its places by status and reads a page of them in
            # order from these, not from all of them sorted (area_page.py): a council has
            # hundreds; a ward few, its own index serves it.
            models.Index(
                fields=["council", "status"], condition=Q(live=True), name="asset_council_status"
            ),
            models.Index(
                fields=["council", "category", "name", "id"],
                condition=Q(live=True),
                name="asset_council_rows",
            ),
        ]
        permissions = [("edit_every_council", "Can edit the records of every council")]

    def __init__(self, *args, **kwargs):
        # ClusterableModel reads every field to find child relations given as keywords:
        # a place read from the database (from_db) is given none, and skipping the look
        # halves building it (27 -> 12 us; a search or an area page builds 50).
        if kwargs:
            super().__init__(*args, **kwargs)
        else:
            models.Model.__init__(self, *args)

    def __str__(self):
        return self.name

    @property
    def revisions(self):
        return self._revisions

    def get_absolute_url(self):
        return reverse_one("asset_detail", self.pk)

    @property
    def source_name(self) -> str:
        return source_name(self.source)

    @property
    def source_label(self) -> str:
        """The dataset and the newest edition of it the record was imported from."""
        name = self.source_name
        return f"{name} ({self.source_edition} edition)" if self.source_edition else name

    @property
    def osm_url(self) -> str:
        # The OpenStreetMap extracts we import carry coordinates only for nodes.
        return f"https://www.openstreetmap.org/node/{self.osm_id}" if self.osm_id else ""

    @property
    def is_place_to_meet(self) -> bool:
        return self.category in PLACES_TO_MEET

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self):
        errors = {}
        if self.postcode:
            try:
                self.postcode = Postcode.parse(self.postcode).with_space
            except InvalidPostcode as error:
                errors["postcode"] = str(error)
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Give both latitude and longitude, or neither."
        elif self.is_located:
            if not UK_LATITUDE_RANGE[0] <= Decimal(self.latitude) <= UK_LATITUDE_RANGE[1]:
                errors["latitude"] = "This latitude is outside the United Kingdom."
            if not UK_LONGITUDE_RANGE[0] <= Decimal(self.longitude) <= UK_LONGITUDE_RANGE[1]:
                errors["longitude"] = "This longitude is outside the United Kingdom."
        if errors:
            raise ValidationError(errors)

    def searchable_text(self):
        return search_text(" ".join(str(getattr(self, field) or "") for field in SEARCHED_FIELDS))

    def save(self, *args, **kwargs):
        self.search_name = self.searchable_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(SEARCHED_FIELDS):
            kwargs["update_fields"] = [*update_fields, "search_name"]
        super().save(*args, **kwargs)
        # Child events are committed by ClusterableModel.save(); status follows them.
        status = derive_status(self.events.values_list("date", "kind"))
        if status != self.status:
            self.status = status
            Asset.objects.filter(pk=self.pk).update(status=status)

    def timeline(self):
        return self.events.order_by("-date", "-pk")

    def history(self):
        """The timeline and, apart, what later editions withdrew (withdrawn_events), each
        newest first, with each event's source document and report: one query for both."""
        events = _history(asset=self.pk)
        return [e for e in events if not e.is_withdrawn], [e for e in events if e.is_withdrawn]

    def cited(self):
        """The records of other datasets that name this place."""
        return _cited(asset=self.pk)

    def withdrawn_events(self):
        """What earlier editions of a dataset said and later ones withdrew, newest first."""
        return AssetEvent.every_edition.filter(asset=self).withdrawn().order_by("-date", "-pk")


class AssetEventQuerySet(models.QuerySet):
    def withdrawn(self):
        return self.exclude(withdrawn_by_edition="")

    def of_assets(self, assets):
        """The events of these assets (a queryset), read through the events' asset index
        on every database (see InSubquery)."""
        return self.filter(InSubquery(models.F("asset"), assets.values("pk")))

    def newest_of_kinds(self, kinds, limit):
        """The `limit` newest events of these kinds, newest first. One walk down the
        (kind, date) index per kind, so it costs the same however many such events exist
        (one query over every kind at once sorts them all)."""
        newest = []
        for kind in sorted(kinds):
            newest += (
                self.filter(kind=kind).order_by("-date", "-pk").values_list("date", "pk")[:limit]
            )
        pks = [pk for _date, pk in sorted(newest, reverse=True)[:limit]]
        return self.filter(pk__in=pks).order_by("-date", "-pk")


class LiveEventManager(models.Manager.from_queryset(AssetEventQuerySet)):
    """Events no later edition of their dataset has withdrawn: the only ones that are facts
    for status, indicators, feeds, alerts, the API and exports."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_by_edition="")


def date_in_words(date, precision, until=None) -> str:
    """An event's date as precisely as it is known: '1890', 'June 2019', '1 June 2019',
    'between 2015 and 2018'."""
    if until:
        if precision == DatePrecision.YEAR:
            return f"between {date.year} and {until.year}"
        return f"between {date:%b %Y} and {until:%b %Y}"
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        return date.strftime("%B %Y")
    return f"{date.day} {date:%B %Y}"


class AssetEvent(ChoiceLabels, models.Model):
    """One dated fact in an asset's history: the single source of truth for its status.

    An imported event carries the edition of its dataset that said so. When a later
    edition of the same dataset no longer says so, the event is kept, withdrawn by that
    edition: `AssetEvent.objects` (and so `asset.events`) leaves it out everywhere;
    `AssetEvent.every_edition` still has it, for the history of what each edition said.
    """

    asset = ParentalKey(Asset, on_delete=models.CASCADE, related_name="events")
    date = models.DateField(help_text="For a month or a year, give its first day.")
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    # Known only to lie between two dates (seen in one snapshot, gone from the next): `date`
    # is the earlier one and `date_until` the later; indicators count it from the midpoint.
    date_until = models.DateField("or as late as", null=True, blank=True)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    note = models.TextField(blank=True)
    source_url = models.URLField("source link", blank=True, max_length=500)
    source_document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        max_length=50, blank=True, help_text="Dataset the event was imported from"
    )
    source_edition = models.CharField(
        max_length=10,
        blank=True,
        editable=False,
        help_text="The earliest edition of that dataset that said so: a year (2023) or a "
        "date (2022-01-28); one dataset's editions compare as text",
    )
    withdrawn_by_edition = models.CharField(
        max_length=10,
        blank=True,
        editable=False,
        help_text="The later edition of the same dataset that no longer says so; "
        "empty while the event stands",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LiveEventManager()
    every_edition = models.Manager.from_queryset(AssetEventQuerySet)()

    # The fields an editor fills in on the asset's inline timeline.
    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("date_precision"), FieldPanel("kind")]),
        FieldPanel("note"),
        FieldRowPanel([FieldPanel("source_url"), FieldPanel("source_document")]),
    ]

    class Meta:
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["kind", "date"])]  # by kind too: no index of its own
        constraints = [
            models.CheckConstraint(
                condition=Q(date_until__isnull=True) | Q(date_until__gt=models.F("date")),
                name="event_range_ordered",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.display_date})"

    def clean(self):
        if self.date and self.date_precision == DatePrecision.YEAR:
            self.date = self.date.replace(month=1, day=1)
        elif self.date and self.date_precision == DatePrecision.MONTH:
            self.date = self.date.replace(day=1)
        if self.date and self.date > timezone.localdate() + datetime.timedelta(days=366):
            raise ValidationError({"date": "This date is more than a year in the future."})
        if self.date and self.date_until and self.date_until <= self.date:
            raise ValidationError({"date_until": "The range must end after it starts."})

    @property
    def display_date(self) -> str:
        return date_in_words(self.date, self.date_precision, self.date_until)

    @property
    def source_name(self) -> str:
        return source_name(self.source)

    @property
    def source_label(self) -> str:
        """The dataset and, for an edition of it, which: 'Open Pubs', '… (2022 edition)'."""
        name = self.source_name
        return f"{name} ({self.source_edition} edition)" if self.source_edition else name

    @property
    def is_withdrawn(self) -> bool:
        return bool(self.withdrawn_by_edition)

    @property
    def is_closure(self) -> bool:
        return self.kind in CLOSURE_KINDS


# A place's page reads these for every place: compiled once (core.prepared).
_history = PreparedQuery(
    lambda asset: (
        AssetEvent.every_edition.filter(asset=asset)
        .select_related("source_document", "report")
        .order_by("-date", "-pk")
    ),
    slots={"asset": int},
)
_cited = PreparedQuery(
    lambda asset: AssetSource.objects.filter(asset=asset),
    slots={"asset": int},
)
