"""What an area's page reads on every view, each query compiled once per connection
(core.prepared): building and compiling its small queries cost more than running them."""

from django.db.models import Count
from django.utils import timezone

from assets_register.core.prepared import PreparedQuery
from assets_register.core.urls import paths_of
from assets_register.models import Area, AreaKind, Asset, without_geometry
from assets_register.models.areas import prepared_by_code
from assets_register.models.assets import ROW_FIELDS, PlaceRow

PLACES_PER_PAGE = 50


def area_query():
    """The area with its simplified outline (for its map) but not its full boundary, which
    no page shows."""
    return Area.objects.select_related("parent").defer("boundary", *without_geometry("parent"))


# The area by its code (Area.objects.by_code), compiled once.
area_by_code = prepared_by_code(area_query())


def _places(kind, area):
    return Asset.objects.live().filter(**{kind: area})  # Asset.objects.in_area(area)


_status_counts = PreparedQuery(
    lambda kind, area: _places(kind, area).values_list("status").annotate(n=Count("pk")).order_by(),
    slots={"area": int},
)


def status_counts(area):
    """{status: how many of the area's live places have it}."""
    return dict(_status_counts(kind=area.kind, area=area.pk))


_place_rows = PreparedQuery(
    lambda kind, offset, area: (
        _places(kind, area)
        .order_by("category", "name", "pk")
        .values_list("pk", *ROW_FIELDS)[offset : offset + PLACES_PER_PAGE]
    ),
    slots={"area": int},
)


def place_rows_page(area, number):
    """The rows of page `number` of the area's places, by kind and name."""
    offset = (number - 1) * PLACES_PER_PAGE
    return [PlaceRow._make(row) for row in _place_rows(kind=area.kind, offset=offset, area=area.pk)]


_children = PreparedQuery(
    lambda on, kind, parent: (
        Area.objects.filter(parent=parent, kind=kind)
        .current(on)
        .order_by("name", "gss_code")
        .values_list("gss_code", "name")
    ),
    slots={"parent": int},
)


def ward_links(council):
    """(path, name) of each of a council's current wards, by name."""
    rows = _children(on=timezone.localdate(), kind=AreaKind.WARD, parent=council.pk)
    path = paths_of("area_detail")
    return [(path(code), name) for code, name in rows]


_child_count = PreparedQuery(
    lambda on, kind, parent: (
        Area.objects.filter(parent=parent, kind=kind)
        .current(on)
        .values("parent")
        .annotate(n=Count("pk"))
        .values_list("n")
        .order_by()
    ),
    slots={"parent": int},
)


def neighbourhood_count(council):
    counted = _child_count(on=timezone.localdate(), kind=AreaKind.LSOA, parent=council.pk)
    return counted[0][0] if counted else 0
