from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "bodies"
    verbose_name = _("Struktur")

    def ready(self):
        from bodies import changes

        changes.connect()
