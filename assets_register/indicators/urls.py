from django.urls import path

from assets_register.indicators import views

urlpatterns = [
    path("indicators/", views.indicators_page, name="indicators"),
    path("indicators/compare/", views.compare, name="indicators_compare"),
    path("indicators/<str:kind>.csv", views.indicators_csv, name="indicators_csv"),
    path("indicators/<str:kind>.geojson", views.indicators_geojson, name="indicators_geojson"),
]
