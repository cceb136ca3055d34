"""PostgreSQL: the name index's pending list kept short (256 kB, not 4 MB) and merged now,
as every name search reads it whole (name_search.PG_PENDING_KB says why)."""

from django.db import migrations

from assets_register.models import name_search


def shorten(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in name_search.POSTGRES_SHORT_PENDING:
                cursor.execute(statement)


def lengthen(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER INDEX {name_search.PG_INDEX} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [
        ("assets_register", "0035_search_area_name_index"),
    ]

    operations = [migrations.RunPython(shorten, lengthen)]
