"""The public site: each feature package owns its URLs (names are global, unchanged)."""

from assets_register.acv import urls as acv
from assets_register.alerts import urls as alerts
from assets_register.indicators import urls as indicators
from assets_register.opendata import urls as opendata
from assets_register.register import urls as register
from assets_register.reports import urls as reports
from assets_register.staff import urls as staff

urlpatterns = [
    *register.urlpatterns,
    *opendata.urlpatterns,
    *indicators.urlpatterns,
    *acv.urlpatterns,
    *alerts.urlpatterns,
    *reports.urlpatterns,
    *staff.urlpatterns,
]
