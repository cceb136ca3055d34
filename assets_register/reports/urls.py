from django.urls import path

from assets_register.reports import views

urlpatterns = [
    path("report/", views.report, name="report_missing"),
    path("assets/<int:pk>/report/", views.report, name="report_asset"),
    path("report/confirm/<str:token>/", views.confirm_report, name="report_confirm"),
    path("reports/<int:pk>/photo/", views.report_photo, name="report_photo"),
]
