import contextlib
import datetime
import sqlite3
from pathlib import Path

import pytest

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from assets_register.acv import workflow as acv_workflow
from assets_register.geo import map_index
from assets_register.law.regimes import ensure_2012_regime
from assets_register.models import RegimePeriod, StatutoryRegime

from .factories import AssetFactory, CouncilFactory, NominationFactory

DEMO = Path(__file__).resolve().parents[1] / "demo_data"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache and no stale in-process map index."""
    cache.clear()
    map_index._state.update(index=None, version=None, built_at=0.0)
    yield
    cache.clear()


@pytest.fixture
def demo_data(db):
    """The real demo dataset, loaded through the same command a new user runs."""
    call_command("load_demo_data", "--no-admin", verbosity=0)


@pytest.fixture
def list_place(db):
    """Lists a place the way a council does, through the workflow: nominated on 2 November
    2020, listed on 14 December 2020, so on the list until 13 December 2025. Call it with
    the council, asset, dates, reference or nomination fields a test cares about."""

    def list_place(
        council=None,
        asset=None,
        *,
        received_on=datetime.date(2020, 11, 2),
        decided_on=datetime.date(2020, 12, 14),
        reference="",
        **nomination_fields,
    ):
        nomination = acv_workflow.receive_nomination(
            NominationFactory.build(
                council=council or CouncilFactory(),
                asset=asset or AssetFactory(),
                received_on=received_on,
                **nomination_fields,
            )
        )
        return acv_workflow.decide_nomination(
            nomination, listed=True, decided_on=decided_on, reference=reference
        )

    return list_place


@pytest.fixture
def listed(list_place):
    """A place on a council's list since 14 December 2020."""
    return list_place()


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database that several threads write to at once, as web processes, the task worker
    and an import do (threads cannot see a test's uncommitted transaction, so it is
    transactional_db: emptied afterwards, with post_migrate's rows put back, the statutory
    regime a migration seeds put back here).

    On PostgreSQL that is the test database itself. On SQLite the test database lives in
    memory with a shared cache, whose table locks fail at once rather than wait, so the
    test runs on a file copy of it, with the settings' connection options (as bin/demo
    runs); the in-memory database is kept aside, open and untouched, until the end."""
    ensure_2012_regime(StatutoryRegime, RegimePeriod)
    if connection.vendor != "sqlite":
        yield None
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    in_memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None
    # Every thread's connection reads this same settings dict.
    connection.settings_dict["NAME"] = str(path)
    try:
        yield path
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = in_memory
