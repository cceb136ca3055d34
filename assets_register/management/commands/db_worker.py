"""Run the background worker: django-tasks-db's `db_worker` (same options), which also puts
back in the queue the tasks a dead worker left "running" (assets_register/core/stale_tasks.py):
when it starts, and every minute while it runs."""

import logging
import os
import threading
import time

from django_tasks_db.management.commands import db_worker

from django.db import DatabaseError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from assets_register.core.stale_tasks import recover_stale_tasks

SWEEP_SECONDS = 60
logger = logging.getLogger(__name__)


class Command(db_worker.Command):
    help = __doc__

    def handle(self, *args, **options):
        # With --reload the first process only watches files and restarts the second.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            sweep()
            if not options["batch"]:
                threading.Thread(target=sweep_every_minute, daemon=True).start()
        super().handle(*args, **options)


def sweep():
    try:
        recover_stale_tasks()
    except DatabaseError:  # the database is away: the worker's own loop says so
        logger.exception("Could not look for abandoned tasks")


def sweep_every_minute():
    while True:
        time.sleep(SWEEP_SECONDS)
        sweep()
        connections.close_all()  # this thread's own connection, not the worker's
