"""Production settings are safe: check --deploy is clean and they refuse to start unset."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    ours = ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "REDIS_URL")
    environment = {k: v for k, v in os.environ.items() if k not in ours}
    environment.update(DJANGO_SETTINGS_MODULE="settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="assets.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_asks_for_redis_where_the_cache_is_one_machines_file():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="assets.example.org",
    )
    assert result.returncode != 0 and "assets_register.W001" in result.stderr
    assert "django_ratelimit.E003" not in result.stderr  # the file counts across processes


def test_production_refuses_to_start_without_a_secret_key_or_hosts():
    no_key = manage("check", ALLOWED_HOSTS="assets.example.org")
    assert no_key.returncode != 0 and "Set SECRET_KEY" in no_key.stderr
    no_hosts = manage("check", SECRET_KEY=secrets.token_urlsafe(60))
    assert no_hosts.returncode != 0 and "Set ALLOWED_HOSTS" in no_hosts.stderr


def test_every_environment_variable_is_in_the_readme_table():
    names = set()
    for settings_file in (ROOT / "site" / "settings").glob("*.py"):
        names |= set(
            re.findall(r'(?:os\.environ\.get|env_list)\("([A-Z_]+)"', settings_file.read_text())
        )
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert names and not missing, f"not documented in the README: {missing}"
