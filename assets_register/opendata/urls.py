from django.urls import path

from assets_register.opendata import downloads
from assets_register.opendata.api import api

urlpatterns = [
    path("api/", api.urls),
    path("downloads/register.<str:fmt>", downloads.register_download, name="register_download"),
]
