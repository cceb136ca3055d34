"""The count of live places of each kind that the database keeps (models.live_places):
whatever writes the asset table, it stays what counting the places would give."""

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse

from assets_register.models import Asset, Category, live_places
from tests.concurrency import at_once
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

KINDS = [Category.PUB, Category.LIBRARY, Category.POST_OFFICE]


def counted():
    rows = Asset.objects.live().values_list("category").annotate(n=Count("pk")).order_by()
    return dict(rows)


# Each writes the table a different way, as the site and its imports do.
def save_new(kind, live):
    AssetFactory(category=kind, live=live)


def bulk_insert(kind, live):
    Asset.objects.bulk_create(
        [AssetFactory.build(category=kind, live=live, search_name="x") for _ in range(3)]
    )


def import_new(kind, live):  # an import's way: the triggers' work done once at the end
    Asset.objects.insert_new([AssetFactory.build(category=kind, live=live) for _ in range(3)])


def unpublish_one(kind, live):
    asset = Asset.objects.filter(category=kind).order_by("pk").first()
    if asset:
        asset.live = live
        asset.save(update_fields=["live"])


def recategorise_all(kind, live):
    Asset.objects.filter(live=live).update(category=kind)


def delete_some(kind, live):
    Asset.objects.filter(category=kind, live=live).delete()


def raw_update(kind, live):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assets_register_asset SET live = %s WHERE category = %s", [live, kind]
        )


WRITES = [
    save_new,
    bulk_insert,
    import_new,
    unpublish_one,
    recategorise_all,
    delete_some,
    raw_update,
]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.sampled_from(WRITES), st.sampled_from(KINDS), st.booleans()), max_size=8)
)
def test_the_count_follows_every_kind_of_write(writes):
    for write, kind, live in writes:
        write(kind, live)
        assert live_places.live_places() == counted(), (write.__name__, kind, live)


def test_installing_counts_the_places_already_held():
    AssetFactory.create_batch(2, category=Category.LIBRARY)
    AssetFactory(category=Category.PUB, live=False)
    live_places.uninstall(connection)
    live_places.install(connection)
    assert live_places.live_places() == {Category.LIBRARY: 2}
    AssetFactory(category=Category.PUB)  # and the triggers are back
    assert live_places.live_places() == {Category.LIBRARY: 2, Category.PUB: 1}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite drops triggers so")
def test_triggers_a_table_copy_dropped_are_made_again_and_the_places_recounted():
    AssetFactory(category=Category.LIBRARY)
    with connection.cursor() as cursor:  # as SQLite's copy of the table for a migration
        for trigger in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER {live_places.TABLE}_{trigger}")
    AssetFactory(category=Category.PUB)  # not counted: no trigger
    assert live_places.live_places() == {Category.LIBRARY: 1}
    live_places.ensure_installed(connection)
    assert live_places.live_places() == {Category.LIBRARY: 1, Category.PUB: 1}


def test_home_shows_the_count_and_filters_only_the_kinds_held(client):
    Asset.objects.bulk_create([AssetFactory.build(category=Category.LIBRARY) for _ in range(1234)])
    AssetFactory(category=Category.PUB, live=False)
    page = client.get(reverse("home")).content.decode()
    assert "1,234 pubs, libraries" in page
    assert 'value="library"' in page and 'value="pub"' not in page


def test_compacting_keeps_the_count():
    AssetFactory.create_batch(3, category=Category.LIBRARY)
    Asset.objects.filter(category=Category.LIBRARY).first().delete()
    live_places.compact()
    assert live_places.live_places() == {Category.LIBRARY: 2}
    with connection.cursor() as cursor:  # PostgreSQL's log is one row a kind again
        cursor.execute(f"SELECT count(*) FROM {live_places.TABLE}")
        assert cursor.fetchone()[0] == 1
    AssetFactory(category=Category.LIBRARY)
    assert live_places.live_places() == {Category.LIBRARY: 3}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's writers take turns")
def test_writers_adding_kinds_in_opposite_orders_neither_wait_nor_deadlock():
    """Two imports' transactions: with a row a kind, each would wait for the other's
    (a deadlock); with one row, the second would wait for the first to commit."""
    halfway = threading.Barrier(2, timeout=10)
    orders = [(Category.PUB, Category.LIBRARY), (Category.LIBRARY, Category.PUB)]

    def write(writer):
        with transaction.atomic():
            for kind in orders[writer]:
                Asset.objects.bulk_create([AssetFactory.build(category=kind)])
                if kind == orders[writer][0]:
                    halfway.wait()  # both hold their first write uncommitted

    at_once(2, write)
    assert live_places.live_places() == {Category.PUB: 2, Category.LIBRARY: 2} == counted()
