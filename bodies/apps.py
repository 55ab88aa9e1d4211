from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
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


def _install_change_stamp_triggers(sender, using, **kwargs):
    from bodies.stamp import install_triggers

    install_triggers(using)
