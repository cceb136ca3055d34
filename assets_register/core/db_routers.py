"""An optional PostgreSQL read replica (DATABASE_REPLICA_URL). Only anonymous-safe reads
go there: GET and HEAD requests outside the admin. Writes, forms, the admin and the task
worker always use the primary, so nobody reads back a stale copy of their own edit."""

from contextvars import ContextVar

REPLICA = "replica"
_reads_from_replica = ContextVar("reads_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reads_from_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in ("GET", "HEAD") and not request.path.startswith("/admin/")
        token = _reads_from_replica.set(safe)
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
