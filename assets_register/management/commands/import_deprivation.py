"""Import English Indices of Deprivation 2019 ranks and deciles onto LSOAs already in the
register (lsoa11_code, IMD_rank, IMD_decile; MHCLG, OGL v3).

    manage.py import_deprivation demo_data/imd2019_lsoa.csv
"""

from assets_register.importers.areas import DeprivationImporter
from assets_register.importers.command import ImportCommand


class Command(ImportCommand):
    help = __doc__

    def make_importer(self, path, options, **kwargs):
        return DeprivationImporter(path, **kwargs)
