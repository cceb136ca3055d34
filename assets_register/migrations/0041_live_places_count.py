"""The count of live places of each kind, kept by triggers (models.live_places)."""

from django.db import migrations

from assets_register.models import live_places


def install(apps, schema_editor):
    live_places.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    live_places.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('assets_register', '0040_live_places_by_council'),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
