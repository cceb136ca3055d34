"""SQLite: the name index's segments merged into one, as bulk writes now merge theirs
(name_search.SQLITE_MERGE says why): a register written before keeps up to dozens."""

from django.db import migrations

from assets_register.models import name_search


def merge(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            table = name_search.FTS_TABLE
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


class Migration(migrations.Migration):
    dependencies = [
        ("assets_register", "0041_live_places_count"),
    ]

    operations = [migrations.RunPython(merge, migrations.RunPython.noop)]
