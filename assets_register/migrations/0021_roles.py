"""The admin roles (council officer, moderator, site editor) as groups: staff/roles.py."""

from django.db import migrations

from assets_register.staff.roles import apply_roles, remove_roles


class Migration(migrations.Migration):
    dependencies = [
        ("assets_register", "0020_list_entry_record_dates_and_nominating_group"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # After Wagtail's migrations that give every admin group its choose permissions,
        # so the groups keep exactly the permissions below.
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: apply_roles(apps),
            lambda apps, schema_editor: remove_roles(apps),
        ),
    ]
