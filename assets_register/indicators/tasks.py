"""Background work for the indicators: recomputing the snapshot."""

from django_tasks import task

from assets_register.models import PendingRecompute, live_places


def _recompute():
    # Imported when a task runs: every web process imports this module (edits queue the
    # task), and compute.py brings pandas.
    from assets_register.indicators.compute import recompute

    live_places.compact()  # the count's log of the edits since the last run
    return recompute()


@task()
def compute_indicators():
    """Recompute the 'losing places to meet' snapshot (nightly, and on request)."""
    snapshot = _recompute()
    return {"snapshot": snapshot.pk, "areas": snapshot.area_count}


@task()
def recompute_after_edits():
    """The one recompute a burst of edits queued (indicators.schedule)."""
    if not claim():
        return {"skipped": "no edits waiting"}
    snapshot = _recompute()
    return {"snapshot": snapshot.pk, "areas": snapshot.area_count}


def claim():
    """Take the waiting edits' row as the recompute starts (edits from now on make a new
    one and queue another run); False when there was none."""
    deleted, _ = PendingRecompute.objects.all().delete()
    return bool(deleted)
