from django.apps import AppConfig

from assets_register.core import file_cache  # noqa: F401  (registers its deploy check)


class AssetsRegisterConfig(AppConfig):
    name = "assets_register"
    verbose_name = "Community asset register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assets_register.register import signals  # noqa: F401  (connects the receivers)
