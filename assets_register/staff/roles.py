"""The admin roles, as data: each is a Django group with exactly these permissions.
A council officer and a moderator work on their own councils' records (their council
memberships, CouncilStaff); a site editor works on every council's.

The data migrations apply these (apply_roles); a change here needs a new migration that
calls apply_roles again, so existing sites get it too."""

OFFICER = "Council officer"
MODERATOR = "Moderator"
SITE_EDITOR = "Site editor"

ADMIN_ACCESS = ("wagtailadmin", "admin", "access_admin")


def _model_permissions(model, *actions):
    return tuple(("assets_register", model, f"{action}_{model}") for action in actions)


# (app label, model, codename) for each role. Officers and moderators delete nothing:
# statutory records are corrected, not removed; site editors can remove a mistake.
ROLES = {
    OFFICER: (
        ADMIN_ACCESS,
        *_model_permissions("asset", "add", "change", "view", "publish"),
        *_model_permissions("nomination", "add", "change", "view"),
        *_model_permissions("listentry", "add", "change", "view"),
        *_model_permissions("disposalnotice", "add", "change", "view"),
        *_model_permissions("statutorynotice", "change", "view"),
    ),
    MODERATOR: (
        ADMIN_ACCESS,
        *_model_permissions("report", "change", "view"),
        *_model_permissions("asset", "view"),
    ),
    SITE_EDITOR: (
        ADMIN_ACCESS,
        ("assets_register", "asset", "edit_every_council"),
        *_model_permissions("asset", "add", "change", "delete", "view", "publish"),
        *(
            permission
            for model in (
                "nomination",
                "listentry",
                "disposalnotice",
                "statutorynotice",
                "report",
                "area",
                "councilstaff",
                "statutoryregime",
            )
            for permission in _model_permissions(model, "add", "change", "delete", "view")
        ),
        # What the national load did and where each place comes from: read only.
        *_model_permissions("assetsource", "view"),
        *_model_permissions("loadstage", "view"),
    ),
}

PERMISSION_NAMES = {
    "access_admin": "Can access Wagtail admin",
    "edit_every_council": "Can edit the records of every council",
}


def apply_roles(apps):
    """Create or update each role's group with exactly its permissions. Permissions are
    made here when missing (a new database gets Django's only after migrating), named as
    Django and Wagtail name them, so they find them already there."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for role, permissions in ROLES.items():
        found = []
        for app_label, model, codename in permissions:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            action = codename.split("_", 1)[0]
            name = (
                PERMISSION_NAMES.get(codename)
                or f"Can {action} {_verbose_name(apps, app_label, model)}"
            )
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            found.append(permission)
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(found)


def _verbose_name(apps, app_label, model):
    try:
        return apps.get_model(app_label, model)._meta.verbose_name_raw
    except LookupError:
        return model


def remove_roles(apps):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()
