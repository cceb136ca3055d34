"""On PostgreSQL, core.prepared's queries are PREPAREd once per database session and run
by EXECUTE: planned once, answering as the plain statement would, whatever happens to the
session (closed, killed by a restart) and inside transactions."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.db import connection, connections, transaction
from django.db.models import Value
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from assets_register.core.prepared import PreparedQuery
from assets_register.core.session_statements import numbered
from assets_register.models import AssetEvent
from tests.factories import AssetEventFactory, AssetFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite plans in process, for nothing"
)


def events_of(asset, since):
    return (
        AssetEvent.objects.filter(asset=asset, date__gte=since)
        .annotate(label=Value("x"))  # a parameter in the select list: typed as text
        .order_by("-date", "-pk")
    )


SINCE = datetime.date(2020, 1, 2)
plain = st.text(alphabet=st.characters(blacklist_characters="%"), max_size=8)


@given(st.lists(st.tuples(plain, st.sampled_from(["%s", "%%"])), max_size=6), plain)
def test_placeholders_are_numbered_in_order_and_a_literal_percent_kept(pieces, tail):
    sql = "".join(text + mark for text, mark in pieces) + tail
    expected, number = [], 0
    for text, mark in pieces:
        number += mark == "%s"
        expected.append(text + (f"${number}" if mark == "%s" else "%"))
    assert numbered(sql) == "".join(expected) + tail


def session_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements ORDER BY prepare_time")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def places(shared_database):
    found = [AssetFactory(), AssetFactory()]
    for place in found:
        for day in (1, 2, 3):
            AssetEventFactory(asset=place, date=datetime.date(2020, 1, day))
    connection.close()  # a new session, as a web process has after a restart
    return found


def answers(query, place):
    return [(e.pk, e.label) for e in query(asset=place.pk, since=SINCE)]


def expected(place):
    return [(e.pk, e.label) for e in events_of(place.pk, SINCE)]


@on_postgresql
def test_a_query_is_prepared_once_in_a_session_and_executed_after(places):
    query = PreparedQuery(events_of, slots={"asset": int})
    with CaptureQueriesContext(connection) as run:
        for place in [*places, *places]:
            assert answers(query, place) == expected(place)
    mine = [sql for sql in run.captured_queries if "EXECUTE" in sql["sql"]]
    assert len(mine) == 4  # one statement a call, the PREPARE not counted as a page's query
    assert len([s for s in session_statements() if "assets_register_assetevent" in s]) == 1


@on_postgresql
def test_a_new_session_prepares_it_again(places):
    query = PreparedQuery(events_of, slots={"asset": int})
    assert answers(query, places[0]) == expected(places[0])
    connection.close()  # CONN_MAX_AGE passed
    assert answers(query, places[1]) == expected(places[1])
    # The database restarted under a kept connection: its health check, made at the start
    # of each request, replaces it before the statement is looked for in the old session.
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connection.copy()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    connection.close_if_unusable_or_obsolete()  # what request_started does
    assert answers(query, places[0]) == expected(places[0])


@on_postgresql
def test_inside_a_transaction_nothing_is_prepared_but_the_prepared_is_executed(places):
    first = PreparedQuery(events_of, slots={"asset": int})
    answers(first, places[0])
    second = PreparedQuery(lambda since: events_of(places[1].pk, since), slots={})
    with transaction.atomic(), CaptureQueriesContext(connection) as run:
        assert answers(first, places[1]) == expected(places[1])
        assert [(e.pk, e.label) for e in second(since=SINCE)] == expected(places[1])
    assert "EXECUTE" in run.captured_queries[0]["sql"]
    assert "EXECUTE" not in run.captured_queries[1]["sql"]


@on_postgresql
def test_a_statement_postgresql_cannot_prepare_is_run_as_it_is(places):
    untyped = PreparedQuery(
        lambda since: AssetEvent.objects.annotate(unknown=RawSQL("%s IS NULL", (None,))).filter(
            date__gte=since
        ),
        slots={},
    )
    assert len(untyped(since=SINCE)) == 4
    assert len(untyped(since=SINCE)) == 4  # the session is still usable
    assert not [s for s in session_statements() if "IS NULL" in s]


@on_postgresql
def test_the_setting_turns_it_off(places, settings):
    settings.POSTGRES_PREPARED_STATEMENTS = False
    query = PreparedQuery(events_of, slots={"asset": int})
    assert answers(query, places[0]) == expected(places[0])
    assert session_statements() == []
