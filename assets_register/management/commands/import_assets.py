"""Import assets from a CSV/TSV/XLSX file in one of the supported shapes.

    --format generic    the register's own schema (assets_register/importers/generic_csv.py)
    --format libraries  Arts Council England / DCMS public libraries basic dataset (2023)
    --format open-pubs  Open Pubs (getthedata.com), FSA-derived
    --format osm-pubs   OpenStreetMap amenity=pub extract (name, osm_id, latitude, longitude)

Rows are upserted on (source, id), so importing a file twice changes nothing.
Places without coordinates are located from their postcode (offline table).

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

    def make_importer(self, path, options, **kwargs):
        importer_class = FORMATS[options["format"]]
        source = options["source"]
        if source is None and importer_class is GenericAssetCsvImporter:
            source = Path(path).stem[:50]
        return importer_class(path, source_name=source, **kwargs)
