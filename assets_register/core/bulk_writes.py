"""Writes of many records at once (an import) queue their follow-up work once, not once
per record: signal handlers that would queue a task per save (alerts after a new event,
Wagtail's reference index after each save of an indexed model) ask `in_bulk_write()` and
leave it to whoever opened the block, which queues one pass after it commits. A 100-row
register import queued 252 alert passes and 585 reference-index tasks before.
"""

import contextlib
import contextvars

from django_tasks import task

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task

_saved = contextvars.ContextVar("bulk_write_saved", default=None)


def in_bulk_write() -> bool:
    return _saved.get() is not None


@contextlib.contextmanager
def bulk_write():
    """Inside the block, every saved record Wagtail indexes is noted, and indexed by one
    task once the block's writes commit (none if it ends in an exception: nothing was
    written). Deletions still leave the index at once, as Wagtail does them."""
    if in_bulk_write():
        yield
        return
    saved = set()
    token = _saved.set(saved)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        _saved.reset(token)
    if saved:
        transaction.on_commit(lambda: index_references.enqueue(sorted(saved)))


def _note_saved(sender, instance, raw=False, **kwargs):
    saved = _saved.get()
    if saved is not None and not raw and sender in ReferenceIndex.tracked_models:
        saved.add((sender._meta.app_label, sender._meta.model_name, str(instance.pk)))


def _unindex_deleted(sender, instance, **kwargs):
    if in_bulk_write() and sender in ReferenceIndex.tracked_models:
        with transaction.atomic():
            ReferenceIndex.remove_for_object(instance)
            ReferenceIndex.remove_references_to(instance)


post_save.connect(_note_saved, dispatch_uid="bulk_write_note_saved")
post_delete.connect(_unindex_deleted, dispatch_uid="bulk_write_unindex_deleted")


@task()
def index_references(records):
    """Wagtail's reference index for each [app_label, model_name, pk], as its own
    per-save task would have done it (a child record indexes its parent)."""
    for app_label, model_name, pk in records:
        try:
            update_reference_index_task.call(app_label, model_name, pk)
        except (LookupError, ObjectDoesNotExist):  # deleted since: nothing to index
            continue
    return len(records)
