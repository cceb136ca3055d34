"""Re-derive every located asset's council, ward and LSOA from the current boundaries
(run after importing new boundaries)."""

from django.core.management.base import BaseCommand

from ...map_index import bump_map_version
from ...models import Asset
from ...spatial import assign_areas


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        changed = assign_areas(Asset.objects.all())
        bump_map_version()
        self.stdout.write(self.style.SUCCESS(f"{changed} assets changed area"))
