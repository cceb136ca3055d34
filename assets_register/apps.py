from django.apps import AppConfig


class AssetsRegisterConfig(AppConfig):
    name = "assets_register"
    verbose_name = "Community asset register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assets_register.register import signals  # noqa: F401  (connects the receivers)
