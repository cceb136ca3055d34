"""Headless Chromium (Debian's, never a downloaded one) against pytest-django's live server.

Every test here gets the real demo dataset through ``demo_site``. The live server
needs transactional_db, which empties the database after each test. On SQLite the
demo data is loaded once per session, kept as an in-memory snapshot and copied back
in (a fraction of a second) before each test; on PostgreSQL it is imported again
for each test, through the same command a new user runs.
"""

import io
import os
import sqlite3
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from assets_register.geo import map_index
from assets_register.law.regimes import ensure_2012_regime
from assets_register.models import RegimePeriod, StatutoryRegime

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


@pytest.fixture(scope="module")
def browser():
    """Chromium, for one test module at a time.

    Playwright's sync API keeps an asyncio loop running in this thread, and Django's
    ORM refuses to run beside one unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set
    only while Playwright runs: left set, it would leak into later tests and their
    subprocesses (`manage.py check --deploy` warns about it).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


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


def _sqlite_connection():
    connection.ensure_connection()
    return connection.connection


def _load_demo_data():
    call_command(
        "load_demo_data", "--no-admin", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO()
    )


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo dataset, loaded once, as an in-memory SQLite copy of the test database
    (None on other databases)."""
    if connection.vendor != "sqlite":
        yield None
        return
    with django_db_blocker.unblock():
        database = _sqlite_connection()
        pristine = sqlite3.connect(":memory:", check_same_thread=False)
        database.backup(pristine)
        _load_demo_data()
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        database.backup(snapshot)
        # Leave the database as migrations made it for whatever test runs next.
        pristine.backup(database)
        pristine.close()
    yield snapshot
    snapshot.close()


@pytest.fixture
def demo_site(live_server, demo_snapshot):
    """The live server, serving the demo dataset. Restored from the snapshot rather than
    re-imported; transactional_db (pulled in by live_server) empties it afterwards."""
    if demo_snapshot is None:
        # transactional_db truncates every table, the seeded statutory regime included.
        ensure_2012_regime(StatutoryRegime, RegimePeriod)
        _load_demo_data()
    else:
        demo_snapshot.backup(_sqlite_connection())
    cache.clear()
    map_index._state.update(index=None, version=None, built_at=0.0)
    return live_server
