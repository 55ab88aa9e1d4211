from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SamverkanConfig(AppConfig):
    """The project package as an app: it has no models, only cross-app commands."""

    default = True
    name = "samverkan"
    verbose_name = "Samverkan"

    def ready(self):
        name_third_party_apps()


def name_third_party_apps():
    """Swedish names where the apps of the admin name things without gettext.

    django-axes, django-otp and django-tasks-db have no Swedish catalogue; the strings
    they pass through gettext are in locale/sv, these are fixed English text.
    """
    from django.apps import apps
    from django.contrib import admin
    from django.utils.translation import gettext_lazy as _

    names = {
        "axes": _("Inloggningsförsök"),
        "otp_totp": _("Engångskoder"),
        "django_tasks_database": _("Bakgrundsjobb"),
    }
    for label, verbose_name in names.items():
        try:
            apps.get_app_config(label).verbose_name = verbose_name
        except LookupError:
            continue
    try:
        totp = apps.get_model("otp_totp", "TOTPDevice")
    except LookupError:
        return
    totp._meta.verbose_name = _("app för engångskoder")
    totp._meta.verbose_name_plural = _("appar för engångskoder")
    if admin.site.is_registered(totp):
        from samverkan.admin_otp import SwedishTOTPDeviceAdmin

        admin.site.unregister(totp)
        admin.site.register(totp, SwedishTOTPDeviceAdmin)
        model_admin = admin.site._registry[totp]
        model_admin.search_help_text = _("Sök på användarnamn eller e-postadress.")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with Samverkan's admin site (login with an optional one-time code)."""

    default = False
    default_site = "samverkan.admin_site.AdminSite"
