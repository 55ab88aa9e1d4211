from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Ledamöter")

    def ready(self):
        from bodies.rights import register_roles_loader
        from members import changes
        from members.models import UserRoles

        changes.connect()
        # The roles live here; bodies' rules read them through this loader.
        register_roles_loader(UserRoles.roles_of)
