from django.urls import path

from assets_register.staff import views

urlpatterns = [
    path(
        "staff/set-password/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="staff_set_password",
    ),
]
