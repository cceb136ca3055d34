"""Background work for staff: the officer's invitation email."""

from django_tasks import task

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assets_register.core.emails import email_subject
from assets_register.core.urls import absolute_url
from assets_register.models import Area


def set_password_url(user):
    """A one-time link to set the password: Django's password-reset token, which stops
    working once the password is set and expires after PASSWORD_RESET_TIMEOUT."""
    return absolute_url(
        "staff_set_password",
        urlsafe_base64_encode(force_bytes(user.pk)),
        default_token_generator.make_token(user),
    )


@task()
def send_invitation(user_id, council_id):
    """Email the invited officer; the link is made here, so no token waits in the queue.
    Someone who already has a password is told where to log in instead."""
    user = get_user_model().objects.get(pk=user_id)
    council = Area.objects.get(pk=council_id)
    context = {
        "user": user,
        "council": council,
        "set_password_url": None if user.has_usable_password() else set_password_url(user),
        "login_url": absolute_url("wagtailadmin_login"),
    }
    send_mail(
        subject=email_subject(f"You can now keep {council.name}'s records on the register"),
        message=render_to_string("assets_register/email/officer_invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return user.email
