"""A council's officers hear of a new nomination by email, once, without waiting for the
dashboard; other councils' staff and moderators do not."""

import pytest

from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from assets_register.acv.tasks import tell_officers_of_nomination
from assets_register.models import Nomination
from assets_register.staff.roles import MODERATOR, OFFICER

from ..factories import AssetFactory, CouncilFactory, CouncilStaffFactory, UserFactory
from .test_nominations import answers

pytestmark = pytest.mark.django_db


def staff(username, council, role):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    CouncilStaffFactory(user=user, council=council)
    return user


def test_the_councils_officers_are_emailed_once_of_a_new_nomination(client):
    durham = CouncilFactory(name="County Durham", gss_code="E06000047")
    swale = CouncilFactory(name="Swale")
    pub = AssetFactory(name="The Robin Hood", council=durham)
    staff("dana", durham, OFFICER)
    staff("drew", durham, OFFICER)
    staff("mo", durham, MODERATOR)
    staff("sam", swale, OFFICER)
    assert client.post(reverse("nominate_asset", args=[pub.pk]), answers()).status_code == 302
    nomination = Nomination.objects.get()
    to_officers = [message for message in mail.outbox if message.to != ["jo.bloggs@example.org"]]
    assert sorted(message.to[0] for message in to_officers) == [
        "dana@council.example",
        "drew@council.example",
    ]
    news = to_officers[0]
    assert news.subject == (
        f"New nomination for County Durham: The Robin Hood ({nomination.reference})"
    )
    edit = reverse("wagtailsnippets_assets_register_nomination:edit", args=[nomination.pk])
    assert f"http://testserver{edit}" in news.body
    assert "Friends of the Robin Hood" in news.body
    assert f"{nomination.decision_due:%-d %B %Y}" in news.body
    assert "jo.bloggs@example.org" not in news.body  # the nominator's details stay in the admin

    before = len(mail.outbox)
    assert tell_officers_of_nomination.call(nomination.pk) == []  # run again: nothing resent
    assert len(mail.outbox) == before


def test_an_officer_who_joins_later_hears_of_it_when_the_task_runs_again(client):
    durham = CouncilFactory(name="County Durham")
    pub = AssetFactory(name="The Robin Hood", council=durham)
    client.post(reverse("nominate_asset", args=[pub.pk]), answers())
    nomination = Nomination.objects.get()
    staff("dana", durham, OFFICER)
    assert tell_officers_of_nomination.call(nomination.pk) == ["dana@council.example"]
    assert tell_officers_of_nomination.call(nomination.pk) == []
