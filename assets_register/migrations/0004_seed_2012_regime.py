from django.db import migrations

from assets_register.law.regimes import ensure_2012_regime


def seed(apps, schema_editor):
    ensure_2012_regime(apps.get_model("assets_register", "StatutoryRegime"),
                       apps.get_model("assets_register", "RegimePeriod"))


class Migration(migrations.Migration):
    dependencies = [("assets_register", "0003_statutory_regimes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
