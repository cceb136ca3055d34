"""Import assets from a CSV/TSV/XLSX file in one of the supported shapes.

    --format generic    the register's own schema (assets_register/importers/generic_csv.py)
    --format libraries  Arts Council England / DCMS public libraries basic dataset (any
                        edition), or Libraries Hacked's schema of it
    --format open-pubs  Open Pubs (getthedata.com), FSA-derived
    --format osm-pubs   OpenStreetMap amenity=pub extract (name, osm_id, latitude, longitude)

Rows are upserted on (source, id), so importing a file twice changes nothing.
Places without coordinates are located from their postcode (offline table).
--edition names the edition of the dataset the file is (YYYY, YYYY-MM or YYYY-MM-DD; the
libraries' editions say so themselves): a later edition withdraws the events an earlier
one gave that it no longer gives, and an older edition never overrides a newer one.

    manage.py import_assets demo_data/libraries.csv --format libraries
    manage.py import_assets my_halls.csv --format generic --source my-council-halls
"""

from pathlib import Path

from assets_register.importers.command import ImportCommand
from assets_register.importers.generic_csv import GenericAssetCsvImporter
from assets_register.importers.libraries import PublicLibrariesImporter
from assets_register.importers.pubs import OpenPubsImporter, OsmPubsImporter

FORMATS = {
    "generic": GenericAssetCsvImporter,
    "libraries": PublicLibrariesImporter,
    "open-pubs": OpenPubsImporter,
    "osm-pubs": OsmPubsImporter,
}


class Command(ImportCommand):
    help = __doc__

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument(
            "--source",
            default=None,
            help="dataset key stored on each asset (default: the format's own, "
            "or the file name for generic)",
        )
        parser.add_argument(
            "--edition",
            default=None,
            help="which edition of the dataset the file is: YYYY, YYYY-MM or YYYY-MM-DD",
        )

    def make_importer(self, path, options, **kwargs):
        importer_class = FORMATS[options["format"]]
        source = options["source"]
        if source is None and importer_class is GenericAssetCsvImporter:
            source = Path(path).stem[:50]
        return importer_class(path, source_name=source, edition=options["edition"], **kwargs)
