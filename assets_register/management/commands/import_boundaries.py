"""Import council, ward or LSOA boundaries from a GeoJSON FeatureCollection (WGS84).

ONS publishes them on the Open Geography Portal; ward and LSOA GeoJSON by local
authority is at github.com/martinjc/UK-GeoJSON. The demo files are in demo_data/.

    manage.py import_boundaries demo_data/councils.geojson --kind council
    manage.py import_boundaries demo_data/wards_2013.geojson --kind ward --valid-from 2013-05-02
"""

from assets_register.importers.areas import BoundaryImporter, parse_iso_date
from assets_register.importers.command import ImportCommand
from assets_register.models import AreaKind


class Command(ImportCommand):
    help = __doc__

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--kind", required=True, choices=AreaKind.values)
        parser.add_argument("--valid-from", default="", help="YYYY-MM-DD they took effect")
        parser.add_argument("--valid-to", default="", help="YYYY-MM-DD they were replaced")

    def make_importer(self, path, options, **kwargs):
        return BoundaryImporter(
            path,
            kind=options["kind"],
            valid_from=parse_iso_date(options["valid_from"]),
            valid_to=parse_iso_date(options["valid_to"]),
            **kwargs,
        )
