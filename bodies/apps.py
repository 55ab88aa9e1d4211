from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "bodies"
    verbose_name = _("Struktur")

    def ready(self):
        from bodies import changes
        from bodies.search_text import register_sqlite_functions

        changes.connect()
        connection_created.connect(register_sqlite_functions, dispatch_uid="sv_score")
        post_migrate.connect(_install_change_stamp_triggers, sender=self)
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_registry_changed, dispatch_uid=f"registry_changed_{signal}")


def _install_change_stamp_triggers(sender, using, **kwargs):
    from bodies.stamp import install_triggers

    install_triggers(using)


def _registry_changed(sender, **kwargs):
    # Migrations write through historical models (module "__fake__"): the task tables
    # may not exist yet, and nobody has asked for a PDF of a half-migrated database.
    if sender.__module__ == "__fake__":
        return
    if sender._meta.app_label in settings.CHANGE_STAMP_APPS:
        from bodies.pdf_queue import prerender_after_commit

        prerender_after_commit()
