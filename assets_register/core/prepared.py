"""Querysets compiled to SQL once per database connection, then run with new values.

Django builds and compiles a queryset's SQL every time it is evaluated. For the few small
queries every public page runs, that costs more than the database's own work: on a
place's page, building and compiling its three queries took ~40 % of its CPU.

A PreparedQuery builds its queryset once per connection (connections are per thread) and
per value of its `keys`, with a marker in place of each `slot`; compiles it; and on each
call puts the call's slot values where the markers were in the compiled parameters.
Slots are values the SQL takes as they are (ints, floats and strings compared with `=`,
`<`, ...): each marker must appear among the parameters, which is checked when compiling,
and a slot fills every parameter its marker became.
Keys are every other argument (a date, a flag): the SQL is compiled anew for a new value,
and a few values kept. Nothing else the build function reads may vary (it would be frozen
into the SQL): pass it as an argument.

A call returns the rows as a list, never a queryset, so the compiled SQL cannot be chained
into a different query. On PostgreSQL the compiled SQL is also PREPAREd in the database
session, so that it is planned once too (core.session_statements).
"""

import copy
import itertools
import weakref

from django.db import connections

from assets_register.core import session_statements

KEPT = 4  # key values kept compiled (today's date, say, across midnight)
_INT_MARKERS = itertools.count(-7_340_000_001, -1)
_INT64 = (-(2**63), 2**63 - 1)


class PreparedQuery:
    def __init__(self, build, *, slots):
        """build(**arguments) returns the queryset; slots maps each slot argument's name to
        its type: int, float or str."""
        self.build = build
        self.slots = slots
        self.templates = {}  # key values -> the queryset built with markers
        self.compiled = weakref.WeakKeyDictionary()  # connection -> key values -> compiled

    def __call__(self, **arguments):
        if any(
            kind is int and not _INT64[0] <= arguments[name] <= _INT64[1]
            for name, kind in self.slots.items()
        ):  # no column holds it (Django's lookups answer "no match" too; drivers raise)
            return []
        keys = tuple(sorted((k, v) for k, v in arguments.items() if k not in self.slots))
        template = self._template(keys)
        # The router picks the database on every call, as for any queryset (a public
        # page's reads may go to a replica).
        connection = connections[template.db]
        compiler, sql, params, positions = self._compiled(connection, keys)
        values = list(params)
        for name, found in positions.items():
            for position in found:
                values[position] = arguments[name]
        queryset = template._chain()
        sql, values = session_statements.executed(connection, sql, tuple(values))
        queryset.query.get_compiler = _Pinned(compiler, sql, values)
        return list(queryset)

    def _template(self, keys):
        template = self.templates.get(keys)
        if template is None:
            markers = {name: _marker(name, kind) for name, kind in self.slots.items()}
            template = self.build(**dict(keys), **markers)
            template.markers = markers
            if len(self.templates) >= KEPT:
                self.templates.clear()
            self.templates[keys] = template
        return template

    def _compiled(self, connection, keys):
        cache = self.compiled.setdefault(connection, {})
        if keys in cache:
            return cache[keys]
        template = self.templates[keys]
        # A copy: compiling touches the query, and other threads use the template.
        compiler = template.query.clone().get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = {}
        for name, marker in template.markers.items():
            found = [i for i, p in enumerate(params) if p == marker and type(p) is type(marker)]
            if not found:
                raise ValueError(f"slot {name!r} is none of the parameters of {sql}")
            positions[name] = found
        # What results_iter() would work out from the compiled select on every call.
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        compiler.get_converters = lambda fields: converters
        if len(cache) >= KEPT:
            cache.clear()
        cache[keys] = compiler, sql, params, positions
        return cache[keys]


def pk_slots(count):
    """Slots for up to `count` pks, so that lists of any length up to it share one compiled
    query: `filter(pk__in=pks.values())` over slots pk0 … pk<count - 1>."""
    return {f"pk{i}": int for i in range(count)}


def pk_values(pks, count):
    """pk_slots' values for these pks (one at least, `count` at most), padded with the
    first: a pk twice matches once."""
    padded = [*pks, *pks[:1] * (count - len(pks))]
    return {f"pk{i}": pk for i, pk in enumerate(padded)}


class _Pinned:
    """Stands in for the template query's get_compiler: a copy of the compiled compiler
    whose as_sql answers the compiled SQL with this call's values."""

    def __init__(self, compiler, sql, params):
        self.compiler, self.sql, self.params = compiler, sql, params

    def __call__(self, using=None, connection=None, elide_empty=True):
        compiler = copy.copy(self.compiler)
        compiler.as_sql = self.as_sql
        return compiler

    def as_sql(self, *args, **kwargs):
        return self.sql, self.params


def _marker(name, kind):
    if kind is int:
        return next(_INT_MARKERS)
    if kind is float:
        return next(_INT_MARKERS) - 0.5
    if kind is str:
        return f"\x00prepared:{name}:{next(_INT_MARKERS)}"
    raise TypeError(f"slot {name!r}: only int, float and str values can be slots")
