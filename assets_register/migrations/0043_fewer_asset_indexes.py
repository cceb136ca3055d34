"""Indexes no query reads, dropped: each cost every insert (a 100,000-place import on
PostgreSQL spent ~1 s of 16 on the six of the asset table). The single-column indexes
db_index made (and PostgreSQL's varchar_pattern_ops twins) are dropped by name, not by
altering the fields: SQLite alters a field by copying the whole table, once per field."""

from django.db import migrations, models

# (model, column) whose own index goes; category keeps a plain one (asset_category).
UNINDEXED = [
    ("asset", "category"),
    ("asset", "postcode"),
    ("asset", "status"),
    ("asset", "uprn"),
    ("assetevent", "kind"),
]


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    for model_name, column in UNINDEXED:
        table = apps.get_model("assets_register", model_name)._meta.db_table
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        for name, about in constraints.items():
            if about["index"] and not about["unique"] and about["columns"] == [column]:
                schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def make_indexes(apps, schema_editor):
    """Back to the fields' db_index=True: their indexes as Django makes them."""
    for model_name, column in UNINDEXED:
        model = apps.get_model("assets_register", model_name)
        field = model._meta.get_field(column).clone()
        field.set_attributes_from_name(column)
        field.db_index = True
        for statement in schema_editor._field_indexes_sql(model, field):
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('assets_register', '0042_sqlite_name_index_merged'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='asset',
                    name='category',
                    field=models.CharField(choices=[('pub', 'Pub'), ('library', 'Library'), ('community_centre', 'Community centre or village hall'), ('community_hub', 'Community hub'), ('police_station', 'Police station'), ('post_office', 'Post office'), ('place_of_worship', 'Place of worship'), ('sports_leisure', 'Sports or leisure centre'), ('park', 'Park or green space'), ('cafe', 'Cafe'), ('shop', 'Shop'), ('youth_club', 'Youth club'), ('other', 'Other')], max_length=30),
                ),
                migrations.AlterField(
                    model_name='asset',
                    name='postcode',
                    field=models.CharField(blank=True, max_length=8),
                ),
                migrations.AlterField(
                    model_name='asset',
                    name='status',
                    field=models.CharField(choices=[('open', 'Open'), ('at_risk', 'Open, at risk'), ('for_sale', 'For sale'), ('temporarily_closed', 'Temporarily closed'), ('closed', 'Closed'), ('demolished', 'Demolished'), ('converted', 'Converted to other use')], default='open', editable=False, max_length=20),
                ),
                migrations.AlterField(
                    model_name='asset',
                    name='uprn',
                    field=models.CharField(blank=True, max_length=12, verbose_name='UPRN'),
                ),
                migrations.AlterField(
                    model_name='assetevent',
                    name='kind',
                    field=models.CharField(choices=[('opened', 'Opened'), ('at_risk', 'At risk'), ('listed_for_sale', 'Listed for sale'), ('temporarily_closed', 'Temporarily closed'), ('closed', 'Closed'), ('reopened', 'Reopened'), ('demolished', 'Demolished'), ('converted', 'Converted to other use'), ('bought_by_community', 'Bought by the community'), ('ownership_changed', 'Ownership or management changed'), ('note', 'Other news'), ('acv_nominated', 'Nominated as an asset of community value'), ('acv_listed', 'Listed as an asset of community value'), ('acv_not_listed', 'Nomination as an asset of community value unsuccessful'), ('acv_removed', 'Removed from the list of assets of community value'), ('disposal_notice', 'Owner gave notice of intention to sell'), ('bidder_request', 'A community group asked to bid'), ('exempt_disposal', 'Changed hands in a disposal exempt from the moratorium'), ('disposal_withdrawn', 'Owner withdrew the notice to sell'), ('intent_to_buy', 'A community group registered its intention to buy'), ('progress_check', "Progress check on the community's purchase"), ('valuation', 'An independent valuer set the price'), ('purchase_offer', 'The community group made an offer'), ('purchase_agreed', "The owner accepted the community group's offer"), ('right_to_buy_ended', "The community's right to buy ended")], max_length=30),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, make_indexes)],
        ),
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(fields=['category'], name='asset_category'),
        ),
    ]
