"""Re-derive every located asset's council, ward and LSOA from the current boundaries
(run after importing new boundaries)."""

from django.core.management.base import BaseCommand

from assets_register.geo.map_index import bump_map_version
from assets_register.geo.spatial import assign_areas
from assets_register.models import Asset


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        changed = assign_areas(Asset.objects.all())
        bump_map_version()
        self.stdout.write(self.style.SUCCESS(f"{changed} assets changed area"))
