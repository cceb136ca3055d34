"""Keep derived data in step with single-object edits (bulk imports do this themselves)."""

from django.apps import apps
from django.db import connections, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from assets_register.alerts.tasks import deliver_alerts
from assets_register.core.bulk_writes import in_bulk_write
from assets_register.core.caching import bump_content_version
from assets_register.geo.map_index import bump_map_version
from assets_register.indicators.schedule import request_recompute
from assets_register.models import (
    Appeal,
    Area,
    Asset,
    AssetEvent,
    BidderRequest,
    CompensationClaim,
    DisposalNotice,
    ExemptDisposal,
    ListEntry,
    Nomination,
    RegimePeriod,
    Review,
    StatutoryRegime,
    live_places,
    name_search,
)


@receiver([post_save, post_delete], sender=AssetEvent)
def event_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    Asset.objects.filter(pk=instance.asset_id).refresh_statuses()
    bump_map_version()
    if in_bulk_write():  # an import asks for one recompute and one alert pass itself
        return
    request_recompute()
    if kwargs.get("created"):
        # News goes out from the worker, after the edit commits.
        transaction.on_commit(deliver_alerts.enqueue)


@receiver([post_save, post_delete], sender=Asset)
@receiver([post_save, post_delete], sender=Area)
def register_changed(sender, raw=False, **kwargs):
    if not raw:
        bump_map_version()
        # A place moved, closed, categorised or removed changes the figures (debounced);
        # an import asks once for all its places.
        if not in_bulk_write():
            request_recompute()


@receiver([post_save, post_delete])
def acv_changed(sender, raw=False, **kwargs):
    """The ACV workflow shows on asset pages, lists, exports and feeds: cached pages go."""
    if not raw and sender in (
        Nomination,
        ListEntry,
        DisposalNotice,
        BidderRequest,
        Review,
        Appeal,
        CompensationClaim,
        ExemptDisposal,
        StatutoryRegime,
        RegimePeriod,
    ):
        bump_content_version()
        if sender in (StatutoryRegime, RegimePeriod):
            # A process reading the law between the bump and the commit would keep the old
            # law under the new version (models.regimes.commenced_regimes): again once
            # committed.
            transaction.on_commit(bump_content_version)


@receiver(post_migrate, sender=apps.get_app_config("assets_register"))
def asset_triggers_kept(sender, using, **kwargs):
    """A migration that altered the asset table on SQLite dropped its triggers: the name
    index's and the count of live places'."""
    name_search.ensure_installed(connections[using])
    live_places.ensure_installed(connections[using])
