# Events carry the edition of the dataset that said so; a later edition can withdraw them (issue 14).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assets_register', '0025_nomination_submission_token'),
    ]

    operations = [
        migrations.AddField(
            model_name='asset',
            name='source_edition',
            field=models.CharField(blank=True, editable=False, help_text='The newest edition of that dataset the record was imported from (an older edition imported later changes nothing here)', max_length=10),
        ),
        migrations.AddField(
            model_name='assetevent',
            name='source_edition',
            field=models.CharField(blank=True, editable=False, help_text="The earliest edition of that dataset that said so: a year (2023) or a date (2022-01-28); one dataset's editions compare as text", max_length=10),
        ),
        migrations.AddField(
            model_name='assetevent',
            name='withdrawn_by_edition',
            field=models.CharField(blank=True, editable=False, help_text='The later edition of the same dataset that no longer says so; empty while the event stands', max_length=10),
        ),
    ]
