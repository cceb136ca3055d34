"""The libraries dataset's key no longer names one edition: 'ace-libraries-2023' becomes
'ace-libraries', and what was imported under the old key is labelled the 2023 edition (the
only edition the importer read until now)."""

from django.db import migrations

OLD, NEW, EDITION = "ace-libraries-2023", "ace-libraries", "2023"


def forwards(apps, schema_editor):
    Asset = apps.get_model("assets_register", "Asset")
    AssetEvent = apps.get_model("assets_register", "AssetEvent")
    Asset.objects.filter(source=OLD).update(source=NEW, source_edition=EDITION)
    AssetEvent.objects.filter(source=OLD).update(source=NEW, source_edition=EDITION)


def backwards(apps, schema_editor):
    Asset = apps.get_model("assets_register", "Asset")
    AssetEvent = apps.get_model("assets_register", "AssetEvent")
    Asset.objects.filter(source=NEW).update(source=OLD, source_edition="")
    AssetEvent.objects.filter(source=NEW).update(source=OLD, source_edition="")


class Migration(migrations.Migration):
    dependencies = [("assets_register", "0026_editions_correct_each_other")]

    operations = [migrations.RunPython(forwards, backwards)]
