from pathlib import Path

import pytest

from django.core.cache import cache
from django.core.management import call_command

from assets_register.geo import map_index

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
