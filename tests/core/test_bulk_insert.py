"""insert_many writes what bulk_create writes, by executemany."""

import datetime
from decimal import Decimal

import pytest

from assets_register.core.bulk_insert import insert_many
from assets_register.models import Asset, AssetEvent, Category, LocationSource

from ..factories import AssetFactory, CouncilFactory

pytestmark = pytest.mark.django_db
SKIPPED = {"id", "source_ref", "created_at", "updated_at"}


def new_asset(ref, council):
    return Asset(
        name="The Queen's Head",
        category=Category.PUB,
        address="1 Market Place, Durham",
        postcode="DH1 3NJ",
        latitude=Decimal("54.776100"),
        longitude=Decimal("-1.575300"),
        location_source=LocationSource.POSTCODE,
        council=council,
        source="bench",
        source_ref=ref,
        live=True,
    )


def stored(ref):
    row = Asset.objects.filter(source_ref=ref).values().get()
    return {name: value for name, value in row.items() if name not in SKIPPED}


def test_new_assets_are_stored_as_bulk_create_stores_them_and_found_by_name():
    council = CouncilFactory()
    Asset.objects.bulk_create([new_asset("by-bulk-create", council)])
    Asset.objects.insert_new([new_asset("by-insert-many", council)])
    assert stored("by-insert-many") == stored("by-bulk-create")
    inserted = Asset.objects.get(source_ref="by-insert-many")
    assert inserted.created_at is not None and inserted.search_name
    assert inserted in Asset.objects.matching("queens head")


def test_events_keep_their_dates_and_foreign_keys():
    asset = AssetFactory()
    event = AssetEvent(asset_id=asset.pk, kind="closed", date=datetime.date(2021, 3, 1), note="")
    insert_many(AssetEvent, [event])
    (saved,) = AssetEvent.every_edition.filter(asset=asset)
    assert (saved.kind, saved.date, saved.date_precision) == (
        "closed",
        datetime.date(2021, 3, 1),
        "day",
    )
