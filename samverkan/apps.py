from django.apps import AppConfig


class SamverkanConfig(AppConfig):
    """The project package as an app: it has no models, only cross-app commands."""

    name = "samverkan"
    verbose_name = "Samverkan"
