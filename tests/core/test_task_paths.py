"""Tasks queued before the feature packages were stored by their old dotted paths
(django-tasks-db keeps `task_path`); a worker after the upgrade must still run them."""

import pytest
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from django.utils.module_loading import import_string

from assets_register.models import IndicatorSnapshot
from tests.factories import AreaFactory

MOVED_TO = {
    "locate_asset": "geo",
    "send_nomination_receipt": "acv",
    "send_subscription_email": "alerts",
    "deliver_alerts": "alerts",
    "send_digests": "alerts",
    "compute_indicators": "indicators",
    "send_report_email": "reports",
    "notify_moderators": "reports",
}
OLD_PATHS = {
    f"assets_register.tasks.{name}": f"assets_register.{package}.tasks.{name}"
    for name, package in MOVED_TO.items()
}


@pytest.mark.parametrize(("old", "new"), OLD_PATHS.items())
def test_an_old_task_path_resolves_to_the_task_that_moved(old, new):
    task = import_string(old)
    assert isinstance(task, Task)
    assert task.module_path == new


@pytest.mark.django_db
def test_a_task_stored_under_its_old_path_runs():
    AreaFactory()
    stored = DBTaskResult(
        task_path="assets_register.tasks.compute_indicators", backend_name="default"
    )
    assert stored.task.call()["areas"] == 1
    assert IndicatorSnapshot.objects.count() == 1
