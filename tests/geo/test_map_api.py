import json
import threading
import time

import pytest

from django.db import OperationalError
from django.urls import reverse

from assets_register.geo import map_index
from assets_register.models import Asset, EventKind

from ..factories import AssetEventFactory, AssetFactory

pytestmark = pytest.mark.django_db
SACRISTON = "-1.70,54.78,-1.55,54.85"


def get(client, **params):
    return client.get(reverse("api:map_markers"), params)


def test_returns_geojson_points_for_the_visible_box_only(client):
    inside = AssetFactory(name="Inside", latitude=54.816, longitude=-1.626)
    AssetFactory(name="Outside", latitude=52.0, longitude=-1.0)
    response = get(client, bbox=SACRISTON, zoom=14)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "max-age=60" in response["Cache-Control"]
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["total"] == 1
    (feature,) = data["features"]
    assert feature["geometry"]["coordinates"] == [-1.626, 54.816]
    assert feature["properties"] == {
        "id": inside.pk,
        "name": "Inside",
        "category": "pub",
        "status": "open",
        "url": f"/assets/{inside.pk}/",
    }


def test_drafts_and_unlocated_assets_are_not_on_the_map(client):
    AssetFactory(live=False)
    AssetFactory(latitude=None, longitude=None)
    assert get(client, bbox=SACRISTON, zoom=14).json()["total"] == 0


def test_category_and_status_filters(client):
    AssetFactory(category="pub")
    library = AssetFactory(category="library")
    closed_pub = AssetFactory(category="pub")
    AssetEventFactory(asset=closed_pub, kind=EventKind.CLOSED)

    def names(**params):
        features = get(client, bbox=SACRISTON, zoom=14, **params).json()["features"]
        return {f["properties"]["id"] for f in features}

    assert names(category="library") == {library.pk}
    assert names(category="pub", status="closed") == {closed_pub.pk}
    assert len(names(category="pub,library")) == 3


def test_many_points_at_low_zoom_are_clustered_with_counts(client, monkeypatch):
    monkeypatch.setattr(map_index, "MAX_POINTS", 5)
    for i in range(12):
        AssetFactory(latitude=54.80 + i * 0.001, longitude=-1.62)
    AssetFactory(latitude=51.5, longitude=-0.1)
    data = get(client, bbox="-6,49.9,2,55.9", zoom=6).json()
    assert data["clustered"] and data["total"] == 13
    clusters = [f for f in data["features"] if f["properties"].get("cluster")]
    singles = [f for f in data["features"] if not f["properties"].get("cluster")]
    assert [c["properties"]["count"] for c in clusters] == [12]
    assert len(singles) == 1  # a lone point in its cell stays a point
    # where the box holds no more than MAX_POINTS, each place is its own marker
    monkeypatch.setattr(map_index, "MAX_POINTS", 12)
    street = get(client, bbox="-1.63,54.79,-1.61,54.82", zoom=16).json()
    assert street["total"] == 12 and len(street["features"]) == 12
    assert not any(f["properties"].get("cluster") for f in street["features"])


