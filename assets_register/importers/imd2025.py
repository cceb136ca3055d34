"""English Indices of Deprivation 2025 (MHCLG, OGL v3) by LSOA (2021): lsoa21_code,
IMD_rank, IMD_decile. The register's LSOAs are the 2011 ones (IMD 2019's geography), so a
2025 figure is kept for each 2011 LSOA whose code is unchanged in 2021; the rest (split,
merged) are skipped and counted."""

from assets_register.importers.areas import DeprivationImporter
from assets_register.importers.base import text
from assets_register.models import Area, AreaKind


class Imd2025Importer(DeprivationImporter):
    required_columns = ("lsoa21_code", "IMD_rank", "IMD_decile")

    def parse_row(self, row):
        return super().parse_row({**row, "lsoa11_code": text(row, "lsoa21_code")})

    def write(self, records):
        areas = {
            area.gss_code: area
            for area in Area.objects.filter(kind=AreaKind.LSOA).only(
                "gss_code", "imd_2025_rank", "imd_2025_decile"
            )
        }
        changed = []
        for record in records:
            area = areas.get(record["code"])
            if area is None:
                self.report.skipped += 1
            elif (area.imd_2025_rank, area.imd_2025_decile) == (record["rank"], record["decile"]):
                self.report.unchanged += 1
            else:
                area.imd_2025_rank, area.imd_2025_decile = record["rank"], record["decile"]
                changed.append(area)
        Area.objects.bulk_update(changed, ["imd_2025_rank", "imd_2025_decile"], batch_size=1000)
        self.report.updated += len(changed)
