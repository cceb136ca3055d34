"""Recompute the 'losing places to meet' figures and flags for every current council, ward
and LSOA from the event history, and store them as the snapshot the public pages read.

Runs after every import (as a background task) and should run once a night, e.g. from cron:

    15 3 * * *  cd /srv/register && .venv/bin/python manage.py compute_indicators --quiet

    manage.py compute_indicators [--on YYYY-MM-DD]
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from assets_register.indicators.compute import recompute


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--on", default="", help="reference date (default: today)")
        parser.add_argument("--quiet", action="store_true", help="print nothing on success")

    def handle(self, *args, **options):
        try:
            on = datetime.date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError:
            raise CommandError(f"{options['on']!r} is not a date (use YYYY-MM-DD)") from None
        snapshot = recompute(on)
        if options["verbosity"] and not options["quiet"]:
            flagged = snapshot.areas.filter(losing_places=True).count()
            left_behind = snapshot.areas.filter(left_behind_risk=True).count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"{snapshot.area_count} areas as of {snapshot.reference_date} in "
                    f"{snapshot.seconds:.1f} s: {flagged} losing places to meet, "
                    f"{left_behind} at left-behind risk"
                )
            )
