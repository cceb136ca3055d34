"""Each index costs every insert (an import writes thousands of places): the asset and
event tables keep none that no query reads (migration 0043)."""

import pytest

from django.db import connection

from assets_register.models import Asset, AssetEvent

pytestmark = pytest.mark.django_db


def single_column_indexes(model):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        (name, about["columns"][0])
        for name, about in constraints.items()
        if about["index"] and not about["unique"] and len(about["columns"]) == 1
    }


def test_places_have_no_index_on_what_no_query_looks_up_alone():
    indexed = {column for _, column in single_column_indexes(Asset)}
    assert not indexed & {"postcode", "uprn", "status"}
    assert "category" in indexed and "council_id" in indexed


def test_no_column_has_two_indexes():
    """PostgreSQL's varchar_pattern_ops twin of a db_index column serves only LIKE 'x%'."""
    for model in (Asset, AssetEvent):
        columns = [column for _, column in single_column_indexes(model)]
        assert len(columns) == len(set(columns)), sorted(columns)


def test_events_are_found_by_kind_through_the_kind_and_date_index():
    indexed = {column for _, column in single_column_indexes(AssetEvent)}
    assert "kind" not in indexed
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a small table: make a table read the last resort
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = AssetEvent.objects.filter(kind="closed").explain()
    assert "assets_regi_kind_2fcdb4_idx" in plan, plan
