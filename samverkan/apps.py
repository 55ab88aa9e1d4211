from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SamverkanConfig(AppConfig):
    """The project package as an app: it has no models, only cross-app commands."""

    default = True
    name = "samverkan"
    verbose_name = "Samverkan"


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with Samverkan's admin site (login with an optional one-time code)."""

    default = False
    default_site = "samverkan.admin_site.AdminSite"
