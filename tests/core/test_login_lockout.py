"""The admin login locks a username out from one address after too many wrong passwords
(django-axes), counting by the same proxy-aware client address as every rate limit."""

import pytest

from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
RIGHT, WRONG = "the-right-password", "a-wrong-guess"


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


@pytest.fixture
def officer():
    return User.objects.create_superuser("officer", "officer@council.example", RIGHT)


def sign_in(client, username, password, address="203.0.113.5", **extra):
    response = client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )
    signed_in = "_auth_user_id" in client.session
    client.logout()
    return response, signed_in


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused(client, officer):
    for _ in range(2):
        response, _ = sign_in(client, "officer", WRONG)
        assert response.status_code == 200  # the form again, with its error
    response, _ = sign_in(client, "officer", WRONG)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins" in page and "15 minutes" in page
    response, signed_in = sign_in(client, "officer", RIGHT)
    assert response.status_code == 429 and not signed_in


def test_another_user_or_another_address_is_not_locked_out(client, officer):
    User.objects.create_superuser("colleague", "colleague@council.example", RIGHT)
    for _ in range(3):
        sign_in(client, "officer", WRONG)
    assert sign_in(client, "colleague", RIGHT)[1]
    assert sign_in(client, "officer", RIGHT, address="198.51.100.7")[1]


def test_the_address_is_the_visitors_behind_the_proxy(client, settings, officer):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "6.6.6.6"}
    for _ in range(3):
        sign_in(client, "officer", WRONG, address="127.0.0.1", **attacker)
    assert not sign_in(client, "officer", RIGHT, address="127.0.0.1", **attacker)[1]
    officer_at_home = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert sign_in(client, "officer", RIGHT, address="127.0.0.1", **officer_at_home)[1]


def test_signing_in_clears_the_earlier_failures(client, settings, officer):
    for _ in range(2):
        sign_in(client, "officer", WRONG)
    assert sign_in(client, "officer", RIGHT)[1]
    for _ in range(2):
        sign_in(client, "officer", WRONG)
    assert sign_in(client, "officer", RIGHT)[1]
    settings.AXES_RESET_ON_SUCCESS = False  # LOGIN_RESET_ON_SUCCESS=false: they add up
    for _ in range(2):
        sign_in(client, "officer", WRONG)
    assert sign_in(client, "officer", RIGHT)[1]
    assert sign_in(client, "officer", WRONG)[0].status_code == 429
    assert not sign_in(client, "officer", RIGHT)[1]
