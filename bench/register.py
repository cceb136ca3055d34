"""The synthetic national register for bench/map_api.py: generation and database set-up."""

import numpy as np

from bench.common import reset_database

# A rough outline of England (lon, lat), clockwise from Berwick.
ENGLAND = np.array(
    [
        (-2.03, 55.80),
        (-1.60, 55.60),
        (-1.45, 55.00),
        (-1.15, 54.60),
        (-0.40, 54.45),
        (-0.07, 54.10),
        (0.15, 53.60),
        (0.35, 53.20),
        (0.35, 52.90),
        (1.70, 52.75),
        (1.75, 52.45),
        (1.55, 51.95),
        (0.95, 51.60),
        (1.40, 51.35),
        (1.35, 51.10),
        (0.95, 50.92),
        (0.25, 50.75),
        (-0.80, 50.72),
        (-1.55, 50.68),
        (-2.00, 50.60),
        (-2.45, 50.55),
        (-3.00, 50.68),
        (-3.45, 50.55),
        (-3.65, 50.22),
        (-4.20, 50.33),
        (-5.05, 50.00),
        (-5.70, 50.05),
        (-5.10, 50.45),
        (-4.50, 50.85),
        (-4.20, 51.20),
        (-3.30, 51.20),
        (-2.95, 51.45),
        (-2.65, 51.65),
        (-2.70, 51.85),
        (-3.10, 52.10),
        (-3.10, 52.50),
        (-3.00, 53.00),
        (-3.10, 53.30),
        (-3.05, 53.65),
        (-3.05, 53.95),
        (-3.20, 54.10),
        (-3.60, 54.50),
        (-3.45, 54.90),
        (-3.05, 55.00),
        (-2.55, 55.10),
        (-2.20, 55.45),
    ]
)
# Cities (lon, lat, urban population in thousands); ~300 random towns are added.
CITIES = [
    (-0.128, 51.507, 8900),
    (-1.890, 52.486, 2500),
    (-2.243, 53.481, 2700),
    (-1.549, 53.801, 800),
    (-2.992, 53.408, 900),
    (-1.470, 53.381, 650),
    (-2.588, 51.455, 650),
    (-1.618, 54.978, 800),
    (-1.158, 52.955, 700),
    (-1.140, 52.637, 500),
    (-1.404, 50.910, 500),
    (-1.088, 50.820, 400),
    (-0.137, 50.823, 450),
    (-4.143, 50.376, 260),
    (1.297, 52.631, 200),
    (-0.337, 53.768, 300),
    (-1.082, 53.960, 200),
    (-1.520, 52.407, 370),
    (-2.179, 53.003, 370),
    (-1.475, 52.923, 260),
    (-1.759, 53.796, 540),
    (-0.978, 51.454, 320),
    (-1.258, 51.752, 150),
    (0.122, 52.205, 150),
    (-3.534, 50.718, 130),
    (-2.703, 53.763, 300),
    (-1.235, 54.574, 370),
    (-1.382, 54.907, 280),
    (-0.759, 52.041, 260),
    (-1.880, 50.719, 460),
    (1.148, 52.057, 180),
    (-2.933, 54.893, 75),
    (-2.238, 51.864, 150),
    (-0.541, 53.231, 130),
    (1.079, 51.280, 55),
]
CATEGORIES = {
    "pub": 0.20,
    "place_of_worship": 0.20,
    "park": 0.12,
    "community_centre": 0.12,
    "shop": 0.08,
    "cafe": 0.06,
    "sports_leisure": 0.05,
    "post_office": 0.05,
    "library": 0.04,
    "community_hub": 0.03,
    "youth_club": 0.02,
    "police_station": 0.01,
    "other": 0.02,
}
STATUSES = {
    "open": 0.78,
    "at_risk": 0.05,
    "for_sale": 0.03,
    "temporarily_closed": 0.02,
    "closed": 0.08,
    "demolished": 0.02,
    "converted": 0.02,
}
NAME_ROOTS = [
    "Ashford",
    "Oakfield",
    "Riverside",
    "Millbrook",
    "Hillcrest",
    "St Mary's",
    "St John's",
    "Victoria",
    "Station Road",
    "Market",
    "Church Lane",
    "Kingsway",
    "Elmwood",
    "Greenbank",
    "Northgate",
    "Southfield",
    "Westbury",
    "Abbey",
    "Priory",
    "Castle",
    "Bridge Street",
    "Meadow",
    "Parkside",
    "High Street",
    "Red Lion",
    "Crown",
    "Royal Oak",
    "White Hart",
]


