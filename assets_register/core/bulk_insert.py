"""New records in their thousands, written by executemany: what bulk_create writes, without
building SQL for every value (bench/import_assets.py: bulk_create was most of an import).
insert_rows() goes further and takes plain dicts, so an import builds no model instance
per row (constructing one cost as much as writing it)."""

from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import Field

# Fields whose values the database drivers take as they are when of these types: no
# per-value conversion needed (any other value goes through the field, as in bulk_create).
_TEXT, _INTEGER = (str, type(None)), (int, type(None))
_TAKEN_AS_THEY_ARE = {
    "CharField": _TEXT,
    "EmailField": _TEXT,
    "SlugField": _TEXT,
    "TextField": _TEXT,
    "URLField": _TEXT,
    "BooleanField": (bool, type(None)),
    "BigIntegerField": _INTEGER,
    "ForeignKey": _INTEGER,
    "IntegerField": _INTEGER,
    "OneToOneField": _INTEGER,
    "PositiveIntegerField": _INTEGER,
    "PositiveSmallIntegerField": _INTEGER,
    "SmallIntegerField": _INTEGER,
}


def insert_many(model, objs, *, using="default", batch_size=5000):
    """INSERT new records with one prepared statement run over them all (executemany): the
    rows bulk_create would write, without building SQL for every value, several times
    faster for a big import. Like bulk_create it sends no signals; unlike it, it leaves
    the records' primary keys unset (read them back by a natural key)."""
    connection = connections[using]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.db_returning)  # the auto-increment id
    ]
    converters = [_converter(field, connection) for field in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            rows = [
                tuple(convert(obj) for convert in converters)
                for obj in objs[start : start + batch_size]
            ]
            cursor.executemany(sql, rows)
    for obj in objs:
        obj._state.adding, obj._state.db = False, using


def insert_rows(model, rows, *, using="default", batch_size=5000):
    """INSERT new records given as dicts of {attname: value}, by executemany (COPY on
    PostgreSQL). A field a row leaves out takes the value a new instance would have (its
    default; auto_now and auto_now_add one moment for the whole insert); a value given is
    written as it is, as bulk_create would write it (get_db_prep_save), without the
    field's pre_save."""
    connection = connections[using]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.db_returning)  # the auto-increment id
    ]
    blank = model()
    preparers = [_preparer(field, connection) for field in fields]
    # Fields no row gives are worked out once; a row then only has its own values prepared.
    defaults = [
        prepare(field.pre_save(blank, add=True))
        for field, prepare in zip(fields, preparers, strict=True)
    ]
    given = rows[0].keys() if rows else set()
    own = [
        (index, field.attname, preparers[index])
        for index, field in enumerate(fields)
        if field.attname in given
    ]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )

    def values(row):
        if row.keys() != given:  # rows that give other fields than the first
            return [
                prepare(row[field.attname]) if field.attname in row else default
                for field, prepare, default in zip(fields, preparers, defaults, strict=True)
            ]
        values = defaults.copy()
        for index, name, prepare in own:
            values[index] = prepare(row[name])
        return values

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, model, fields, map(values, rows))
            return
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, [values(row) for row in rows[start : start + batch_size]])


def _copy(cursor, model, fields, values):
    """PostgreSQL's COPY: rows streamed to the server, none parsed as a statement of its
    own (executemany runs the INSERT once per row there)."""
    quote = cursor.db.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    # Django's exceptions (IntegrityError...), as its own cursor would raise them.
    with cursor.db.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(row)


def _preparer(field, connection):
    """value -> what the database driver is given: the value itself for plain text and
    numbers, else get_db_prep_save, remembered per value (a postcode's coordinates, a
    source name recur)."""
    converted = {}

    def prepared(value):
        try:
            return converted[value]
        except KeyError:
            converted[value] = field.get_db_prep_save(value, connection)
            return converted[value]
        except TypeError:  # unhashable, e.g. a JSON value
            return field.get_db_prep_save(value, connection)

    as_they_are = _TAKEN_AS_THEY_ARE.get(field.get_internal_type())
    if as_they_are is None:
        return prepared
    return lambda value: value if type(value) in as_they_are else prepared(value)


def _converter(field, connection):
    """obj -> the value bulk_create would send for the field: pre_save (auto_now and the
    like), then get_db_prep_save, skipped for plain text and numbers that need neither.
    A converted value is remembered (a postcode's coordinates, a source name recur), and
    auto_now fields take one moment for the whole insert."""
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        moment = []

        def value_of(obj):
            if not moment:
                moment.append(field.pre_save(obj, add=True))
            setattr(obj, attname, moment[0])
            return moment[0]

    elif type(field).pre_save is not Field.pre_save:

        def value_of(obj):
            return field.pre_save(obj, add=True)

    else:

        def value_of(obj):
            return getattr(obj, attname)

    prepared = _preparer(field, connection)
    return lambda obj: prepared(value_of(obj))


@contextmanager
def sqlite_triggers_deferred(connection, table, catch_up):
    """Inserts of many rows into `table` inside the block do the work of its insert triggers
    by one statement each at its end, not a trigger run per row. `catch_up` maps each
    trigger's name to that statement, for the rows whose id is over %s. SQLite runs a row
    trigger as a statement of its own: FTS5 flushes its pending terms at each (indexing
    cost ten times the insert), and the count of live places added 60 us a row. The
    triggers are dropped for the block in a savepoint, so a failure puts them back;
    other databases' triggers run as they insert."""
    if connection.vendor != "sqlite":
        yield
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [table],
        )
        # Triggers not made yet (a migration under way) have nothing to catch up.
        deferred = {name: sql for name, sql in cursor.fetchall() if name in catch_up}
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        last_before = cursor.fetchone()[0]  # ids only grow (AUTOINCREMENT)
        for name in deferred:
            cursor.execute(f"DROP TRIGGER {name}")
        yield
        for name, sql in deferred.items():
            cursor.execute(catch_up[name], [last_before])
            cursor.execute(sql)
