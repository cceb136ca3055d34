"""Atom feeds of what happened, for a council or ward, one place, or a circle round a
postcode: the same selections as email alerts, with no sign-up. `?topics=closures,acv`
narrows them. Worded by alerts.describe_event; nothing personal is in them."""

import copy
import datetime
import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language

from assets_register.alerts.matching import describe_event, listed_asset_ids, place_named
from assets_register.core.distance import bounding_box, distance_km
from assets_register.core.postcodes import Postcode
from assets_register.core.urls import reverse_one
from assets_register.geo.lookup import locate_postcode
from assets_register.models import (
    RADIUS_KM_RANGE,
    TOPIC_OF_EVENT,
    Asset,
    AssetEvent,
    RegimeBook,
    Topic,
)
from assets_register.models.areas import named_area

FEED_LENGTH = 50
# What an item draws of an event and of its place (describe_event, matching.place_named).
EVENT_FIELDS = ("asset_id", "date", "date_precision", "date_until", "kind", "note")
PLACE_FIELDS = ("name", "ward__name", "council__name")


def happened_at(event):
    """The start of the day, month or year the event is dated to (its stored date)."""
    return datetime.datetime.combine(event.date, datetime.time(), tzinfo=datetime.UTC)


class AtomFeed(Atom1Feed):
    def write(self, outfile, encoding):
        """Into the response in one piece: a write() to it per XML element and text cost
        a tenth of a feed."""
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())


class EventFeed(Feed):
    feed_type = AtomFeed
    author_name = settings.WAGTAIL_SITE_NAME  # every Atom feed needs one (RFC 4287 4.1.1)

    def author_link(self):
        return settings.SITE_URL

    query_params = ("topics",)  # what the page cache keys on (core/caching.py)

    def __call__(self, request, *args, **kwargs):
        # A copy a request: the URLconf holds one instance for every thread of a process,
        # and an answer keeps its request, topics, day and listed places on the feed.
        return copy.copy(self)._answer(request, *args, **kwargs)

    def _answer(self, request, *args, **kwargs):
        self.request = request
        wanted = [t for t in request.GET.get("topics", "").split(",") if t in Topic.values]
        self.kinds = [
            kind for kind, topic in TOPIC_OF_EVENT.items() if not wanted or topic in wanted
        ]
        # Periods worded in the items ("six weeks") read the law once, if at all.
        with RegimeBook().in_use():
            return super().__call__(request, *args, **kwargs)

    def get_feed(self, obj, request):
        """Django's Feed.get_feed for what these feeds set: Django asks each item for a
        dozen attributes by name, one look-up at a time, which cost more than the item."""
        site, secure = get_current_site(request), request.is_secure()
        feed = self.feed_type(
            title=self.title(obj),
            link=add_domain(site.domain, self.link(obj), secure),
            description=None,
            language=self.language or get_language(),
            feed_url=add_domain(site.domain, request.path, secure),
            author_name=self.author_name,
            author_link=self.author_link(),
        )
        for event in self.items(obj):
            title = self.item_title(event)  # first: it words the event for the rest
            link = add_domain(site.domain, self.item_link(event), secure)
            feed.add_item(
                title=title,
                link=link,
                description=self.item_description(event),
                unique_id=link,
                # When it happened, not when it was imported: a closure of 2015 loaded
                # today is old news, and sorts so in a reader.
                pubdate=happened_at(event),
                updateddate=happened_at(event),
            )
        return feed

    def events(self, events):
        """The newest of these events, each with the name its item gives its place: read
        as values, since a place's model costs more to make than its item to write."""
        rows = (
            events.filter(kind__in=self.kinds)
            .order_by("-date", "-pk")
            .values_list("pk", *EVENT_FIELDS, *(f"asset__{name}" for name in PLACE_FIELDS))
        )
        events = []
        for pk, *fields, name, ward, council in rows[:FEED_LENGTH]:
            event = AssetEvent(pk=pk, **dict(zip(EVENT_FIELDS, fields, strict=True)))
            event.place_name = place_named(name, ward if ward is not None else council)
            events.append(event)
        self.today = timezone.localdate()
        # Only a closure's item asks whether its place is listed.
        closed = {e.asset_id for e in events if TOPIC_OF_EVENT.get(e.kind) == Topic.CLOSURES}
        self.listed = listed_asset_ids(closed, self.today) if closed else set()
        return events

    def item_title(self, event):
        event.path = reverse_one("asset_detail", event.asset_id)
        event.news = describe_event(
            event, self.today, self.listed, url=event.path, name=event.place_name
        )
        return event.news.headline

    def item_description(self, event):
        return " ".join(part for part in (event.news.action, event.note) if part)

    def item_link(self, event):
        return f"{event.path}#event-{event.pk}"


class AreaFeed(EventFeed):
    def get_object(self, request, gss_code):
        area = named_area(gss_code)
        if area is None:
            raise Http404("No such area")
        return area

    def title(self, area):
        return f"Places to meet in {area.name}: what is happening"

    def link(self, area):
        return area.get_absolute_url()

    def items(self, area):
        # Asset.objects.live().in_area(area) as a join: SQLite plans it better than
        # asset__in that subquery (a council's feed, 6.4 -> 4.7 ms at 150,000 places).
        live_here = {"asset__live": True, f"asset__{area.kind}": area}
        return self.events(AssetEvent.objects.filter(**live_here))


class AssetFeed(EventFeed):
    def get_object(self, request, pk):
        return get_object_or_404(Asset.objects.live().only("name"), pk=pk)

    def title(self, asset):
        return f"{asset.name}: what is happening"

    def link(self, asset):
        return asset.get_absolute_url()

    def items(self, asset):
        return self.events(AssetEvent.objects.filter(asset=asset))


@dataclass
class Circle:
    postcode: str
    latitude: float
    longitude: float
    radius_km: float


class NearbyFeed(EventFeed):
    """?postcode=DH7 6LQ&km=2: places within that distance."""

    query_params = ("postcode", "km", *EventFeed.query_params)

    def get_object(self, request):
        postcode = Postcode.parse_or_none(request.GET.get("postcode", ""))
        found = postcode and locate_postcode(postcode)
        try:
            km = float(request.GET.get("km", "2"))
        except ValueError:
            km = -1
        if not found or not RADIUS_KM_RANGE[0] <= km <= RADIUS_KM_RANGE[1]:
            raise Http404("Give a postcode we know and km from 0.5 to 20")
        return Circle(found.postcode, found.latitude, found.longitude, km)

    def title(self, circle):
        return f"Places to meet within {circle.radius_km:g} km of {circle.postcode}"

    def link(self, circle):
        return f"{reverse('search')}?q={circle.postcode}"

    def items(self, circle):
        return self.events(AssetEvent.objects.filter(asset__in=within(circle)))


def within(circle):
    """Live assets inside the circle: bounding box in the database, exact distance after."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(
        circle.latitude, circle.longitude, circle.radius_km
    )
    boxed = Asset.objects.live().in_bbox(min_lon, min_lat, max_lon, max_lat)
    ids = [
        pk
        for pk, lat, lon in boxed.values_list("pk", "latitude", "longitude")
        if distance_km(circle.latitude, circle.longitude, float(lat), float(lon))
        <= circle.radius_km
    ]
    return Asset.objects.filter(pk__in=ids)