def in_england(lon, lat):
    """Even-odd ray casting against the ENGLAND outline, vectorised over points."""
    inside = np.zeros(len(lon), dtype=bool)
    for (x1, y1), (x2, y2) in zip(ENGLAND, np.roll(ENGLAND, -1, axis=0), strict=True):
        crosses = (y1 > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (lon < x_at)
    return inside


def uniform_in_england(rng, n):
    lo, hi = ENGLAND.min(axis=0), ENGLAND.max(axis=0)
    out = np.empty((0, 2))
    while len(out) < n:
        pts = rng.uniform(lo, hi, size=(2 * n, 2))
        out = np.vstack([out, pts[in_england(pts[:, 0], pts[:, 1])]])
    return out[:n]


def make_register(n, seed):
    """(centres, points): centres is an (k, 4) array lon, lat, population, sigma_deg."""
    rng = np.random.default_rng(seed)
    towns = uniform_in_england(rng, 300)
    town_pop = np.clip(10 * (1 + rng.pareto(1.5, 300)), 10, 300)
    centres = np.vstack([np.array(CITIES, dtype=float), np.column_stack([towns, town_pop])])
    sigma = 0.01 * np.sqrt(centres[:, 2] / 10)  # London ~0.3 deg, a town of 20k ~0.014
    centres = np.column_stack([centres, sigma])

    n_rural = n * 15 // 100
    which = rng.choice(len(centres), size=n - n_rural, p=centres[:, 2] / centres[:, 2].sum())
    points = np.empty((len(which), 2))
    todo = np.arange(len(which))
    for _ in range(50):  # redraw points that fell into the sea, from the same centre
        c = centres[which[todo]]
        points[todo, 0] = c[:, 0] + rng.normal(size=len(todo)) * c[:, 3]
        points[todo, 1] = c[:, 1] + rng.normal(size=len(todo)) * c[:, 3] * 0.62
        todo = todo[~in_england(points[todo, 0], points[todo, 1])]
        if not len(todo):
            break
    points[todo] = uniform_in_england(rng, len(todo))
    points = np.vstack([points, uniform_in_england(rng, n_rural)])
    return centres, points


def insert_assets(n, seed, points):
    from decimal import Decimal

    from django.db import transaction

    from assets_register.models import Asset

    rng = np.random.default_rng(seed + 1)
    labels = dict(Asset._meta.get_field("category").choices)
    categories = rng.choice(list(CATEGORIES), size=n, p=list(CATEGORIES.values()))
    statuses = rng.choice(list(STATUSES), size=n, p=list(STATUSES.values()))
    roots = rng.choice(NAME_ROOTS, size=n)
    with transaction.atomic():
        for start in range(0, n, 5000):
            Asset.objects.bulk_create(
                [
                    Asset(
                        name=f"{roots[i]} {labels[categories[i]]}",
                        category=categories[i],
                        status=statuses[i],
                        live=True,
                        source=f"bench-seed{seed}",
                        source_ref=str(i),
                        location_source="source_data",
                        longitude=Decimal(f"{points[i, 0]:.6f}"),
                        latitude=Decimal(f"{points[i, 1]:.6f}"),
                    )
                    for i in range(start, min(start + 5000, n))
                ]
            )


def prepare_database(args, env, points):
    from assets_register.models import Asset

    reset_database(args.database_url, env, drop=args.rebuild)
    ours = Asset.objects.filter(source=f"bench-seed{args.seed}").count()
    if ours == args.assets == Asset.objects.count():
        return "reused"
    if Asset.objects.exists():
        reset_database(args.database_url, env, drop=True)
    insert_assets(args.assets, args.seed, points)
    return "built"
