from django.urls import path

from assets_register.register import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_view, name="search"),
    path("assets/<int:pk>/", views.asset_detail, name="asset_detail"),
    path("areas/<str:gss_code>/", views.area_detail, name="area_detail"),
    path(
        "areas/<str:gss_code>/neighbourhoods/",
        views.area_neighbourhoods,
        name="area_neighbourhoods",
    ),
    path("embed/areas/<str:gss_code>/", views.embed_area, name="embed_area"),
    path("about/data/", views.about_data, name="about_data"),
    path("about/coverage/", views.about_coverage, name="about_coverage"),
]
