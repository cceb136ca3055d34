from django.urls import path

from . import (
    acv_views,
    alert_views,
    downloads,
    feeds,
    indicator_views,
    nomination_views,
    report_views,
    views,
)
from .api import api
from .caching import cached_page

urlpatterns = [
    path("", views.home, name="home"),
    path("api/map/", views.map_markers, name="map_markers"),
    path("api/", api.urls),  # after api/map/, which it leaves alone
    path("downloads/register.<str:fmt>", downloads.register_download, name="register_download"),
    path("search/", views.search_view, name="search"),
    path("assets/<int:pk>/", views.asset_detail, name="asset_detail"),
    path("areas/<str:gss_code>/", views.area_detail, name="area_detail"),
    path("about/data/", views.about_data, name="about_data"),
    path("indicators/", indicator_views.indicators_page, name="indicators"),
    path("indicators/compare/", indicator_views.compare, name="indicators_compare"),
    path("indicators/<str:kind>.csv", indicator_views.indicators_csv, name="indicators_csv"),
    path("indicators/<str:kind>.geojson", indicator_views.indicators_geojson,
         name="indicators_geojson"),
    path("assets/<int:pk>/deadlines.ics", acv_views.asset_deadlines, name="asset_deadlines"),
    path("assets/<int:pk>/nominate/", nomination_views.nominate, name="nominate_asset"),
    path("acv/eligibility/", nomination_views.eligibility, name="nomination_eligibility"),
    path("acv/nominations/<str:reference>/received/", nomination_views.nomination_received,
         name="nomination_received"),
    path("acv/<str:gss_code>/nominate/", nomination_views.nominate, name="nominate_new"),
    # Stable public URLs: other sites link to them.
    path("acv/<str:gss_code>/", acv_views.acv_list, name="acv_list"),
    path("acv/<str:gss_code>/unsuccessful/", acv_views.acv_unsuccessful,
         name="acv_unsuccessful"),
    path("acv/<str:gss_code>/export.csv", acv_views.acv_export_csv, name="acv_export_csv"),
    path("acv/<str:gss_code>/export.geojson", acv_views.acv_export_geojson,
         name="acv_export_geojson"),
    path("acv/<str:gss_code>/deadlines.ics", acv_views.acv_deadlines, name="acv_deadlines"),
    path("alerts/", alert_views.subscribe, name="alerts_subscribe"),
    path("alerts/confirm/<str:token>/", alert_views.confirm_subscription, name="alerts_confirm"),
    path("alerts/manage/<str:token>/", alert_views.manage, name="alerts_manage"),
    path("alerts/unsubscribe/<str:token>/", alert_views.unsubscribe, name="alerts_unsubscribe"),
    path("alerts/reminders/stop/<str:token>/", alert_views.stop_reminders,
         name="alerts_stop_reminders"),
    path("areas/<str:gss_code>/feed.atom", cached_page(feeds.AreaFeed()), name="area_feed"),
    path("assets/<int:pk>/feed.atom", cached_page(feeds.AssetFeed()), name="asset_feed"),
    path("feeds/nearby.atom", cached_page(feeds.NearbyFeed()), name="nearby_feed"),
    path("report/", report_views.report, name="report_missing"),
    path("assets/<int:pk>/report/", report_views.report, name="report_asset"),
    path("report/confirm/<str:token>/", report_views.confirm_report, name="report_confirm"),
    path("reports/<int:pk>/photo/", report_views.report_photo, name="report_photo"),
]
