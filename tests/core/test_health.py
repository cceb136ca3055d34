"""The load balancer's probe: 200 while the database and the cache answer, 503 (with which
part failed) when one does not; answered before the HTTPS redirect, the host check and the
caches, so a probe by address over plain HTTP works and is never served stale."""

import pytest

from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db

BROKEN_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2},
    }
}


def test_healthy_is_200_with_a_tiny_json_body_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert client.head("/healthz").status_code == 200


def test_a_probe_by_address_over_plain_http_is_answered(client, settings):
    settings.ALLOWED_HOSTS = ["assets.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/", HTTP_HOST="10.0.0.5").status_code == 400  # the rest still checks
    response = client.get("/healthz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}
    assert "refused" not in response.content.decode()


def test_a_cache_that_does_not_answer_is_503(client, settings):
    settings.CACHES = BROKEN_CACHE
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}