def test_no_response_holds_more_than_max_points_features(client, monkeypatch):
    """A crowded box is clustered at coarser zooms until it fits, whatever the zoom asked."""
    monkeypatch.setattr(map_index, "MAX_POINTS", 4)
    for i in range(40):
        AssetFactory(latitude=54.0 + (i % 8) * 0.1, longitude=-2.0 + (i // 8) * 0.1)
    for zoom in (6, 12, 16):
        data = get(client, bbox="-3,53,0,56", zoom=zoom).json()
        assert data["total"] == 40 and data["clustered"]
        assert len(data["features"]) <= 4
        assert sum(f["properties"].get("count", 1) for f in data["features"]) == 40
    filtered = get(client, bbox="-3,53,0,56", zoom=16, category="pub").json()
    assert len(filtered["features"]) <= 4 and filtered["total"] == 40


def test_new_and_changed_assets_show_up_without_waiting(client):
    assert get(client, bbox=SACRISTON, zoom=14).json()["total"] == 0
    asset = AssetFactory()
    assert get(client, bbox=SACRISTON, zoom=14).json()["total"] == 1
    AssetEventFactory(asset=asset, kind=EventKind.CLOSED)
    feature = get(client, bbox=SACRISTON, zoom=14).json()["features"][0]
    assert feature["properties"]["status"] == "closed"


def test_an_unchanged_answer_is_a_304_and_any_change_gives_a_new_etag(client):
    asset = AssetFactory()
    first = get(client, bbox=SACRISTON, zoom=14)
    etag = first["ETag"]
    again = client.get(
        reverse("api:map_markers"), {"bbox": SACRISTON, "zoom": 14}, HTTP_IF_NONE_MATCH=etag
    )
    assert again.status_code == 304 and again["ETag"] == etag
    assert get(client, bbox=SACRISTON, zoom=13)["ETag"] != etag  # another query
    assert get(client, bbox=SACRISTON, zoom=14, category="library")["ETag"] != etag
    AssetEventFactory(asset=asset, kind=EventKind.CLOSED)  # another register
    changed = client.get(
        reverse("api:map_markers"), {"bbox": SACRISTON, "zoom": 14}, HTTP_IF_NONE_MATCH=etag
    )
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["features"][0]["properties"]["status"] == "closed"


def test_processes_that_loaded_the_same_places_give_the_same_etag():
    AssetFactory()
    one, other = map_index.MarkerIndex.from_database(), map_index.MarkerIndex.from_database()
    assert one is not other
    assert one.etag((-2, 54, -1, 55), 14) == other.etag((-2, 54, -1, 55), 14)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"zoom": 5}, "bbox"),
        ({"bbox": "1,2,3", "zoom": 5}, "bbox"),
        ({"bbox": "a,b,c,d", "zoom": 5}, "bbox"),
        ({"bbox": "2,54,-2,55", "zoom": 5}, "wrong way round"),
        ({"bbox": SACRISTON}, "zoom"),
        ({"bbox": SACRISTON, "zoom": 40}, "zoom"),
        ({"bbox": SACRISTON, "zoom": 10, "category": "bank"}, "category"),
        ({"bbox": SACRISTON, "zoom": 10, "status": "haunted"}, "status"),
        ({"bbox": "nan,nan,nan,nan", "zoom": 5}, "bbox"),
    ],
)
def test_bad_queries_get_a_422_with_a_reason_as_the_rest_of_the_api(client, params, message):
    response = client.get(reverse("api:map_markers"), params)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert message in f"{problem['loc']} {problem['msg']}"


def test_query_count_does_not_grow_with_the_register(client, django_assert_max_num_queries):
    for i in range(50):
        AssetFactory(latitude=54.80 + i * 0.0005, longitude=-1.62)
    get(client, bbox=SACRISTON, zoom=14)  # builds the index
    with django_assert_max_num_queries(0):
        assert get(client, bbox=SACRISTON, zoom=14).json()["total"] == 50


def test_the_index_read_a_chunk_at_a_time_keeps_every_name_and_point(monkeypatch):
    names = ['The "Quoted" Arms', "Café Ünïcode", "Back\\slash", "Plain", "Tied"]
    for n, name in enumerate(names):
        AssetFactory(name=name, latitude=54.8 + n / 100, longitude=-1.6 + (n % 4) / 100)
    monkeypatch.setattr(map_index.MarkerIndex, "CHUNK", 2)
    index = map_index.MarkerIndex.from_database()
    assert len(index) == 5 and list(index.longitudes) == sorted(index.longitudes)
    body = index.feature_collection_json((-2, 54, -1, 55), 16)
    features = json.loads(body)["features"]
    assert sorted(f["properties"]["name"] for f in features) == sorted(names)
    for feature in features:
        asset = Asset.objects.get(pk=feature["properties"]["id"])
        assert feature["geometry"]["coordinates"] == [float(asset.longitude), float(asset.latitude)]
    rows = [
        (
            f["properties"]["id"],
            f["properties"]["name"],
            *f["geometry"]["coordinates"],
            f["properties"]["category"],
            f["properties"]["status"],
        )
        for f in features
    ]
    assert map_index.MarkerIndex(rows).feature_collection_json((-2, 54, -1, 55), 16) == body


