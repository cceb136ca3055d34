"""The register small enough to count by hand that the indicator tests read
(every figure is in test_compute.py's docstring)."""

import datetime

import pytest

from assets_register.models import AreaKind, Category, DatePrecision, EventKind

from ..factories import AreaFactory, AssetEventFactory, AssetFactory, CouncilFactory, square

ON = datetime.date(2025, 3, 1)
DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR


def place(name, areas, category=Category.PUB, events=(), **fields):
    council, ward, lsoa = areas
    asset = AssetFactory(
        name=name, category=category, council=council, ward=ward, lsoa=lsoa, **fields
    )
    for kind, date, precision in events:
        AssetEventFactory(asset=asset, kind=kind, date=date, date_precision=precision)
    return asset


def build_counted_register():
    north = CouncilFactory(
        gss_code="E06000901",
        name="Northtown",
        population=10_000,
        boundary=square(-1.0, 54.0, -0.7, 54.1),
    )
    south = CouncilFactory(
        gss_code="E06000902",
        name="Southby",
        population=4_000,
        boundary=square(-2.0, 53.0, -1.9, 53.1),
    )
    AreaFactory(
        gss_code="E05000901",
        name="Abbey (2003)",
        parent=north,
        valid_from=datetime.date(2003, 5, 1),
        valid_to=datetime.date(2019, 5, 1),
        boundary=square(-1.0, 54.0, -0.85, 54.1),
    )
    abbey = AreaFactory(
        gss_code="E05000901",
        name="Abbey",
        parent=north,
        population=2_000,
        valid_from=datetime.date(2019, 5, 2),
        boundary=square(-1.0, 54.0, -0.9, 54.1),
    )
    bridge = AreaFactory(
        gss_code="E05000902",
        name="Bridge",
        parent=north,
        population=500,
        boundary=square(-0.9, 54.0, -0.8, 54.1),
    )
    cross = AreaFactory(
        gss_code="E05000903", name="Cross", parent=north, boundary=square(-0.8, 54.0, -0.7, 54.1)
    )
    dale = AreaFactory(
        gss_code="E05000904",
        name="Dale",
        parent=south,
        population=4_000,
        boundary=square(-2.0, 53.0, -1.9, 53.1),
    )

    def lsoa(code, name, box, rank, decile, population, council):
        return AreaFactory(
            gss_code=code,
            name=name,
            kind=AreaKind.LSOA,
            parent=council,
            imd_rank=rank,
            imd_decile=decile,
            population=population,
            boundary=square(*box),
        )

    abbey_north = lsoa(
        "E01000901", "Abbey North", (-1.0, 54.0, -0.95, 54.05), 1_000, 1, 3_000, north
    )
    abbey_south = lsoa(
        "E01000902", "Abbey South", (-0.95, 54.05, -0.9, 54.1), 5_000, 2, 1_000, north
    )
    # Its centre is inside the old Abbey, not the current one: it belongs to Bridge.
    bridge_lsoa = lsoa(
        "E01000903", "Bridge Town", (-0.9, 54.0, -0.85, 54.05), 20_000, 7, 500, north
    )
    dale_lsoa = lsoa("E01000904", "Dale Town", (-2.0, 53.0, -1.95, 53.05), 30_000, 10, 4_000, south)

    a_north, a_south = (north, abbey, abbey_north), (north, abbey, abbey_south)
    d = datetime.date
    place("The Crown", a_north)
    place("Abbey Library", a_north, Category.LIBRARY, [(EventKind.CLOSED, d(2017, 6, 10), DAY)])
    place("The Plough", a_north, events=[(EventKind.CLOSED, d(2020, 1, 1), YEAR)])
    place(
        "Abbey Hall",
        a_south,
        Category.COMMUNITY_CENTRE,
        [(EventKind.CLOSED, d(2016, 1, 15), DAY), (EventKind.REOPENED, d(2022, 9, 1), DAY)],
    )
    place("Bean There", a_south, Category.CAFE, [(EventKind.OPENED, d(2021, 5, 1), MONTH)])
    place("The Anchor", a_south, events=[(EventKind.AT_RISK, d(2023, 1, 1), DAY)])
    place(
        "The Swan",
        a_south,
        events=[
            (EventKind.CLOSED, d(2018, 4, 1), DAY),
            (EventKind.LISTED_FOR_SALE, d(2019, 1, 1), DAY),
        ],
    )
    place(
        "Abbey Post Office",
        a_south,
        Category.POST_OFFICE,
        [(EventKind.CLOSED, d(2019, 1, 1), YEAR)],
    )
    place("The Ghost", a_south, events=[(EventKind.CLOSED, d(2018, 1, 1), YEAR)], live=False)
    place(
        "Bridge Inn", (north, bridge, bridge_lsoa), events=[(EventKind.CLOSED, d(2019, 8, 1), DAY)]
    )
    place("Bridge Library", (north, bridge, bridge_lsoa), Category.LIBRARY)
    place("The Cross Keys", (north, cross, None), events=[(EventKind.CLOSED, d(2018, 1, 1), YEAR)])
    place(
        "Cross Library",
        (north, cross, None),
        Category.LIBRARY,
        [(EventKind.CLOSED, d(2019, 2, 1), DAY)],
    )
    place("The Dale", (south, dale, dale_lsoa))
    place(
        "Dale Youth Club",
        (south, dale, dale_lsoa),
        Category.YOUTH_CLUB,
        [(EventKind.OPENED, d(2010, 1, 1), DAY)],
    )
    return {
        area.name: area
        for area in (
            north,
            south,
            abbey,
            bridge,
            cross,
            dale,
            abbey_north,
            abbey_south,
            bridge_lsoa,
            dale_lsoa,
        )
    }


@pytest.fixture
def register():
    return build_counted_register()
