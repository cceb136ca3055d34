"""English Indices of Deprivation 2025 (MHCLG, OGL v3) by LSOA (2021): lsoa21_code,
IMD_rank, IMD_decile. The register's LSOAs are the 2011 ones (IMD 2019's geography), so a
2025 figure is kept for each 2011 LSOA whose code is unchanged in 2021; the rest (split,
merged) are skipped and counted."""

from assets_register.importers.areas import DeprivationImporter
from assets_register.importers.base import text


class Imd2025Importer(DeprivationImporter):
    required_columns = ("lsoa21_code", "IMD_rank", "IMD_decile")
    rank_field, decile_field = "imd_2025_rank", "imd_2025_decile"

    def parse_row(self, row):
        return super().parse_row({**row, "lsoa11_code": text(row, "lsoa21_code")})
