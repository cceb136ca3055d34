"""The filters every open-data view shares (area, category, status, bbox, q, source,
changed_since): read from a query string and applied to the live places."""

from django.db.models import Exists, OuterRef, Q

from assets_register.models import Area, Asset, AssetEvent
from assets_register.opendata.schemas import AssetFilters


class UnknownArea(LookupError):
    def __str__(self):
        return f"No area with GSS code {self.args[0]}"


def filter_assets(filters: AssetFilters):
    """The live places the filters select (UnknownArea for an area code we do not hold)."""
    assets = Asset.objects.live()
    if filters.area:
        by_kind = {}
        # Places in any boundary generation of the code: each place points at the one
        # in force when it was located.
        for pk, kind in Area.objects.with_code(filters.area).values_list("pk", "kind"):
            by_kind.setdefault(kind, []).append(pk)
        if not by_kind:
            raise UnknownArea(filters.area)
        in_area = Q()
        for kind, pks in by_kind.items():
            in_area |= Q(**{f"{kind}__in": pks})
        assets = assets.filter(in_area)
    if filters.category:
        assets = assets.filter(category__in=filters.category)
    if filters.status:
        assets = assets.filter(status__in=filters.status)
    if filters.bbox:
        assets = assets.in_bbox(*filters.bbox_numbers)
    for word in (filters.q or "").split():
        assets = assets.filter(Q(name__icontains=word) | Q(address__icontains=word))
    if filters.source:
        assets = assets.filter(source=filters.source)
    if filters.changed_since:
        since = filters.changed_since
        assets = assets.filter(
            Q(updated_at__gte=since)
            | Exists(AssetEvent.objects.filter(asset=OuterRef("pk"), recorded_at__gte=since))
        )
    return assets


def parse_filters(params):
    """AssetFilters from a query string, as the API reads it; empty values are unset."""
    data = {}
    for name in AssetFilters.model_fields:
        values = [value for value in params.getlist(name) if value.strip()]
        if values:
            data[name] = values if name in ("category", "status") else values[0]
    return AssetFilters.model_validate(data)
