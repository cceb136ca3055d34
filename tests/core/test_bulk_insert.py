"""insert_many writes what bulk_create writes, by executemany."""

import datetime
from decimal import Decimal

import pytest

from django.db import IntegrityError, transaction

from assets_register.core.bulk_insert import insert_many, insert_rows
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


def plain_row(ref, name):
    return {"name": name, "category": Category.PUB, "source": "bench", "source_ref": ref}


def test_rows_inserted_as_dicts_take_defaults_and_are_found_by_name():
    Asset.objects.insert_rows([plain_row("plain-1", "The Plough Inn")])
    inserted = Asset.objects.get(source_ref="plain-1")
    assert inserted.created_at is not None and inserted.live
    assert inserted.location_source == LocationSource.NONE
    assert inserted.search_name == "the plough inn"
    assert inserted in Asset.objects.matching("plough")
    # The name index still follows each insert after a bulk one.
    later = AssetFactory(name="The Wheatsheaf")
    assert later in Asset.objects.matching("wheatsheaf")


def test_a_failed_bulk_insert_leaves_the_name_index_whole():
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.insert_rows([plain_row("twice", "Red Lion"), plain_row("twice", "Red Lion")])
    assert not Asset.objects.filter(source_ref="twice").exists()
    later = AssetFactory(name="The Red Lion")
    assert Asset.objects.matching("red lion") == [later]


def test_events_inserted_as_dicts_keep_their_dates():
    asset = AssetFactory()
    insert_rows(
        AssetEvent, [{"asset_id": asset.pk, "kind": "closed", "date": datetime.date(2021, 3, 1)}]
    )
    (saved,) = AssetEvent.every_edition.filter(asset=asset)
    assert (saved.kind, saved.date, saved.date_precision) == (
        "closed",
        datetime.date(2021, 3, 1),
        "day",
    )
