"""Boundaries imported before polygons were oriented on import are rewound to RFC 7946's
right-hand rule (exterior counter-clockwise, holes clockwise), so every GeoJSON the site
serves is standard without turning each answer round at output time."""

from django.db import migrations

from assets_register.core.geojson import is_right_hand, right_hand

BATCH = 200


def rewind(apps, schema_editor):
    Area = apps.get_model("assets_register", "Area")
    changed = []
    for area in Area.objects.only("pk", "boundary", "boundary_display").iterator(chunk_size=BATCH):
        wrong = False
        for field in ("boundary", "boundary_display"):
            geometry = getattr(area, field)
            if isinstance(geometry, dict) and not _safely_right_hand(geometry):
                setattr(area, field, right_hand(geometry))
                wrong = True
        if wrong:
            changed.append(area)
        if len(changed) >= BATCH:
            Area.objects.bulk_update(changed, ["boundary", "boundary_display"])
            changed = []
    Area.objects.bulk_update(changed, ["boundary", "boundary_display"])


def _safely_right_hand(geometry):
    try:
        return is_right_hand(geometry)
    except Exception:  # a geometry shapely cannot read is left as it was
        return True


class Migration(migrations.Migration):
    dependencies = [("assets_register", "0033_pages_area_bbox_index")]

    operations = [migrations.RunPython(rewind, migrations.RunPython.noop)]
