"""Headless Chromium (Debian's, never a downloaded one) against pytest-django's live server.

The live server needs transactional_db, which empties every table after each test (the
statutory regime a migration seeds included). So each test starts from nothing and gets
only the data it asks for:

- ``bare_site``: an empty register, with the 2012 regime put back. Tests that need a
  council, a ward or a place or two build them on top with the factories (``data.py``
  and the fixtures below), which takes milliseconds.
- ``demo_site``: the real demo dataset, for what needs real places (markers on the map,
  the indicators, accessibility across real pages, searching by a real postcode). The
  import takes seconds, so it runs once per session and every table's rows are kept in
  memory; each test gets them back in a fraction of a second (0.2-0.5 s, against 4-5 s
  for the import on PostgreSQL). On SQLite the snapshot is an in-memory copy of the
  database made with sqlite3's backup API. On PostgreSQL it is each table's rows in
  COPY's binary format, written back with COPY FROM into the emptied tables in one
  transaction, whose (deferrable) foreign key checks wait for its commit; then each
  sequence is moved past the restored ids.
"""

import contextlib
import io
import os
import sqlite3
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from assets_register.geo import map_index
from assets_register.law.regimes import ensure_2012_regime, ensure_2026_act
from assets_register.models import RegimePeriod, StatutoryRegime

from . import data

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Leaflet maps are made by django-leaflet with NO_GLOBALS, so the page offers no handle
# on them. This keeps one per container id, from the 'map:init' event it fires.
CAPTURE_MAPS = """
window.__maps = {};
window.addEventListener("map:init", function (event) {
  window.__maps[event.detail.id] = event.detail.map;
});
"""
expect.set_options(timeout=10_000)


@contextlib.contextmanager
def launched_chromium(*extra_args):
    """Chromium started by Playwright, with CHROMIUM_ARGS and any `extra_args`.

    Playwright's sync API keeps an asyncio loop running in this thread, and Django's
    ORM refuses to run beside one unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set
    only while Playwright runs: left set, it would leak into later tests and their
    subprocesses (`manage.py check --deploy` warns about it).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args]
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser():
    """Chromium, for one test module at a time."""
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test. Requests may only go to the live server: any
    other address is refused (and recorded in page.external_requests), so nothing can
    touch the network. Uncaught JavaScript errors and HTTP errors (a missing script,
    stylesheet or image; a failing map API call) fail the test."""
    origin = urlsplit(live_server.url).netloc
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.add_init_script(CAPTURE_MAPS)
    external = []

    def guard(route):
        if urlsplit(route.request.url).netloc == origin or route.request.url.startswith(
            ("data:", "blob:", "about:")
        ):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and urlsplit(response.url).path != "/favicon.ico"
            and errors.append(f"HTTP {response.status} for {response.url}")
        ),
    )
    page.external_requests = external
    yield page
    context.close()
    assert not errors, f"JavaScript errors or failed requests: {errors}"


def seed_the_law():
    """The regimes the migrations seed, which a transactional test's flush removes."""
    ensure_2012_regime(StatutoryRegime, RegimePeriod)
    ensure_2026_act(StatutoryRegime, RegimePeriod)


def _load_demo_data():
    call_command(
        "load_demo_data", "--no-admin", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO()
    )


def _sqlite_connection():
    connection.ensure_connection()
    return connection.connection


class SqliteSnapshot:
    """The whole test database, copied into an in-memory SQLite database."""

    def __init__(self):
        self.copy = sqlite3.connect(":memory:", check_same_thread=False)
        _sqlite_connection().backup(self.copy)

    def restore(self):
        self.copy.backup(_sqlite_connection())

    def close(self):
        self.copy.close()


class PostgresSnapshot:
    """Every table's rows (the tables flush empties), in COPY's binary format, in memory."""

    def __init__(self):
        quote = connection.ops.quote_name
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        self.rows = {}
        with connection.cursor() as cursor:
            for table in tables:
                with cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT binary)") as copy:
                    rows = b"".join(copy)
                if cursor.rowcount:
                    self.rows[table] = rows
        # After a test's flush the tables hold only what post_migrate put back: DELETE
        # empties them in a fraction of TRUNCATE's time, which makes new files for each.
        self.empty_tables = "".join(f"DELETE FROM {quote(table)};" for table in tables)
        self.copy_in = {
            table: f"COPY {quote(table)} FROM STDIN (FORMAT binary)" for table in self.rows
        }
        # Moves each restored table's sequence past its ids, so new rows get fresh ones.
        self.reset_sequences = "".join(
            connection.ops.sequence_reset_sql(
                no_style(),
                [
                    model
                    for model in apps.get_models(include_auto_created=True)
                    if model._meta.db_table in self.rows
                ],
            )
        )

    def restore(self):
        with transaction.atomic(), connection.cursor() as cursor:
            # Django's foreign keys are DEFERRABLE: checked at commit, so table order is free.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(self.empty_tables)
            for table, rows in self.rows.items():
                with cursor.copy(self.copy_in[table]) as copy:
                    copy.write(rows)
            cursor.execute(self.reset_sequences)

    def close(self):
        self.rows.clear()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo dataset, imported once and kept as a snapshot of the test database."""
    snapshot_class = SqliteSnapshot if connection.vendor == "sqlite" else PostgresSnapshot
    with django_db_blocker.unblock():
        pristine = snapshot_class()
        seed_the_law()  # a test's flush may have emptied the regimes before this runs
        _load_demo_data()
        snapshot = snapshot_class()
        # Leave the database as it was for whatever test runs next.
        pristine.restore()
        pristine.close()
    yield snapshot
    snapshot.close()


def _forget_cached_state():
    """The register's shared cache and this process's map index describe rows that the
    restore or truncation replaced; ContentType's cache holds ids that may have moved."""
    cache.clear()
    map_index._state.update(index=None, version=None, built_at=0.0)
    ContentType.objects.clear_cache()


@pytest.fixture
def demo_site(live_server, demo_snapshot):
    """The live server, serving the demo dataset. Restored from the snapshot rather than
    re-imported; transactional_db (pulled in by live_server) empties it afterwards."""
    demo_snapshot.restore()
    _forget_cached_state()
    return live_server


@pytest.fixture
def bare_site(live_server):
    """The live server with an empty register: nothing but the statutory regime, which
    transactional_db truncates along with everything else."""
    seed_the_law()
    _forget_cached_state()
    return live_server


@pytest.fixture
def sacriston_library(bare_site):
    """The bare site holding County Durham, Sacriston ward and Sacriston Library."""
    return data.sacriston_library()


@pytest.fixture
def burslem_library(bare_site):
    """The bare site holding Stoke-on-Trent and Burslem Library, closed in 2011."""
    return data.burslem_library()
