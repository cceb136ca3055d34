"""Every council's assets of community value at a glance: figures per council and the
listed places for a national map. Each figure is one grouped query, so the page costs the
same for three councils as for three hundred."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from assets_register.acv.lists import entries_on_list, published_nominations
from assets_register.models import (
    Area,
    BidderRequest,
    CommunityPurchase,
    DisposalNotice,
    Nomination,
)
from assets_register.models.areas import GEOMETRY_FIELDS

FIGURE_LABELS = {
    "listed": "Listed",
    "pending": "Under consideration",
    "unsuccessful": "Unsuccessful",
    "notices": "Notices to sell",
    "bids": "Bids",
    "purchases": "Community purchases",
}
FIGURES = tuple(FIGURE_LABELS)


@dataclass
class CouncilFigures:
    council: Area
    counts: dict = field(default_factory=dict)

    def __getattr__(self, name):
        if name in FIGURES:
            return self.counts.get(name, 0)
        raise AttributeError(name)


def _per_council(queryset, council_path):
    return dict(queryset.values_list(council_path).annotate(n=Count("pk")).order_by())


def council_figures(today):
    """(councils with any record, their totals, councils with none), by council name."""
    counts = {
        "listed": _per_council(entries_on_list(today), "council"),
        "pending": _per_council(
            published_nominations().filter(outcome=Nomination.Outcome.PENDING), "council"
        ),
        "unsuccessful": _per_council(
            Nomination.objects.filter(outcome=Nomination.Outcome.UNSUCCESSFUL), "council"
        ),
        "notices": _per_council(DisposalNotice.objects.all(), "entry__council"),
        "purchases": _per_council(
            DisposalNotice.objects.filter(outcome=DisposalNotice.Outcome.SOLD_TO_COMMUNITY),
            "entry__council",
        ),
    }
    # A bid is a request to be treated as a bidder (2012 rules) or a registered intention to
    # buy (the Community Right to Buy): each is one group stepping forward.
    bids = _per_council(BidderRequest.objects.all(), "notice__entry__council")
    for council, n in _per_council(
        CommunityPurchase.objects.all(), "notice__entry__council"
    ).items():
        bids[council] = bids.get(council, 0) + n
    counts["bids"] = bids
    with_records, without = [], []
    for council in Area.objects.councils().current().defer(*GEOMETRY_FIELDS).order_by("name"):
        row = CouncilFigures(council, {name: counts[name].get(council.pk, 0) for name in FIGURES})
        if any(row.counts.values()):
            with_records.append(row)
        else:
            without.append(council)
    totals = {name: sum(by_council.values()) for name, by_council in counts.items()}
    return with_records, totals, without


def listed_places(today):
    """Located places on a list today, as GeoJSON features for the national map."""
    entries = (
        entries_on_list(today)
        .filter(asset__latitude__isnull=False, asset__longitude__isnull=False)
        .values_list(
            "asset_id", "asset__name", "asset__latitude", "asset__longitude", "council__name"
        )
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": {
                    "name": name,
                    "url": reverse("asset_detail", args=[pk]),
                    "council": council,
                },
            }
            for pk, name, lat, lon, council in entries
        ],
    }
