"""Background tasks left "running" by a worker that died (killed, out of memory, the
machine restarted) go back in the queue, or fail once they have had their tries.

django-tasks-db marks a task RUNNING when a worker claims it and finished when that worker
says so; a worker that dies in between leaves it RUNNING for good, and no worker looks at
it again. A task is taken to be abandoned once it has been running for longer than
TASK_STALE_AFTER_SECONDS, which must be longer than any task takes (the longest, a daily
digest or the indicators, take minutes). It is queued again until it has been started
TASK_MAX_ATTEMPTS times, then failed with WorkerLost. The worker (`manage.py db_worker`)
does this when it starts and every minute while it runs.

Running a task twice is safe here: the alert sender keeps a send log and marks each
message sent as it sends it, and the other tasks (locating a place, the indicators)
compute the same result again; a receipt or confirmation email whose worker died just
after sending it may go twice.
"""

import datetime
import logging

from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished."""


def recover_stale_tasks(now=None):
    """Requeue or fail every task running for longer than TASK_STALE_AFTER_SECONDS;
    returns (requeued, failed)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.TASK_STALE_AFTER_SECONDS)
    requeued = failed = 0
    for task in DBTaskResult.objects.running().filter(started_at__lte=cutoff):
        # Only if it is still the same run: its worker may have finished it meanwhile.
        same_run = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        attempts = len(task.worker_ids)
        if attempts < settings.TASK_MAX_ATTEMPTS:
            requeued += same_run.update(status=TaskResultStatus.READY, started_at=None)
            logger.warning("Task %s (%s) was abandoned; queued again", task.pk, task.task_path)
            continue
        failed += same_run.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=(
                f"{WorkerLost.__qualname__}: the worker running this task stopped before it "
                f"finished, {attempts} times; it will not be tried again."
            ),
        )
        logger.error("Task %s (%s) abandoned %s times; failed", task.pk, task.task_path, attempts)
    return requeued, failed
