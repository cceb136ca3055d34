from django.db import migrations

from assets_register.models.assets import derive_status


def refresh(apps, schema_editor):
    """Places with a notice to sell now show "For sale" (and, once sold, what they were)."""
    Asset = apps.get_model("assets_register", "Asset")
    AssetEvent = apps.get_model("assets_register", "AssetEvent")
    for asset in Asset.objects.filter(events__kind="disposal_notice").distinct():
        events = AssetEvent.objects.filter(asset=asset).values_list("date", "kind")
        status = derive_status(events)
        if status != asset.status:
            Asset.objects.filter(pk=asset.pk).update(status=status)


class Migration(migrations.Migration):
    dependencies = [("assets_register", "0015_appeal_ends_on_working_day")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
