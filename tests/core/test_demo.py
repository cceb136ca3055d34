"""A demo on another port links to itself: emailed links and the printed admin address
follow PORT (bin/demo's), or SITE_URL when set; the worker logs inside the checkout."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def site_url(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL")}
    environment.update(DJANGO_SETTINGS_MODULE="settings.dev", **env)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from assets_register.core.urls import "
            "absolute_url; print(absolute_url('staff_set_password', 'MQ', 'token'))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_emailed_links_use_the_port_the_demo_serves():
    assert site_url().startswith("http://127.0.0.1:8000/")
    assert site_url(PORT="8102").startswith("http://127.0.0.1:8102/")
    assert site_url(PORT="8102", SITE_URL="https://assets.example.org").startswith(
        "https://assets.example.org/"
    )


def test_the_demo_worker_logs_inside_the_checkout():
    """Two checkouts running demos at once keep their own logs (and emails)."""
    script = (ROOT / "bin" / "demo").read_text()
    assert ">var/worker.log" in script and "/tmp" not in script
