"""Import a council's list of assets of community value (and its unsuccessful nominations).

    manage.py import_acv_register FILE --council <GSS code> [--user NAME] [--dry-run] [--strict]

FILE is CSV, TSV or XLSX (in XLSX a title above the table is fine), one row per asset,
in either

  * the planning.data.gov.uk asset-of-community-value schema: reference, name, address-text,
    description, point ("POINT (lon lat)"), organisation, nomination-date, nominating-group,
    decision, decision-date, expiry-date, notification-to-sell-date, interested-group,
    protected-period-start-date, notes, entry-date, start-date, end-date; or
  * a council's own headings, e.g. Camden's "Property name and address", "Nominated By",
    "Date Nomination Received", "Decision Date", "Listing Expiry Date", "Notice To Dispose
    Received By Council Date", "Community Group Which Triggered Full Moratorium", "Reason For
    Unsuccessful Nomination", "Location" ("(lat, lon)"), or "Asset name", "Address",
    "Nominator", "Date listed", "Status" (assets_register/importers/acv_register.py, HEADINGS).

A listing runs from its decision-date unless the file gives the date of the list entry in a
column of its own: "listing-date", "Listed date", "Date listed", "Date of listing", "Date
entered on list" or "Date added to list". entry-date is the date the council's record was
made, kept as such (it is not the listing date). On a re-import only a listing-date column
changes an existing entry's date, so an officer's correction stays.

Headings match whatever their case and punctuation. A reference column is required. Dates may
be YYYY-MM-DD, DD/MM/YYYY, "3 March 2021", "03-Mar-21" or Excel dates. Rows are upserted on
the council's reference, so importing a file twice changes nothing. --dry-run lists what each
row would create or update, and every rejected row, and writes nothing. --user imports with
that admin user's rights, as the admin's import screen does: a council officer's import
refuses rows located in another council (without it, a row there is imported with a note).
"""

import argparse

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, DjangoHelpFormatter

from assets_register.core.permissions import councils_of
from assets_register.importers.acv_register import ACVRegisterImporter
from assets_register.importers.command import ImportCommand
from assets_register.models import Area, AreaKind


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the layout of the description above."""


class Command(ImportCommand):
    help = __doc__

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(
            prog_name, subcommand, formatter_class=_HelpFormatter, **kwargs
        )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--council",
            required=True,
            metavar="GSS_CODE",
            help="the council whose register this is, e.g. E09000007",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="import with this admin user's rights (an officer's import stays in their "
            "councils)",
        )

    def make_importer(self, path, options, **kwargs):
        council = Area.objects.by_code(options["council"], kinds=[AreaKind.COUNCIL])
        if council is None:
            raise CommandError(
                f"There is no council with GSS code {options['council']}; "
                "import the council boundaries first."
            )
        editor_councils = self._editor_councils(options)
        if editor_councils is not None and council.pk not in editor_councils:
            raise CommandError(f"{options['user']} does not keep {council.name}'s list.")
        self.importer = ACVRegisterImporter(
            path, council=council, editor_councils=editor_councils, **kwargs
        )
        return self.importer

    def _editor_councils(self, options):
        if not options["user"]:
            return None  # whoever runs commands can write the whole database anyway
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {options['user']!r}.")
        return councils_of(user)

    def run_import(self, options, progress):
        self.importer = None
        report = super().run_import(options, progress)
        self.written = not (report.dry_run or (options["strict"] and report.rejected))
        return report

    def print_report(self, report):
        if self.importer is not None:
            for line in self.importer.row_lines(written=self.written, verbose=self.verbosity > 1):
                self.stdout.write(f"  {line}")
        super().print_report(report)
