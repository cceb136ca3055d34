"""bin/backup and bin/restore, the documented way back from a bad day: a backup taken,
the register damaged, the backup restored, the register as it was. On SQLite always;
on PostgreSQL too when the tests run against it (a scratch database, dropped after)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run(*args, env):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def manage(*args, env):
    return run(sys.executable, "manage.py", *args, env=env)


def names(env):
    out = manage(
        "shell",
        "--no-imports",
        "-c",
        "from assets_register.models import Asset; "
        "print(sorted(Asset.objects.values_list('name', flat=True)))",
        env=env,
    )
    return out.strip().splitlines()[-1]


def content_version(env):
    out = manage(
        "shell",
        "-c",
        "from assets_register.core.caching import content_version; print(content_version())",
        env=env,
    )
    return out.strip().splitlines()[-1]


def round_trip(tmp_path, database_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.dev",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "CACHE_FILE": str(tmp_path / "cache.sqlite3"),
    }
    (tmp_path / "private" / "reports").mkdir(parents=True)
    (tmp_path / "private" / "reports" / "photo.jpg").write_bytes(b"a resident's photo")
    manage("migrate", "--noinput", "-v0", env=env)
    manage(
        "shell",
        "-c",
        "from assets_register.models import Asset; "
        "Asset.objects.create(name='The Red Lion', category='pub', live=True)",
        env=env,
    )
    run(str(ROOT / "bin" / "backup"), str(tmp_path / "backup"), env=env)

    manage(
        "shell",
        "-c",
        "from assets_register.models import Asset; "
        "Asset.objects.all().delete(); "
        "Asset.objects.create(name='Vandalised', category='pub', live=True)",
        env=env,
    )
    (tmp_path / "private" / "reports" / "photo.jpg").unlink()
    damaged_version = content_version(env)
    run(str(ROOT / "bin" / "restore"), str(tmp_path / "backup"), env=env)

    assert names(env) == "['The Red Lion']"
    assert content_version(env) != damaged_version  # no page of the damage is served
    assert (tmp_path / "private" / "reports" / "photo.jpg").read_bytes() == b"a resident's photo"


def test_backup_and_restore_on_sqlite(tmp_path):
    round_trip(tmp_path, f"sqlite:///{tmp_path / 'register.sqlite3'}")


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the PostgreSQL round trip runs when the suite runs on PostgreSQL",
)
def test_backup_and_restore_on_postgresql(tmp_path):
    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    scratch = f"backup_check_{uuid.uuid4().hex[:8]}"
    env = {**os.environ}
    run("psql", f"{server}/postgres", "-c", f"CREATE DATABASE {scratch}", env=env)
    try:
        round_trip(tmp_path, f"{server}/{scratch}")
    finally:
        run(
            "psql",
            f"{server}/postgres",
            "-c",
            f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)",
            env=env,
        )
