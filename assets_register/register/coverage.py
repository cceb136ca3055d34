"""What the register holds, computed from the data: the councils with places, the kinds of
place with their counts, and the datasets with the editions (or snapshot dates) loaded.
Each figure is one aggregate query, however many councils there are."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Min

from assets_register.core.licences import source_name
from assets_register.models import Area, Asset, AssetEvent, AssetSource, Category


@dataclass
class Dataset:
    key: str
    places: int = 0
    editions: set = field(default_factory=set)
    first_seen: object = None
    last_seen: object = None

    @property
    def name(self):
        return source_name(self.key) if self.key else "Added by hand or by residents' reports"

    @property
    def edition_list(self):
        return sorted(self.editions)


@dataclass
class Coverage:
    councils: list  # rows: gss_code, name, places
    kinds: list  # (label, count), commonest first
    datasets: list
    places: int
    unplaced: int  # live places in no council we hold


def coverage() -> Coverage:
    live = Asset.objects.live()
    # Counted on the asset table alone, then named: a join per row costs far more.
    places_by_council = dict(
        live.filter(council__isnull=False)
        .values_list("council_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    councils = [
        {"council__gss_code": code, "council__name": name, "places": places_by_council[pk]}
        for pk, code, name in Area.objects.filter(pk__in=places_by_council)
        .order_by("name")
        .values_list("pk", "gss_code", "name")
    ]
    labels = dict(Category.choices)
    kinds = sorted(
        (
            (labels.get(category, category), n)
            for category, n in live.values_list("category").annotate(n=Count("pk")).order_by()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    datasets = _datasets(live)
    places = sum(n for _, n in kinds)
    return Coverage(
        councils=councils,
        kinds=kinds,
        datasets=datasets,
        places=places,
        unplaced=places - sum(row["places"] for row in councils),
    )


def _datasets(live):
    """Every dataset a place or an event came from, with the editions that gave them.
    Council ACV keys ('acv-import:E06…') fold to one line per reader's name."""
    by_key = {}

    def dataset(key):
        key = _folded(key)
        return by_key.setdefault(key, Dataset(key))

    for key, n in live.values_list("source").annotate(n=Count("pk")).order_by():
        dataset(key).places += n
    editions = live.exclude(source_edition="").values_list("source", "source_edition")
    event_editions = AssetEvent.every_edition.exclude(source_edition="").values_list(
        "source", "source_edition"
    )
    # order_by(): the models' default orderings would otherwise join DISTINCT's columns.
    for key, edition in {*editions.order_by().distinct(), *event_editions.order_by().distinct()}:
        dataset(key).editions.add(edition)
    for key, first, last, n in (
        AssetSource.objects.values_list("source")
        .annotate(Min("first_seen"), Max("last_seen"), Count("pk"))
        .order_by()
    ):
        found = dataset(key)
        found.first_seen, found.last_seen = first, last
        if not found.places:
            found.places = n
    return sorted(by_key.values(), key=lambda d: (not d.key, -d.places, d.key))


def _folded(key):
    return "acv" if key.startswith("acv") else key
