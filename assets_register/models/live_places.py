"""How many live places of each kind the register holds, kept by the database itself:
triggers on the asset table add and take away as places are written, whatever writes them
(a save, an import's bulk insert, a queryset update, a fixture, COPY). The home page read
the count on every build: 12 ms on SQLite and 28 on PostgreSQL (an index-only scan) at
150,000 places, where this reads a dozen rows. Built by a migration, like name_search."""

from django.apps import apps
from django.db import connections, router

TABLE = "assets_register_live_places"
ASSETS = "assets_register_asset"
_TRIGGERS = tuple(f"{TABLE}_{event}" for event in ("insert", "update", "delete", "truncate"))
_ADD = f"ON CONFLICT (category) DO UPDATE SET places = {TABLE}.places + excluded.places"
_COUNT = [
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE} (category, places) SELECT category, count(*) FROM {ASSETS} "
    "WHERE live GROUP BY category",
]

# A row per kind, kept by row triggers: SQLite has no others (1-2 us a row), and its
# writers take turns, so none waits on another's row.
SQLITE_INSTALL = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} "
    "(category varchar(30) NOT NULL PRIMARY KEY, places integer NOT NULL)",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON {ASSETS} WHEN new.live "
    f"BEGIN INSERT INTO {TABLE} VALUES (new.category, 1) {_ADD}; END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF live, category ON {ASSETS} "
    f"BEGIN UPDATE {TABLE} SET places = places - 1 WHERE old.live AND category = old.category; "
    f"INSERT INTO {TABLE} SELECT new.category, 1 WHERE new.live {_ADD}; END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON {ASSETS} WHEN old.live "
    f"BEGIN UPDATE {TABLE} SET places = places - 1 WHERE category = old.category; END",
]

# What the insert trigger does, for every place inserted after the id given: an import's
# thousands are counted so, at its end (core.bulk_insert.sqlite_triggers_deferred).
SQLITE_BULK_CATCH_UP = {
    f"{TABLE}_insert": f"INSERT INTO {TABLE} (category, places) SELECT category, count(*) "
    f"FROM {ASSETS} WHERE id > %s AND live GROUP BY category {_ADD}"
}

# PostgreSQL keeps a log of changes, not a row per kind: writers only append to it, so none
# waits for another's commit (an edit for a twenty-second import) and none can deadlock
# (two imports taking the kinds' rows in another order). The statements' rows are added
# up per statement: a row trigger on an import of 150,000 places would log 150,000 rows.
# An update changes a place's kind or liveness rarely: a row trigger, which runs only then.
# The figures' recompute, which follows every edit and import, folds the log (compact).
_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TABLE}_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} (category, places)
      SELECT category, count(*) FROM added WHERE live GROUP BY category;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {TABLE} (category, places)
      SELECT category, -count(*) FROM removed WHERE live GROUP BY category;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO {TABLE} (category, places)
      SELECT OLD.category, -1 WHERE OLD.live UNION ALL SELECT NEW.category, 1 WHERE NEW.live;
  ELSE
    DELETE FROM {TABLE};
  END IF;
  RETURN NULL;
END $$"""
POSTGRES_INSTALL = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, "
    "category varchar(30) NOT NULL, places bigint NOT NULL)",
    _POSTGRES_FUNCTION,
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON {ASSETS} REFERENCING NEW TABLE AS added "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_change()",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF live, category ON {ASSETS} FOR EACH ROW "
    "WHEN (old.live IS DISTINCT FROM new.live OR old.category IS DISTINCT FROM new.category) "
    f"EXECUTE FUNCTION {TABLE}_change()",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON {ASSETS} REFERENCING OLD TABLE AS removed "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_change()",
    f"CREATE TRIGGER {TABLE}_truncate AFTER TRUNCATE ON {ASSETS} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_change()",
]
# One statement: rows a writer appends meanwhile are not in its snapshot, so they stay.
_POSTGRES_COMPACT = (
    f"WITH logged AS (DELETE FROM {TABLE} RETURNING category, places) "
    f"INSERT INTO {TABLE} (category, places) SELECT category, sum(places) FROM logged "
    "GROUP BY category HAVING sum(places) <> 0"
)


def install(connection):
    """Make the table and its triggers, and count the places already held."""
    statements = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}[connection.vendor]
    with connection.cursor() as cursor:
        for statement in [*statements, *_COUNT]:
            cursor.execute(statement)


def uninstall(connection):
    with connection.cursor() as cursor:
        for trigger in _TRIGGERS:
            on = f" ON {ASSETS}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}{on}")
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_change()")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def ensure_installed(connection):
    """SQLite alters a table by copying it, which drops its triggers: after a migration of
    the asset table they are made again and the places counted anew (a post_migrate
    receiver, as for name_search). Not before the migration that makes the table."""
    if connection.vendor != "sqlite" or TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{TABLE}_%"],
        )
        if cursor.fetchone()[0] < len(SQLITE_INSTALL) - 1:
            install(connection)


def compact(using="default"):
    """Fold PostgreSQL's log of changes into a row per kind (SQLite keeps no other)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRES_COMPACT)


def live_places():
    """{category: live places}, for every kind of place the register holds, from the
    database the asset table is read from (a public page's: the replica, if any)."""
    asset = apps.get_model("assets_register", "Asset")
    with connections[router.db_for_read(asset)].cursor() as cursor:
        cursor.execute(
            f"SELECT category, sum(places) FROM {TABLE} GROUP BY category HAVING sum(places) > 0"
        )
        return {category: int(places) for category, places in cursor.fetchall()}
