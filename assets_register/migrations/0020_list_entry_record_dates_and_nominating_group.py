# The list entry keeps the council's record date (planning.data entry-date), the day it was
# made here, and the nominating group when there is no nomination record (issue 12).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assets_register", "0019_statutory_notices"),
    ]

    operations = [
        # Added plain first, so existing entries stay NULL (their creation date is unknown)
        # instead of all getting the day of the migration, as auto_now_add would give them.
        migrations.AddField(
            model_name="listentry",
            name="created_at",
            field=models.DateTimeField(null=True, editable=False),
        ),
        migrations.AlterField(
            model_name="listentry",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, null=True),
        ),
        migrations.AddField(
            model_name="listentry",
            name="nominated_by",
            field=models.CharField(
                blank=True,
                help_text="Published. For entries without a nomination record, e.g. imported "
                "ones.",
                max_length=255,
                verbose_name="nominating group",
            ),
        ),
        migrations.AddField(
            model_name="listentry",
            name="recorded_on",
            field=models.DateField(
                blank=True,
                help_text="When the record entered the council's published register "
                "(planning.data entry-date): not the date of the list entry.",
                null=True,
                verbose_name="date of the council's record",
            ),
        ),
        migrations.AddField(
            model_name="nomination",
            name="recorded_on",
            field=models.DateField(
                blank=True,
                help_text="When the record entered the council's published register "
                "(planning.data entry-date), for imported records.",
                null=True,
                verbose_name="date of the council's record",
            ),
        ),
    ]
