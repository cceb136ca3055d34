"""The management-command side of every importer: arguments, progress bars, the report."""

import sys

from tqdm import tqdm

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assets_register.alerts.tasks import deliver_alerts
from assets_register.importers.base import ImportFileError
from assets_register.indicators.schedule import request_recompute

MAX_PROBLEMS_SHOWN = 200


class ImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and report what would change, writing nothing",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="write nothing if any row is rejected",
        )

    def make_importer(self, path, options, **kwargs):
        raise NotImplementedError

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        show_progress = options["verbosity"] > 0 and sys.stderr.isatty()

        def progress(iterable, **kwargs):
            return tqdm(iterable, disable=not show_progress, leave=False, **kwargs)

        report = self.run_import(options, progress)
        self.print_report(report)
        if options["strict"] and report.rejected:
            # A non-zero exit, so that cron and CI see the import did not happen.
            raise CommandError(
                f"--strict: {report.rejected} row{'s' if report.rejected != 1 else ''} "
                "rejected, so nothing was written"
            )

    def run_import(self, options, progress):
        # No transaction here: the importer writes in one of its own, after reading and
        # validating, so that other writers are kept waiting only while it writes.
        try:
            importer = self.make_importer(
                options["path"],
                options,
                dry_run=options["dry_run"],
                strict=options["strict"],
                progress=progress,
            )
            report = importer.run()
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        if importer.written and (report.created or report.updated):
            # Changed places, events or areas change the figures and may be news for
            # subscribers: both are worked out by the task worker.
            request_recompute()
            transaction.on_commit(deliver_alerts.enqueue)
        return report

    def print_report(self, report):
        notices = report.notices if self.verbosity else []
        for notice in notices[:MAX_PROBLEMS_SHOWN]:
            self.stderr.write(self.style.WARNING(notice))
        if len(notices) > MAX_PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(notices) - MAX_PROBLEMS_SHOWN} more notices")
        for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
            self.stderr.write(f"  rejected {problem}")
        if len(report.problems) > MAX_PROBLEMS_SHOWN:
            self.stderr.write(f"  … and {len(report.problems) - MAX_PROBLEMS_SHOWN} more")
        if self.verbosity or report.rejected:
            self.stdout.write(self.style.SUCCESS(report.summary()))
