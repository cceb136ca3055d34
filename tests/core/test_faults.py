"""Faults: an import or the alert sender killed half way, and the database going away.

The kill tests run the real commands in subprocesses against their own SQLite files (never
the test database, and in WAL mode as the settings ask) and SIGKILL them at moments seen
from outside: a probe that cannot take SQLite's write lock shows when a write transaction
is open, the write-ahead log's size when uncommitted pages have reached it, the mail
directory how many alerts have gone.
"""

import contextlib
import csv
import email
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend
from django.db import OperationalError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from ..factories import AssetFactory

ROOT = Path(__file__).resolve().parents[2]

# Settings for the subprocesses: the test settings on a file database (DATABASE_URL), with
# background work queued in the database as in production rather than run inline.
SUBPROCESS_SETTINGS = """\
import os

from settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "tests.core.test_faults.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["FAULTS_MAIL_DIR"]
"""
MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"  # what Django's file backend writes after a message


class SlowFileBackend(FileEmailBackend):
    """Writes each message to a file, then waits a moment as an SMTP server does before its
    reply: a kill in that moment is the worst case, a message delivered but not marked sent."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        time.sleep(0.05)
        return sent


# The subprocesses never touch the test database, but the workdir copies it: pytest-django
# sets it up only for a session with a test that asks for it, and without one `connection`
# is the developer's own db.sqlite3.
needs_test_database = pytest.mark.django_db


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, django_db_setup, django_db_blocker):
    """A folder holding the subprocesses' settings and a migrated SQLite file to copy.

    On SQLite the file is a copy of this process's test database, whose migrations have run
    already: a second migration would add a quarter to this module's time. Its tables are
    empty or as migrations seeded them, unless an earlier transactional test emptied those
    too: these tests need only the tables, and create the rows they use."""
    folder = tmp_path_factory.mktemp("faults")
    (folder / "faults_settings.py").write_text(SUBPROCESS_SETTINGS)
    (folder / "mail").mkdir()
    migrated = folder / "migrated.sqlite3"
    if connection.vendor == "sqlite":
        with django_db_blocker.unblock(), contextlib.closing(sqlite3.connect(migrated)) as copy:
            connection.ensure_connection()
            connection.connection.backup(copy)
    else:
        migrate = manage(folder, migrated, "migrate", "-v0")
        assert migrate.returncode == 0, migrate.stderr
    return folder


def environment(workdir, database, mail_dir=None, **extra):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="faults_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(workdir), env.get("PYTHONPATH")])),
        FAULTS_MAIL_DIR=str(mail_dir or workdir / "mail"),
        **extra,
    )
    return env


def start(workdir, database, *args, mail_dir=None, **extra_env):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        text=True,
        env=environment(workdir, database, mail_dir, **extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(process):
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def manage(workdir, database, *args, mail_dir=None, **extra_env):
    return finish(start(workdir, database, *args, mail_dir=mail_dir, **extra_env))


def fresh_database(workdir, database):
    shutil.copy(workdir / "migrated.sqlite3", database)
    return database


def query(database, sql):
    with contextlib.closing(sqlite3.connect(database)) as db:
        return db.execute(sql).fetchall()


# --- An import killed half way -------------------------------------------------------------

PLACES = 3000
SOURCE = "village-halls"


def write_places(path, count, name="Village Hall {n}"):
    """`count` places, a third with an opening year and a seventh closed, then three rows that
    are rejected (no name, in France, an id used twice). The long addresses overflow SQLite's
    page cache early in the write, so uncommitted pages reach the file well before the commit:
    the crash that matters."""
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            [
                "source_ref",
                "name",
                "category",
                "address",
                "latitude",
                "longitude",
                "opened",
                "closed",
            ]
        )
        for n in range(count):
            writer.writerow(
                [
                    f"hall-{n}",
                    name.format(n=n),
                    "community_centre",
                    f"{n} Front Street, Sacriston, County Durham. " * 20,
                    f"{54 + n % 997 / 1000:.6f}",
                    f"{-1.6 - n % 991 / 1000:.6f}",
                    "1923" if n % 3 == 0 else "",
                    "2019-06" if n % 7 == 0 else "",
                ]
            )
        writer.writerow(["no-name", "", "pub", "", "54.8", "-1.6", "", ""])
        writer.writerow(["paris", "Le Bar", "pub", "", "48.85", "2.35", "", ""])
        writer.writerow(["hall-1", "Village Hall 1 again", "community_centre", "", "", "", "", ""])


def import_places(workdir, database, path):
    return start(
        workdir, database, "import_assets", str(path), "--format", "generic", "--source", SOURCE
    )


def summary(finished):
    """The counts line an import prints, e.g. '5 created, 0 updated, 0 unchanged, 3 rejected'."""
    assert finished.returncode == 0, finished.stderr
    return finished.stdout.strip().splitlines()[-1]


def register_contents(database):
    """Everything an import writes, in a comparable form."""
    return (
        query(
            database,
            "SELECT source, source_ref, name, category, address, latitude, "
            "longitude, status FROM assets_register_asset ORDER BY source_ref",
        ),
        query(
            database,
            "SELECT a.source_ref, e.kind, e.date, e.date_precision, e.source "
            "FROM assets_register_assetevent e JOIN assets_register_asset a "
            "ON a.id = e.asset_id ORDER BY a.source_ref, e.kind, e.date",
        ),
    )


def holds_the_write_lock(probe):
    """Whether some other connection is inside a write transaction: SQLite has one write
    lock for the whole database, and the probe cannot take it (timeout 0)."""
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:  # database is locked
        return True
    probe.execute("ROLLBACK")
    return False


def kill_during_write(workdir, database, path, *, after_pages_written):
    """Start an import and SIGKILL it once its write transaction is open (it holds the
    write lock), and with after_pages_written once uncommitted pages have reached the
    write-ahead log. Returns (died inside the transaction, pages had been written)."""
    wal = Path(f"{database}-wal")
    process = import_places(workdir, database, path)
    deadline = time.monotonic() + 60
    in_transaction = written = False
    with contextlib.closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as probe:
        while process.poll() is None and time.monotonic() < deadline:
            # Nothing else writes: the import's reads leave the log empty until pass 2.
            written = wal.exists() and wal.stat().st_size > 0
            in_transaction = holds_the_write_lock(probe)
            if in_transaction and (written or not after_pages_written):
                process.kill()
                break
            time.sleep(0.002)
    process.communicate(timeout=60)
    # Frames a dead writer left in the log have no commit record: readers ignore them.
    return in_transaction and process.returncode == -signal.SIGKILL, written


def copy_database(source, target):
    """A consistent copy, including what is still in the write-ahead log."""
    with (
        contextlib.closing(sqlite3.connect(source)) as original,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        original.backup(copy)


@needs_test_database
def test_an_import_killed_half_way_leaves_the_database_as_it_was(workdir, tmp_path):
    earlier, full = tmp_path / "earlier.csv", tmp_path / "full.csv"
    write_places(earlier, 300, name="Old name {n}")
    write_places(full, PLACES)
    before = fresh_database(workdir, tmp_path / "before.sqlite3")
    assert summary(finish(import_places(workdir, before, earlier))) == (
        "300 created, 0 updated, 0 unchanged, 3 rejected"
    )
    crashed, clean = tmp_path / "crashed.sqlite3", tmp_path / "clean.sqlite3"
    copy_database(before, crashed)
    copy_database(before, clean)
    as_it_was = register_contents(before)

    clean_run = import_places(workdir, clean, full)  # alongside the crashes: 2 CPUs suffice
    for after_pages_written in (False, True):
        in_transaction, file_written = kill_during_write(
            workdir, crashed, full, after_pages_written=after_pages_written
        )
        assert in_transaction, "the import finished before it could be killed"
        assert file_written or not after_pages_written
        assert query(crashed, "PRAGMA integrity_check") == [("ok",)]
        assert register_contents(crashed) == as_it_was
    clean_summary = summary(finish(clean_run))
    assert clean_summary == f"{PLACES - 300} created, 300 updated, 0 unchanged, 3 rejected"

    assert summary(finish(import_places(workdir, crashed, full))) == clean_summary
    assert register_contents(crashed) == register_contents(clean)
    assert summary(finish(import_places(workdir, crashed, full))) == (
        f"0 created, 0 updated, {PLACES} unchanged, 3 rejected"
    )


# --- The embedded database shared by several processes -----------------------------------

CONNECTION_SETTINGS = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA busy_timeout")
    print(connection.transaction_mode, cursor.fetchone()[0])
"""


