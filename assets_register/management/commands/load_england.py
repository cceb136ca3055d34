"""Load all of England from a folder of the official files (the layout of shared/data):
councils, 2013 wards and 2011 LSOAs with their current council by geometry, every
postcode, IMD 2019 and 2025, both editions of the public libraries dataset, Open Pubs
where given and every OpenStreetMap pub snapshot, then the indicators.

    manage.py load_england ../shared/data
    manage.py load_england ~/england --download          # fetch what is missing first
    manage.py load_england ../shared/data --restart      # forget finished stages

Each stage is one transaction recorded with its files' checksum: run it again and it
changes nothing; kill it and run it again and it carries on from the stage it was in.
Files the publishers' URLs give are in assets_register/importers/downloads.py.
"""

import sys
from pathlib import Path

from tqdm import tqdm

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assets_register.importers.base import ImportFileError
from assets_register.importers.downloads import DownloadError, download
from assets_register.importers.national import Loader, peak_rss_mb


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("folder", help="folder with the files (created by --download)")
        parser.add_argument(
            "--download", action="store_true", help="fetch missing files, checking checksums"
        )
        parser.add_argument(
            "--cache",
            default=str(Path.home() / ".cache" / "community-asset-register"),
            help="where downloads are kept, by checksum",
        )
        parser.add_argument("--restart", action="store_true", help="run every stage again")
        parser.add_argument(
            "--report-dir",
            default=str(Path(settings.BASE_DIR) / "var" / "load_england"),
            help="where each stage's full report is written",
        )

    def handle(self, *args, **options):
        show = options["verbosity"] > 0 and sys.stderr.isatty()

        def progress(iterable, **kwargs):
            return tqdm(iterable, disable=not show, **kwargs)

        def say(line):
            if options["verbosity"]:
                self.stdout.write(line)

        if options["download"]:
            try:
                fetched = download(options["folder"], options["cache"], say=say)
            except DownloadError as error:
                raise CommandError(str(error)) from None
            say(", ".join(f"{path}: {how}" for path, how in fetched.items()))
        loader = Loader(
            options["folder"], progress=progress, say=say, report_dir=options["report_dir"]
        )
        try:
            outcomes = loader.run(restart=options["restart"])
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"]:
            self.print_summary(outcomes, options["report_dir"])

    def print_summary(self, outcomes, report_dir):
        self.stdout.write(f"{'stage':<16}{'state':<14}{'rows':>10}{'seconds':>10}{'rows/s':>10}")
        for o in outcomes:
            self.stdout.write(
                f"{o.name:<16}{o.state:<14}{o.rows:>10}{o.seconds:>10.1f}{o.rows_per_second:>10.0f}"
            )
            if o.summary:
                self.stdout.write(f"    {o.summary}")
        total = sum(o.seconds for o in outcomes if o.state == "loaded")
        self.stdout.write(
            self.style.SUCCESS(
                f"{total:.0f} s loading, peak memory {peak_rss_mb():.0f} MB; "
                f"full reports in {report_dir}"
            )
        )
