"""Import the offline postcode table from OS Code-Point Open with WGS84 columns
(postcode, positional_quality, latitude, longitude, admin_district_code,
admin_ward_code), as a .csv or .csv.gz. See demo_data/README.md for the source.

    manage.py import_postcodes demo_data/postcodes.csv.gz
"""

from assets_register.importers.areas import PostcodeImporter
from assets_register.importers.command import ImportCommand


class Command(ImportCommand):
    help = __doc__

    def make_importer(self, path, options, **kwargs):
        return PostcodeImporter(path, **kwargs)
