"""With a read replica configured, only safe public reads go to it."""

from django.test import RequestFactory

from assets_register.core.db_routers import ReplicaReadsMiddleware, ReplicaRouter
from assets_register.models import Asset


def database_used_by(method, path):
    seen = {}

    def view(request):
        seen["read"] = ReplicaRouter().db_for_read(Asset)
        seen["write"] = ReplicaRouter().db_for_write(Asset)
        return None

    request = getattr(RequestFactory(), method)(path)
    ReplicaReadsMiddleware(view)(request)
    return seen["read"], seen["write"]


def test_public_reads_use_the_replica_and_everything_else_the_primary():
    assert database_used_by("get", "/assets/1/") == ("replica", "default")
    assert database_used_by("head", "/api/assets") == ("replica", "default")
    assert database_used_by("post", "/alerts/") == ("default", "default")
    assert database_used_by("get", "/admin/snippets/") == ("default", "default")
    # Outside a request (the task worker, management commands): the primary.
    assert ReplicaRouter().db_for_read(Asset) == "default"
    assert not ReplicaRouter().allow_migrate("replica", "assets_register")
