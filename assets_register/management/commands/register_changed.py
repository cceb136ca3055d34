"""Tell every process that the register changed behind the site's back (bin/restore runs
it after putting a backup in place): cached pages, API answers and the map's index are
rebuilt on their next request instead of when they expire."""

from django.core.management.base import BaseCommand

from assets_register.geo.map_index import bump_map_version


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        bump_map_version()  # the content version too
        self.stdout.write("Pages and the map will be rebuilt from the register as it is now.")
