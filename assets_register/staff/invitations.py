"""Inviting a council officer: the account (with no password until they set one), the
council membership and the officer's role, then an email with a one-time link to set a
password, sent by the task worker. The link is Django's password-reset token, so it works
once, stops working when the password is set and expires after PASSWORD_RESET_TIMEOUT."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q

from assets_register.models import CouncilStaff
from assets_register.staff.roles import OFFICER
from assets_register.staff.tasks import send_invitation


@transaction.atomic
def invite_officer(email, council):
    """The invited user, made an officer of the council; the email goes once this commits.
    An existing account (same email or username) is given the council and the role."""
    email = email.strip().lower()
    User = get_user_model()
    user = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()
    if user is None:
        user = User(username=email, email=email, is_active=True)
        user.set_unusable_password()
        user.save()
    CouncilStaff.objects.get_or_create(user=user, council=council)
    user.groups.add(Group.objects.get(name=OFFICER))
    transaction.on_commit(lambda: send_invitation.enqueue(user.pk, council.pk))
    return user
