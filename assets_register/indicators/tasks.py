"""Background work for the indicators: recomputing the snapshot."""

from django_tasks import task

from assets_register.indicators.compute import recompute


@task()
def compute_indicators():
    """Recompute the 'losing places to meet' snapshot (after imports, and nightly)."""
    snapshot = recompute()
    return {"snapshot": snapshot.pk, "areas": snapshot.area_count}
