"""PostgreSQL statements prepared once per database session, for core.prepared's queries.

PostgreSQL plans each statement it is sent: for a place's page, planning its one query
took 0.5-0.8 ms and running it 0.08, so planning was most of what the database did for
the public pages. A statement PREPAREd in the session is planned once (after five runs
PostgreSQL keeps a generic plan when it is as cheap) and run by EXECUTE with each call's
values. Django binds values on the client and never prepares (psycopg's automatic
preparation needs server-side binding, under which the name search's two statements in
one message fail), so this is done here, for the few compiled queries every public page
runs.

A session's statements go when its connection closes; each is prepared on first use on
a connection, outside a transaction only, where a statement PostgreSQL cannot prepare
(a parameter whose type it cannot tell) fails alone and is then run as plain SQL. A
connection pooler that shares sessions between clients (PgBouncer's transaction mode)
loses them: POSTGRES_PREPARED_STATEMENTS=false turns this off."""

import itertools
import re

from django.conf import settings

_PLACEHOLDER = re.compile(r"%([s%])")
_NAMES = itertools.count(1)
_UNPREPARABLE = object()


def numbered(sql):
    """Django's SQL, placeholders %s and a literal % as %%, as PREPARE takes it: $1, $2..."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m[1] == "s" else "%", sql)


def executed(connection, sql, params):
    """(SQL, params) that run this statement: EXECUTE of it prepared in the session where
    it can be, else the statement itself."""
    if connection.vendor != "postgresql" or not settings.POSTGRES_PREPARED_STATEMENTS:
        return sql, params
    # As the cursor about to run it would: a kept connection that fails its health check
    # is replaced now, not after the statement was prepared on it.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    session = connection.connection
    # Kept on the connection's wrapper, which one thread uses: (session, {SQL: name}).
    held = getattr(connection, "_session_statements", None)
    if held is None or held[0] is not session:
        held = connection._session_statements = (session, {})
    name = held[1].get(sql)
    if name is None:
        if connection.in_atomic_block or session.info.transaction_status:
            return sql, params  # a failed PREPARE would abort the transaction
        name = held[1][sql] = _prepare(connection, sql)
    if name is _UNPREPARABLE:
        return sql, params
    if not params:
        return f"EXECUTE {name}", params
    return f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params


def _prepare(connection, sql):
    """Sent on the driver's connection: not a query of the page's (nor counted as one)."""
    name = f"prepared_{next(_NAMES)}"
    try:
        connection.connection.execute(f"PREPARE {name} AS {numbered(sql)}")
    except connection.Database.Error:
        return _UNPREPARABLE
    return name
