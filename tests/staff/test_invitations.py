"""A site editor invites an officer for a council: the account, the council and the role
at once, and an email (sent by the task worker) with a one-time link to set a password."""

import re
from urllib.parse import urlsplit

import pytest
from django_tasks import default_task_backend

from django.contrib.auth.models import Group, User
from django.core import mail

from assets_register.models import CouncilStaff
from assets_register.staff.roles import OFFICER, SITE_EDITOR

from ..factories import CouncilFactory, NominationFactory

pytestmark = pytest.mark.django_db
INVITE = "/admin/register/invite-officer/"
PASSWORD = "a long and quiet password 7"


@pytest.fixture
def councils():
    return CouncilFactory(name="County Durham"), CouncilFactory(name="Swale")


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", "editor@register.example", "pw")
    user.groups.add(Group.objects.get(name=SITE_EDITOR))
    client.force_login(user)
    return user


def link_in(message):
    """The path of the set-password link in the email."""
    return urlsplit(re.search(r"https?://\S+/staff/set-password/\S+/", message.body)[0]).path


def test_an_invited_officer_sets_a_password_logs_in_and_sees_their_council(
    client, councils, editor, django_capture_on_commit_callbacks
):
    durham, swale = councils
    NominationFactory(council=durham, land_name="Robin Hood")
    NominationFactory(council=swale, land_name="Abbey Hotel")
    assert "Invite a council officer" in client.get("/admin/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            INVITE, {"email": "  Jo.Officer@Durham.example ", "council": durham.pk}
        )
    assert response.status_code == 302
    officer = User.objects.get(email="jo.officer@durham.example")
    assert not officer.has_usable_password()
    assert list(officer.council_memberships.values_list("council", flat=True)) == [durham.pk]
    assert list(officer.groups.values_list("name", flat=True)) == [OFFICER]

    (message,) = mail.outbox
    assert message.to == ["jo.officer@durham.example"]
    assert "officer for County Durham" in message.body
    link = link_in(message)
    client.logout()
    page = client.get(link, follow=True)
    assert "Set your password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    short = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert "This password is too short" in short.content.decode()
    done = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done.url.startswith("/admin/login/")
    again = client.get(link, follow=True).content.decode()
    assert "This link has been used or has expired" in again  # one time only

    login = client.post(
        "/admin/login/", {"username": "jo.officer@durham.example", "password": PASSWORD}
    )
    assert login.status_code == 302
    listing = client.get("/admin/snippets/assets_register/nomination/").content.decode()
    assert "Robin Hood" in listing and "Abbey Hotel" not in listing


def test_the_email_is_sent_by_the_task_worker_not_in_the_request(
    client, councils, editor, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(INVITE, {"email": "jo@durham.example", "council": councils[0].pk})
    assert not mail.outbox
    (queued,) = [r for r in default_task_backend.results if r.task.name == "send_invitation"]
    assert "token" not in str(queued.args)  # the link is made when the email is sent


def test_an_existing_account_gets_the_council_and_no_new_password_link(
    client, councils, editor, django_capture_on_commit_callbacks
):
    existing = User.objects.create_user("jo", "jo@durham.example", PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(INVITE, {"email": "JO@durham.example", "council": councils[1].pk})
    assert User.objects.count() == 2
    assert CouncilStaff.objects.filter(user=existing, council=councils[1]).exists()
    (message,) = mail.outbox
    assert "/staff/set-password/" not in message.body and "Log in as usual" in message.body
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)


def test_only_those_who_add_council_staff_can_invite(client, councils):
    officer = User.objects.create_user("officer", "o@durham.example", "pw")
    officer.groups.add(Group.objects.get(name=OFFICER))
    CouncilStaff.objects.create(user=officer, council=councils[0])
    client.force_login(officer)
    assert "Invite a council officer" not in client.get("/admin/").content.decode()
    response = client.post(INVITE, {"email": "friend@example.org", "council": councils[0].pk})
    assert response.status_code in (302, 403)
    assert not User.objects.filter(email="friend@example.org").exists()
