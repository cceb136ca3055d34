"""PreparedQuery: a queryset compiled once per connection, run with each call's values."""

import datetime
import threading

import pytest

from django.db import connection, connections
from django.db.models import Count, Value
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils.connection import ConnectionDoesNotExist

from assets_register.core.db_routers import _reads_from_replica
from assets_register.core.prepared import PreparedQuery, pk_slots, pk_values
from assets_register.models import Area, Asset, AssetEvent
from tests.factories import AssetEventFactory, AssetFactory, CouncilFactory

pytestmark = pytest.mark.django_db


def events_of(asset, since):
    return (
        AssetEvent.objects.filter(asset=asset, date__gte=since)
        .select_related("asset", "asset__council")
        .annotate(label=Value("x"))
        .order_by("-date", "-pk")
    )


events = PreparedQuery(events_of, slots={"asset": int})


def test_each_call_answers_as_the_queryset_would():
    council = CouncilFactory()
    places = [AssetFactory(council=council), AssetFactory(), AssetFactory()]
    for i, place in enumerate(places):
        for day in range(1, 2 + i * 2):
            AssetEventFactory(asset=place, date=datetime.date(2020, 1, day))
    since = datetime.date(2020, 1, 2)
    for place in [*places, *places]:  # the second round runs the compiled SQL
        got = events(asset=place.pk, since=since)
        expected = list(events_of(place.pk, since))
        assert [(e.pk, e.label, e.asset.name) for e in got] == [
            (e.pk, e.label, e.asset.name) for e in expected
        ]
        assert all(e.asset.council_id == place.council_id for e in got)
    assert events(asset=places[0].pk, since=since) == []  # its one event is before `since`
    assert events(asset=places[0].pk, since=datetime.date(2019, 1, 1))[0].asset == places[0]


def test_a_new_key_value_compiles_anew_and_a_slot_does_not(monkeypatch):
    place = AssetFactory()
    AssetEventFactory(asset=place, date=datetime.date(2020, 6, 1))
    query = PreparedQuery(events_of, slots={"asset": int})
    compiled = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda *a, **k: compiled.append(1) or as_sql(*a, **k)
    )
    with CaptureQueriesContext(connection) as queries:
        assert len(query(asset=place.pk, since=datetime.date(2020, 1, 1))) == 1
        assert query(asset=place.pk + 1, since=datetime.date(2020, 1, 1)) == []
    assert (len(compiled), len(queries)) == (1, 2)
    assert query(asset=place.pk, since=datetime.date(2021, 1, 1)) == []
    assert len(compiled) == 2
    assert len(query.compiled[connections["default"]]) == 2  # one per value of `since`


def test_values_and_aggregates_come_back_as_rows():
    AssetFactory(name="A", category="pub")
    AssetFactory(name="B", category="pub")
    AssetFactory(name="C", category="library")
    counts = PreparedQuery(
        lambda category: (
            Asset.objects.filter(category=category)
            .values("category")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        slots={"category": str},
    )
    assert counts(category="pub") == [{"category": "pub", "n": 2}]
    assert counts(category="library") == [{"category": "library", "n": 1}]
    assert counts(category="park") == []


def test_a_slot_fills_every_parameter_it_became_and_must_become_one():
    holding = CouncilFactory(min_longitude=-1.7, max_longitude=-1.5)
    CouncilFactory(min_longitude=-1.4, max_longitude=-1.2)
    boxes_holding = PreparedQuery(  # one slot, two parameters: the box's two sides
        lambda lon: Area.objects.filter(min_longitude__lte=lon, max_longitude__gte=lon),
        slots={"lon": float},
    )
    assert boxes_holding(lon=-1.6) == [holding]
    assert boxes_holding(lon=-1.45) == []
    unused = PreparedQuery(lambda pk: Asset.objects.all(), slots={"pk": int})
    with pytest.raises(ValueError, match="slot 'pk' is none of the parameters"):
        unused(pk=1)
    transformed = PreparedQuery(
        lambda name: Asset.objects.filter(name__contains=name), slots={"name": str}
    )
    with pytest.raises(ValueError, match="slot 'name' is none of the parameters"):
        transformed(name="Lion")  # LIKE %...%: not the value as given
    with pytest.raises(TypeError, match="only int, float and str"):
        PreparedQuery(events_of, slots={"asset": dict})(asset={}, since=None)


@pytest.mark.django_db(transaction=True)
def test_each_thread_runs_it_on_its_own_connection():
    places = [AssetFactory() for _ in range(4)]
    found, errors = {}, []

    def look_up(place):
        try:
            found[place.pk] = [a.pk for a in by_pk(pk=place.pk)]
        except Exception as error:  # reported below: an assert here would be lost
            errors.append(error)
        finally:
            connection.close()

    by_pk = PreparedQuery(lambda pk: Asset.objects.filter(pk=pk), slots={"pk": int})
    threads = [threading.Thread(target=look_up, args=(p,)) for p in places]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert found == {p.pk: [p.pk] for p in places}
    assert connections["default"] not in by_pk.compiled  # each compiled on its own


def test_the_router_picks_the_database_on_every_call(settings):
    place = AssetFactory()
    by_pk = PreparedQuery(lambda pk: Asset.objects.filter(pk=pk), slots={"pk": int})
    assert by_pk(pk=place.pk) == [place]  # compiled for the primary
    settings.DATABASE_ROUTERS = ["assets_register.core.db_routers.ReplicaRouter"]
    token = _reads_from_replica.set(True)  # as ReplicaReadsMiddleware does for a page
    try:
        with pytest.raises(ConnectionDoesNotExist, match="replica"):  # none in the tests
            by_pk(pk=place.pk)
    finally:
        _reads_from_replica.reset(token)
    assert by_pk(pk=place.pk) == [place]


@pytest.mark.parametrize("pk", [2**63, -(2**63) - 1, 10**20])
def test_an_integer_no_column_can_hold_matches_nothing(pk, client):
    by_pk = PreparedQuery(lambda pk: Asset.objects.filter(pk=pk), slots={"pk": int})
    assert by_pk(pk=pk) == list(Asset.objects.filter(pk=pk)) == []
    assert client.get(f"/assets/{abs(pk)}/").status_code == 404


def test_the_largest_integers_are_looked_up():
    by_pk = PreparedQuery(lambda pk: Asset.objects.filter(pk=pk), slots={"pk": int})
    assert by_pk(pk=2**63 - 1) == by_pk(pk=-(2**63)) == []


def test_pk_values_fill_every_slot_padded_with_the_first():
    assert pk_values([5, 7], 4) == {"pk0": 5, "pk1": 7, "pk2": 5, "pk3": 5}
    assert set(pk_values([1], 3)) == set(pk_slots(3))
