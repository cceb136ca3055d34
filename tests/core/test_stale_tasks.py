"""A task left "running" by a worker that died is tried again, then failed after its
tries; a task still within its time is left to its worker."""

import datetime

import pytest
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from django.core.management import call_command
from django.utils import timezone

from assets_register.alerts.tasks import send_subscription_email

# Transactional: the worker checks its connection between tasks and closes one left in a
# transaction, as a test's would be.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_STALE_AFTER_SECONDS = 600
    settings.TASK_MAX_ATTEMPTS = 3


def claimed(minutes_ago, attempts=1):
    """A task a worker claimed `minutes_ago` (and `attempts` workers in all), never finished."""
    row = DBTaskResult.objects.get(pk=send_subscription_email.enqueue(0, "confirm").id)
    for attempt in range(attempts):
        row.claim(f"worker-{attempt}")
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return row


def status(row):
    row.refresh_from_db()
    return row.status


def work_the_queue():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_a_task_whose_worker_died_is_run_again_by_the_next_worker():
    abandoned, busy = claimed(minutes_ago=11), claimed(minutes_ago=9)
    work_the_queue()
    assert status(abandoned) == TaskResultStatus.SUCCESSFUL
    assert abandoned.return_value == "gone" and len(abandoned.worker_ids) == 2
    assert status(busy) == TaskResultStatus.RUNNING  # its worker may still be on it


def test_a_task_abandoned_on_its_last_try_is_failed_with_the_reason():
    last_try = claimed(minutes_ago=30, attempts=3)
    work_the_queue()
    assert status(last_try) == TaskResultStatus.FAILED
    assert last_try.exception_class_path == "assets_register.core.stale_tasks.WorkerLost"
    assert "stopped before it finished, 3 times" in last_try.traceback
    assert last_try.finished_at is not None
