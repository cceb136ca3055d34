from django.urls import path

from assets_register.acv import nominate, views

urlpatterns = [
    path("assets/<int:pk>/deadlines.ics", views.asset_deadlines, name="asset_deadlines"),
    path("assets/<int:pk>/nominate/", nominate.nominate, name="nominate_asset"),
    path("about/the-law/", views.about_the_law, name="about_the_law"),
    path("acv/", views.acv_national, name="acv_national"),
    path("embed/acv/<str:gss_code>/", views.embed_acv_list, name="embed_acv_list"),
    path("acv/eligibility/", nominate.eligibility, name="nomination_eligibility"),
    path(
        "acv/nominations/<str:reference>/received/",
        nominate.nomination_received,
        name="nomination_received",
    ),
    path("acv/<str:gss_code>/nominate/", nominate.nominate, name="nominate_new"),
    # Stable public URLs: other sites link to them.
    path("acv/<str:gss_code>/", views.acv_list, name="acv_list"),
    path("acv/<str:gss_code>/unsuccessful/", views.acv_unsuccessful, name="acv_unsuccessful"),
    path("acv/<str:gss_code>/export.csv", views.acv_export_csv, name="acv_export_csv"),
    path("acv/<str:gss_code>/export.geojson", views.acv_export_geojson, name="acv_export_geojson"),
    path("acv/<str:gss_code>/deadlines.ics", views.acv_deadlines, name="acv_deadlines"),
]
