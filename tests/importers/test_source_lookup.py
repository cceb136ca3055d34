"""An import finds the places it made before by (source, ref) through the unique index on
them, which is partial (a ref is not empty): the lookup must say so, or SQLite, and
PostgreSQL for over 100 refs, read the whole table for every batch of an import."""

import pytest

from django.db import connection

from assets_register.models import Asset
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 5000])
def test_places_are_found_by_source_and_ref_through_the_index(count):
    made = [AssetFactory(source="osm", source_ref=f"node/{i}") for i in range(3)]
    AssetFactory(source="osm", source_ref="")  # a place the source gave no ref
    AssetFactory(source="fas", source_ref="node/1")
    refs = [f"node/{i}" for i in range(count)] + [""]
    found = Asset.objects.from_source("osm", refs)
    assert sorted(found.values_list("pk", flat=True)) == sorted(a.pk for a in made[:count])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a small table: make a table read the last resort
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = found.explain()
        assert "asset_unique_source_ref" in plan and "Seq Scan" not in plan
    else:
        plan = found.explain()
        assert "INDEX asset_unique_source_ref" in plan and "SCAN" not in plan, plan
