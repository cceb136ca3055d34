"""The invited officer's page for setting a password, from the link in their email."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Django's password-reset confirmation: checks the one-time token, then the password
    against AUTH_PASSWORD_VALIDATORS; the officer then logs in."""

    template_name = "assets_register/staff/set_password.html"
    success_url = reverse_lazy("wagtailadmin_login")
