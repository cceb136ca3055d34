"""Load the real demo dataset in demo_data/ (County Durham, Swale, Stoke-on-Trent) and
make an admin login. Safe to run again: every import is an upsert, so a second run
changes nothing but the admin password it prints."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from assets_register.core.urls import absolute_url

DEMO = Path(settings.BASE_DIR) / "demo_data"
STEPS = [
    ("import_boundaries", "councils.geojson", {"kind": "council", "valid_from": "2024-05-01"}),
    ("import_boundaries", "wards_2013.geojson", {"kind": "ward", "valid_from": "2013-05-02"}),
    ("import_boundaries", "lsoa_2011.geojson", {"kind": "lsoa", "valid_from": "2011-03-27"}),
    ("import_deprivation", "imd2019_lsoa.csv", {}),
    ("import_postcodes", "postcodes.csv.gz", {}),
    ("import_assets", "libraries.csv", {"format": "libraries"}),
    ("import_assets", "open_pubs_swale.csv", {"format": "open-pubs"}),
    ("import_assets", "osm_pubs.tsv", {"format": "osm-pubs"}),
]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--no-admin", action="store_true", help="do not touch the admin user")

    def handle(self, *args, **options):
        for command, filename, extra in STEPS:
            if options["verbosity"]:
                self.stdout.write(f"{command} {filename}")
            call_command(
                command,
                str(DEMO / filename),
                stdout=self.stdout,
                stderr=self.stderr,
                verbosity=options["verbosity"],
                **extra,
            )
        # The imports queue a recompute for the worker; do it now so the pages have figures.
        call_command("compute_indicators", stdout=self.stdout, verbosity=options["verbosity"])
        if not options["no_admin"]:
            password = secrets.token_urlsafe(12)
            user, _ = get_user_model().objects.get_or_create(
                username="admin", defaults={"email": "admin@example.org"}
            )
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Admin login: {absolute_url('wagtailadmin_home')}  "
                    f"user: admin  password: {password}"
                )
            )