@needs_test_database
def test_the_worker_and_the_demo_server_open_sqlite_for_sharing(workdir, tmp_path):
    """bin/demo runs the web server and `manage.py db_worker` on settings.dev: both wait
    their turn to write (IMMEDIATE transactions, a busy timeout) in WAL mode."""
    database = fresh_database(workdir, tmp_path / "demo.sqlite3")
    demo = {
        **environment(workdir, database, CACHE_FILE=str(tmp_path / "cache.sqlite3")),
        "DJANGO_SETTINGS_MODULE": "settings.dev",
    }
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=demo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert query(database, "PRAGMA journal_mode") == [("wal",)]  # kept in the file
    shell = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", CONNECTION_SETTINGS],
        cwd=ROOT,
        env=demo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shell.stdout.split() == ["IMMEDIATE", "30000"], shell.stderr


# --- The alert sender killed half way -------------------------------------------------------

WATCHERS = 30
# Thirty watchers of a council, then news of a closure there. Saving the event queues the
# alert work, as an edit in the admin does; the worker then starts on the queue.
SET_UP_THEN_WORKER = f"""
from django.core.management import call_command
from django.utils import timezone
from assets_register.models import EventKind
from tests.factories import (AssetEventFactory, AssetFactory, CouncilFactory,
                             SubscriptionFactory)
council = CouncilFactory(name="County Durham")
pub = AssetFactory(name="The Red Lion", council=council)
for n in range({WATCHERS}):
    SubscriptionFactory(area=council, email=f"watcher{{n}}@example.net")
AssetEventFactory(asset=pub, kind=EventKind.CLOSED, date=timezone.localdate())
call_command("db_worker", batch=True, startup_delay=False, reload=False)
"""
# The worker started again, once the killed one's task counts as abandoned (at once here).
WORKER_AGAIN = ("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def mailed(mail_dir):
    """Every message the file backend wrote, in the order written."""
    messages = []
    for path in sorted(mail_dir.iterdir(), key=lambda p: p.stat().st_mtime_ns):
        for text in path.read_text().split(MAIL_SEPARATOR):
            if text.strip():
                messages.append(email.message_from_string(text))
    return messages


@needs_test_database
def test_the_alert_sender_killed_half_way_sends_nothing_twice(workdir, tmp_path):
    database = fresh_database(workdir, tmp_path / "alerts.sqlite3")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = start(workdir, database, "shell", "-c", SET_UP_THEN_WORKER, mail_dir=mail_dir)
    deadline = time.monotonic() + 60
    while worker.poll() is None and time.monotonic() < deadline:
        if len(mailed(mail_dir)) >= WATCHERS // 3:
            worker.kill()
            break
        time.sleep(0.01)
    _, errors = worker.communicate(timeout=60)
    marked_sent = query(
        database, "SELECT count(*) FROM assets_register_delivery WHERE sent_at IS NOT NULL"
    )[0][0]
    assert 0 < marked_sent < WATCHERS, f"the sender was not killed half way: {errors}"
    # Sent but not marked sent: only a message in flight when the kill came.
    assert len(mailed(mail_dir)) - marked_sent in (0, 1)
    alert_task = (
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE '%deliver_alerts'"
    )
    [(status, _)] = query(database, alert_task)
    assert status == "RUNNING"  # the dead worker's claim

    # The next worker takes the task up again by itself: nobody has to queue more work.
    rerun = manage(
        workdir, database, *WORKER_AGAIN, mail_dir=mail_dir, TASK_STALE_AFTER_SECONDS="0"
    )
    assert rerun.returncode == 0, rerun.stderr
    [(status, workers)] = query(database, alert_task)
    assert status == "SUCCESSFUL" and len(json.loads(workers)) == 2
    assert query(
        database, "SELECT count(*) FROM assets_register_delivery WHERE sent_at IS NULL"
    ) == [(0,)]
    messages = mailed(mail_dir)
    copies = Counter(message["To"] for message in messages)
    assert set(copies) == {f"watcher{n}@example.net" for n in range(WATCHERS)}
    # alert_emails.py promises at most the one message in flight again, with its Message-ID
    # so that mail systems drop the copy.
    repeated = [to for to, count in copies.items() if count > 1]
    assert len(repeated) <= 1 and max(copies.values()) <= 2
    for to in repeated:
        assert len({m["Message-ID"] for m in messages if m["To"] == to}) == 1


# --- The database unreachable ---------------------------------------------------------------

REFUSED = OperationalError(
    'connection to server at "db.internal", port 5432 failed: Connection refused'
)


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<html lang="en-GB">' in html
    assert "<title>Not available right now · Community Asset Register</title>" in html
    assert "<h1>The register is not available right now</h1>" in html
    assert "Please try again in a minute." in html
    assert "Traceback" not in html and "Connection refused" not in html


@pytest.mark.django_db
def test_pages_say_so_while_the_database_is_unreachable_and_recover_by_themselves(client):
    pub = AssetFactory(name="The Red Lion")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=REFUSED):
        for url in ("/", pub.get_absolute_url()):
            assert_unavailable_page(client.get(url))
    assert client.get("/").status_code == 200
    response = client.get(pub.get_absolute_url())
    assert response.status_code == 200 and "The Red Lion" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_are_not_disguised_as_an_outage(client):
    with (
        mock.patch.object(
            BaseDatabaseWrapper, "ensure_connection", side_effect=ValueError("a bug")
        ),
        pytest.raises(ValueError),
    ):
        client.get("/")


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a live outage needs PostgreSQL (DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_restarting_gives_a_503_and_then_the_site_reconnects(client):
    url = AssetFactory(name="The Red Lion").get_absolute_url()
    connection.ensure_connection()
    other = connections.create_connection("default")
    try:
        # The server restarts: this process's connection is cut...
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid]
            )
    finally:
        other.close()
    assert_unavailable_page(client.get(url))
    assert connection.connection is None  # dropped at once, not kept for the next request
    # ...and refuses new connections for a while.
    real_port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = str(closed_port())
    try:
        assert_unavailable_page(client.get(url))
    finally:
        connection.settings_dict["PORT"] = real_port
    response = client.get(url)
    assert response.status_code == 200 and "The Red Lion" in response.content.decode()
