"""Twenty people writing at once are all served and all saved, on SQLite as on PostgreSQL.

Each writer is a thread with its own connection to a database they share (the
shared_database fixture: on SQLite a file, as bin/demo runs). Before the embedded database
was set up for it (WAL, transactions that take the write lock at BEGIN, a busy timeout),
most of these writers got the 503 page and nothing was saved."""

import contextlib
import io
import sqlite3
import threading
from pathlib import Path

import pytest
from django_tasks_db.management.commands.db_worker import Worker

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client

from assets_register.importers.assets import AssetImporter
from assets_register.models import (
    Asset,
    AssetEvent,
    ListEntry,
    Nomination,
    Status,
    Subscription,
)

from ..acv.test_nominations import answers
from ..concurrency import at_once
from ..factories import (
    AssetFactory,
    CouncilFactory,
    PostcodeLocationFactory,
    durham_and_sacriston,
    square,
)
from .test_faults import write_places

WRITERS = 20
IMPORTED = 3000
DATA = Path(__file__).resolve().parents[1] / "data"
IMPORT_URL = "/admin/register/import/"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def generous_limits(settings):
    """The writers share one address: these tests are about the database, not the limits."""
    for name in ("NOMINATION", "ALERT"):
        setattr(settings, f"{name}_RATE_PER_IP", "1000/h")
        setattr(settings, f"{name}_RATE_PER_EMAIL", "1000/h")


def statuses(responses):
    return sorted(response.status_code for response in responses)


def test_twenty_nominations_at_once_are_all_saved(shared_database):
    council = CouncilFactory(gss_code="E06000047", name="County Durham")
    pub = AssetFactory(name="The Robin Hood", council=council)

    def nominate(n):
        return Client().post(
            f"/assets/{pub.pk}/nominate/",
            answers(body_name=f"Friends {n}", contact_email=f"friend{n}@example.org"),
        )

    assert statuses(at_once(WRITERS, nominate)) == [302] * WRITERS
    assert Nomination.objects.count() == WRITERS
    assert len(set(Nomination.objects.values_list("reference", flat=True))) == WRITERS


def test_twenty_subscriptions_at_once_are_all_saved(shared_database):
    durham_and_sacriston()

    def subscribe(n):
        return Client().post(
            "/alerts/",
            {
                "area": "E05009076",
                "email": f"campaigner{n}@example.net",
                "wants_closures": "on",
                "frequency": "immediately",
            },
        )

    assert statuses(at_once(WRITERS, subscribe)) == [200] * WRITERS
    assert Subscription.objects.count() == WRITERS


@contextlib.contextmanager
def worker_running():
    """The task worker of `manage.py db_worker`, polling the queue as often as it can: each
    poll is a write transaction (it claims a task), so it contends with every writer."""
    worker = Worker(
        queue_names=["*"],
        interval=0.001,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    failures = []

    def run():
        try:
            worker.run()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield failures
    finally:
        worker.running = False
        thread.join(timeout=30)
    assert not failures, failures


def test_an_import_while_the_worker_runs_and_residents_nominate(shared_database, tmp_path):
    halls = tmp_path / "halls.csv"
    write_places(halls, IMPORTED)
    council = CouncilFactory(gss_code="E06000047", name="County Durham")
    pub = AssetFactory(name="The Robin Hood", council=council)

    def import_or_nominate(n):
        if n == 0:
            out = io.StringIO()
            call_command(
                "import_assets", halls, format="generic", source="halls", stdout=out, verbosity=0
            )
            return out.getvalue()
        return Client().post(
            f"/assets/{pub.pk}/nominate/",
            answers(body_name=f"Friends {n}", contact_email=f"friend{n}@example.org"),
        )

    with worker_running():
        summary, *nominated = at_once(WRITERS // 2 + 1, import_or_nominate)
    assert summary.strip() == f"{IMPORTED} created, 0 updated, 0 unchanged, 3 rejected"
    assert statuses(nominated) == [302] * (WRITERS // 2)
    assert Asset.objects.filter(source="halls").count() == IMPORTED
    assert Nomination.objects.count() == WRITERS // 2


def test_two_imports_at_once_each_keep_their_own_places_and_events(shared_database, tmp_path):
    """The same refs under two sources, written at once: on PostgreSQL their ids interleave
    (seen: 37-5,885 and 1-6,000), and each import reads its own back from past the last id
    before it wrote."""
    halls = tmp_path / "halls.csv"
    write_places(halls, IMPORTED)

    def load(n):
        out = io.StringIO()
        call_command(
            "import_assets", halls, format="generic", source=f"halls-{n}", stdout=out, verbosity=0
        )
        return out.getvalue().strip()

    assert at_once(2, load) == [f"{IMPORTED} created, 0 updated, 0 unchanged, 3 rejected"] * 2
    for source in ("halls-0", "halls-1"):
        places = Asset.objects.filter(source=source)
        assert places.count() == IMPORTED
        events = AssetEvent.objects.filter(source=source)
        assert events.exists() and not events.exclude(asset__source=source).exists()
        assert places.filter(status=Status.CLOSED).count() == IMPORTED // 7 + 1
    assert load(0) == f"0 created, 0 updated, {IMPORTED} unchanged, 3 rejected"


def test_the_admin_import_for_real_while_the_worker_runs(shared_database):
    council = CouncilFactory(
        gss_code="E06000047", name="County Durham", boundary=square(-2.0, 54.5, -1.0, 55.0)
    )
    PostcodeLocationFactory(postcode="DH7 6LQ")
    officer = User.objects.create_superuser("officer", "officer@durham.example", "pw")
    client = Client()
    client.force_login(officer)
    with worker_running():
        for _attempt in range(5):
            preview = client.post(
                IMPORT_URL,
                {
                    "kind": "acv",
                    "council": council.pk,
                    "file": SimpleUploadedFile(
                        "acv.csv", (DATA / "acv_national.csv").read_bytes(), "text/csv"
                    ),
                },
            )
            assert preview.status_code == 200
            plan = preview.content.decode().split('name="plan" value="')[1].split('"')[0]
            done = client.post(IMPORT_URL, {"plan": plan})
            assert done.status_code == 200
            assert "Imported acv.csv" in done.content.decode()
    assert ListEntry.objects.filter(council=council).count() >= 2


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock is one for the whole database"
)
def test_an_import_takes_the_write_lock_only_to_write(shared_database, tmp_path, monkeypatch):
    """Reading, validating and locating 3,000 rows leaves the database free for others;
    only pass 2, which writes, keeps other writers waiting."""
    halls = tmp_path / "halls.csv"
    write_places(halls, IMPORTED)
    free_between_passes = []

    def prepare_and_probe(importer, records, prepare=AssetImporter.prepare):
        with contextlib.closing(sqlite3.connect(shared_database, timeout=0.2)) as other:
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                free_between_passes.append(True)
            except sqlite3.OperationalError:  # database is locked
                free_between_passes.append(False)
        return prepare(importer, records)

    monkeypatch.setattr(AssetImporter, "prepare", prepare_and_probe)
    call_command("import_assets", halls, format="generic", source="halls", verbosity=0)
    assert free_between_passes == [True]
    assert Asset.objects.filter(source="halls").count() == IMPORTED
