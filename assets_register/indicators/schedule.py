"""When the figures are recomputed after edits: debounced, in the background.

An edit (a place or an event saved or deleted, an import) calls `request_recompute()`.
The first edit of a burst records a PendingRecompute row and queues one task to start
INDICATOR_RECOMPUTE_DELAY_SECONDS later; the rest of the burst only counts itself in
that row. Nothing is computed inside the request. The task (tasks.recompute_after_edits)
takes the row as it starts.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assets_register.indicators.tasks import recompute_after_edits
from assets_register.models import PendingRecompute

DEFAULT_DELAY_SECONDS = 60
# A row whose task should have started this long ago lost its task (a cleared queue):
# the next edit queues another rather than waiting on it for ever.
LOST_AFTER = datetime.timedelta(minutes=30)


def delay():
    return datetime.timedelta(
        seconds=getattr(settings, "INDICATOR_RECOMPUTE_DELAY_SECONDS", DEFAULT_DELAY_SECONDS)
    )


def request_recompute():
    """Ask for the figures to be recomputed soon. True when this queued the task."""
    now = timezone.now()
    with transaction.atomic():
        joined = PendingRecompute.objects.filter(run_after__gt=now - LOST_AFTER).update(
            edits=F("edits") + 1
        )
        if joined:
            return False
        PendingRecompute.objects.filter(run_after__lte=now - LOST_AFTER).delete()
        try:
            with transaction.atomic():
                PendingRecompute.objects.create(requested_at=now, run_after=now + delay())
        except IntegrityError:  # another edit made the row a moment ago
            PendingRecompute.objects.update(edits=F("edits") + 1)
            return False
    transaction.on_commit(lambda: _enqueue(now + delay()))
    return True


def _enqueue(run_after):
    task = recompute_after_edits
    if task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue()


def pending():
    return PendingRecompute.objects.first()
