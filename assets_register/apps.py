from django.apps import AppConfig


class AssetsRegisterConfig(AppConfig):
    name = "assets_register"
    verbose_name = "Community asset register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
