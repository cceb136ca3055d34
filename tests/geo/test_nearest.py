"""nearest_assets: the ten nearest live places, however far the search box must widen."""

import random

import pytest

from assets_register.core.distance import distance_km
from assets_register.geo.lookup import nearest_assets
from assets_register.models import Asset

from ..factories import AssetFactory

pytestmark = pytest.mark.django_db

HERE = (54.0, -1.5)


def brute_force(latitude, longitude, limit=10):
    ranked = sorted(
        (distance_km(latitude, longitude, float(lat), float(lon)), pk)
        for pk, lat, lon in Asset.objects.live()
        .located()
        .values_list("pk", "latitude", "longitude")
    )
    return [(pk, km) for km, pk in ranked[:limit]]


@pytest.mark.parametrize("spread_km", [1, 4, 8, 30])
def test_the_nearest_ten_are_the_nearest_of_all(spread_km):
    """Places up to `spread_km` away in every direction: the search stops at the 2, 5,
    10 or 50 km box and still returns exactly the ten a full ranking would."""
    rng = random.Random(spread_km)
    for n in range(40):
        AssetFactory(
            name=f"Place {n}",
            latitude=round(HERE[0] + rng.uniform(-1, 1) * spread_km / 111, 6),
            longitude=round(HERE[1] + rng.uniform(-1, 1) * spread_km / 65, 6),
        )
    AssetFactory(name="Draft", latitude=HERE[0], longitude=HERE[1], live=False)
    found = [(asset.pk, km) for asset, km in nearest_assets(*HERE)]
    assert found == brute_force(*HERE)
    assert "Draft" not in {asset.name for asset, _ in nearest_assets(*HERE)}