def test_a_rebuild_that_finds_nothing_changed_keeps_the_index_it_had():
    asset = AssetFactory()
    built = map_index.marker_index()
    map_index._build(map_index.map_version())  # the periodic refresh, nothing edited
    assert map_index.marker_index() is built  # its memory and cluster tables kept
    AssetEventFactory(asset=asset, kind=EventKind.CLOSED)
    assert map_index.marker_index() is not built


def test_with_a_shared_cache_no_process_rebuilds_on_a_timer(monkeypatch):
    AssetFactory()
    built = map_index.marker_index()
    monkeypatch.setitem(map_index._state, "built_at", -1e9)  # long past its refresh
    started = []
    idle = threading.Thread()  # stands in for the refresh, which is not run here
    monkeypatch.setattr(map_index.threading, "Thread", lambda **kw: started.append(kw) or idle)
    with monkeypatch.context() as shared:  # the cache is not this process's memory
        shared.setattr(map_index, "LocMemCache", type("SharedCache", (), {}))
        assert map_index.marker_index() is built and started == []
    map_index.marker_index()
    assert len(started) == 1  # a per-process cache misses others' edits: refresh on a timer
    map_index._lock.release()


def test_a_process_of_its_own_cache_refreshes_once_its_pages_have_expired(monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 600
    AssetFactory()
    map_index.marker_index()
    started = []
    idle = threading.Thread()
    monkeypatch.setattr(map_index.threading, "Thread", lambda **kw: started.append(kw) or idle)
    monkeypatch.setitem(map_index._state, "built_at", time.monotonic() - 300)
    map_index.marker_index()
    assert started == []  # its pages still show what it read then: so does its map
    monkeypatch.setitem(map_index._state, "built_at", time.monotonic() - 601)
    map_index.marker_index()
    assert len(started) == 1
    map_index._lock.release()


def test_warm_up_builds_the_index_and_hands_no_connection_to_forked_workers(monkeypatch):
    AssetFactory()
    closed = []
    monkeypatch.setattr(map_index.connections, "close_all", lambda: closed.append(True))
    map_index.warm_up()
    assert len(map_index._state["index"]) == 1 and closed


def test_warm_up_on_a_database_not_yet_migrated_leaves_the_index_for_later(monkeypatch):
    def no_table():
        raise OperationalError("no such table: assets_register_asset")

    monkeypatch.setattr(map_index.MarkerIndex, "from_database", staticmethod(no_table))
    monkeypatch.setattr(map_index.connections, "close_all", lambda: None)
    map_index.warm_up()
    assert map_index._state["index"] is None


def test_a_rebuild_reads_the_rows_first_and_builds_nothing_when_they_are_the_same(monkeypatch):
    AssetFactory()
    built = map_index.marker_index()

    def no_second_index():
        raise AssertionError("built a second index for the same places")

    monkeypatch.setattr(map_index.MarkerIndex, "from_database", staticmethod(no_second_index))
    map_index._build(map_index.map_version())
    assert map_index.marker_index() is built


def test_the_digest_does_not_depend_on_how_the_rows_were_chunked(monkeypatch):
    for n in range(5):
        AssetFactory(latitude=54.8 + n / 100)
    whole = map_index.MarkerIndex.database_digest()
    monkeypatch.setattr(map_index.MarkerIndex, "CHUNK", 2)
    assert map_index.MarkerIndex.database_digest() == whole
    assert map_index.MarkerIndex.from_database()._digest == whole
