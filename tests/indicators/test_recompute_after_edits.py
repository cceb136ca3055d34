"""After an edit the figures are recomputed in the background, once per burst of edits,
and the area page's figures agree with its own list of closures throughout."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django_tasks import default_task_backend

from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone

from assets_register.indicators import schedule
from assets_register.indicators.compute import recompute
from assets_register.indicators.tasks import claim, recompute_after_edits
from assets_register.models import EventKind, IndicatorSnapshot, PendingRecompute, ReportStatus
from assets_register.reports.moderation import apply_moderation

from ..factories import AreaFactory, AssetEventFactory, AssetFactory, ReportFactory

pytestmark = pytest.mark.django_db

QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class FormFields(HTMLParser):
    """The fields a browser would post from the page's main form."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self.data[name] = name, ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def edit_in_admin(client, asset, **changes):
    url = f"/admin/snippets/assets_register/asset/edit/{asset.pk}/"
    fields = FormFields()
    fields.feed(client.get(url).content.decode())
    response = client.post(url, {**fields.data, **changes, "action-publish": "publish"})
    assert response.status_code == 302, re.findall(r'class="error-message">(.*?)<', str(response))
    return response


def queued(name="recompute_after_edits"):
    return [r for r in default_task_backend.results if r.task.name == name]


@pytest.fixture
def ward():
    return AreaFactory(gss_code="E05000950", name="Castle")


@pytest.fixture
def admin(client):
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    return client


@override_settings(TASKS=QUEUE)
def test_a_burst_of_admin_edits_queues_one_recompute(
    admin, ward, django_capture_on_commit_callbacks
):
    pubs = [AssetFactory(name=f"Pub {i}", ward=ward) for i in range(3)]
    claim()  # the setup's own burst has been worked off
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for pub in pubs:
            edit_in_admin(admin, pub, name=f"{pub.name} renamed")
        AssetEventFactory(asset=pubs[0], kind=EventKind.CLOSED, date=datetime.date(2024, 6, 1))
    assert len(queued()) == 1
    assert not queued("compute_indicators")
    pending = PendingRecompute.objects.get()
    assert pending.edits > 3
    # Not run inside the request: the queued task waits for the burst to end.
    assert queued()[0].task.run_after == pending.run_after > pending.requested_at
    assert not IndicatorSnapshot.objects.exists()


@override_settings(TASKS=QUEUE)
def test_an_edit_while_the_recompute_runs_queues_another(django_capture_on_commit_callbacks):
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.request_recompute() is True
        assert schedule.request_recompute() is False
    assert claim() is True  # the worker starts
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.request_recompute() is True
    assert len(queued()) == 2


@override_settings(TASKS=QUEUE)
def test_a_burst_whose_task_was_lost_queues_again(django_capture_on_commit_callbacks):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    PendingRecompute.objects.create(requested_at=long_ago, run_after=long_ago, edits=5)
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.request_recompute() is True
    assert len(queued()) == 1
    assert PendingRecompute.objects.get().edits == 1


def test_the_task_runs_only_for_waiting_edits():
    assert recompute_after_edits.call() == {"skipped": "no edits waiting"}
    assert not IndicatorSnapshot.objects.exists()


def figures_and_list(client, ward):
    html = " ".join(client.get(ward.get_absolute_url()).content.decode().split())
    section = html.split('id="indicator-heading"')[1].split('id="closures-heading"')[0]
    closures = int(
        re.search(r"Net change, last 10 years</dt><dd>[-+]?\d+ \((\d+) closure", section)[1]
    )
    listed = section.split("that closed since")[1].split("</ul>")[0].count("<li>")
    return closures, listed, section


def test_a_moderated_closure_is_counted_as_soon_as_it_is_listed(
    client, ward, django_capture_on_commit_callbacks
):
    pub = AssetFactory(name="The Crown", ward=ward)
    AssetEventFactory(
        asset=AssetFactory(name="The Mitre", ward=ward),
        kind=EventKind.CLOSED,
        date=timezone.localdate() - datetime.timedelta(days=400),
    )
    recompute()
    assert figures_and_list(client, ward)[:2] == (1, 1)
    report = ReportFactory(
        asset=pub, happened_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    report.status = ReportStatus.ACCEPTED
    report.save()
    moderator = User.objects.create_user("mod", "m@example.org", "pw")
    claim()
    with override_settings(TASKS=QUEUE):
        default_task_backend.clear()
        with django_capture_on_commit_callbacks(execute=True):
            apply_moderation(report, moderator)
        assert len(queued()) == 1
        # Before the worker runs: the page counts the closure it lists, and says the
        # national ranking is catching up.
        closures, listed, section = figures_and_list(client, ward)
        assert (closures, listed) == (2, 2)
        assert "The Crown" in section
        assert "being recomputed" in section
        queued()[0].task.call()  # the worker
    closures, listed, section = figures_and_list(client, ward)
    assert (closures, listed) == (2, 2)
    assert "being recomputed" not in section
    assert IndicatorSnapshot.objects.get().areas.get(area=ward).closures_10y == 2
