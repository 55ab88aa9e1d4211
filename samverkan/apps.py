from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import m2m_changed, post_delete, post_save


class SamverkanConfig(AppConfig):
    """The project package as an app: no models, only what reads every app (commands, PDFs)."""

    default = True
    name = "samverkan"
    verbose_name = "Samverkan"

    def ready(self):
        name_third_party_apps()
        # A change to the registry queues fresh PDFs (samverkan/pdf_queue.py); connected
        # here because the PDFs read every app, not in bodies, which may not import them.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_registry_changed, dispatch_uid=f"registry_changed_{signal}")


def _registry_changed(sender, **kwargs):
    # Migrations write through historical models (module "__fake__"): the task tables
    # may not exist yet, and nobody has asked for a PDF of a half-migrated database.
    if sender.__module__ == "__fake__":
        return
    if sender._meta.app_label in settings.CHANGE_STAMP_APPS:
        from samverkan.pdf_queue import prerender_after_commit

        prerender_after_commit()


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
