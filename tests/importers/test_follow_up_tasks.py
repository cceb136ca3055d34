"""An import queues its follow-up work once, however many rows it has: one alert pass over
the new events, one indicator recompute, one reference-index update; alerts still go out
once each."""

import csv
import datetime
from collections import Counter

import pytest
from django_tasks.signals import task_enqueued

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import ReferenceIndex

from assets_register.models import AssetEvent, ListEntry, PendingRecompute

from ..factories import SubscriptionFactory

pytestmark = pytest.mark.django_db
HEADINGS = ["reference", "name", "address-text", "point", "decision", "decision-date"]
HEADINGS += ["nomination-date", "nominating-group", "notification-to-sell-date"]


def register_file(path, rows):
    """A council register of `rows` places listed last week, every third with a notice
    to sell, so each row brings two or three new events."""
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADINGS)
        for number in range(rows):
            writer.writerow(
                [
                    f"A-CV-{number}",
                    f"The Plough {number}",
                    f"{number} Front Street, Sacriston, DH7 6LQ",
                    "POINT (-1.626 54.816)",
                    "Listed",
                    week_ago.isoformat(),
                    (week_ago - datetime.timedelta(days=40)).isoformat(),
                    "Friends of the Plough",
                    week_ago.isoformat() if number % 3 == 0 else "",
                ]
            )
    return path


def queued_while(work):
    """{task name: how many times queued} while `work` runs, as the first edits of a burst
    (a recompute already pending would take them in without queueing another)."""
    PendingRecompute.objects.all().delete()
    queued = Counter()

    def count(sender, task_result, **kwargs):
        queued[task_result.task.name] += 1

    task_enqueued.connect(count)
    try:
        work()
    finally:
        task_enqueued.disconnect(count)
    return queued


def import_register(path, capture):
    with capture(execute=True):
        call_command("import_acv_register", str(path), "--council", "E06000047", verbosity=0)


def test_an_import_queues_the_same_follow_up_tasks_for_10_or_100_rows(
    sacriston, tmp_path, django_capture_on_commit_callbacks
):
    small = queued_while(
        lambda: import_register(
            register_file(tmp_path / "small.csv", 10), django_capture_on_commit_callbacks
        )
    )
    large_file = register_file(tmp_path / "large.csv", 100)
    large = queued_while(lambda: import_register(large_file, django_capture_on_commit_callbacks))
    assert large == small
    assert large["deliver_alerts"] == 1 and large["recompute_after_edits"] == 1
    assert sum(large.values()) <= 4
    # The places and their entries are still in Wagtail's reference index (usage counts).
    entry_references = ReferenceIndex.objects.filter(
        content_type=ContentType.objects.get_for_model(ListEntry)
    )
    assert entry_references.values("object_id").distinct().count() == 100


def test_each_subscriber_gets_each_alert_once_over_two_imports(
    sacriston, tmp_path, django_capture_on_commit_callbacks
):
    watchers = [SubscriptionFactory(area=sacriston).email for _ in range(2)]
    path = register_file(tmp_path / "register.csv", 12)
    import_register(path, django_capture_on_commit_callbacks)
    sent = Counter((message.to[0], message.subject) for message in mail.outbox)
    assert {address for address, _subject in sent} == set(watchers)
    assert set(sent.values()) == {1}
    assert len(sent) == 2 * (12 + 4)  # each listing and each notice to sell, to each watcher
    import_register(path, django_capture_on_commit_callbacks)  # changes nothing
    again = Counter((message.to[0], message.subject) for message in mail.outbox)
    assert again == sent
    assert AssetEvent.objects.count() == 12 * 2 + 4 * 1  # nominated, listed, 4 notices
