"""New records in their thousands, written by executemany: what bulk_create writes, without
building SQL for every value (bench/import_assets.py: bulk_create was most of an import)."""

from django.db import connections
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
        return lambda obj: prepared(value_of(obj))

    def plain(obj):
        value = value_of(obj)
        return value if type(value) in as_they_are else prepared(value)

    return plain
