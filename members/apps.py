from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Ledamöter")

    def ready(self):
        from bodies import file_cleanup
        from bodies.rights import register_roles_loader
        from members import changes
        from members.models import Person, UserRoles

        changes.connect()
        # A replaced or cleared photo, or a deleted person's, leaves the storage.
        file_cleanup.register(Person, "photo")
        from django.db.models.signals import post_save

        from bodies.models import Seat

        post_save.connect(_follow_moved_seat, sender=Seat, dispatch_uid="members.seat_body")
        # The roles live here; bodies' rules read them through this loader.
        register_roles_loader(UserRoles.roles_of)


def _follow_moved_seat(sender, instance, raw=False, **kwargs):
    """A seat moved to another body takes its appointments' (and their officer terms')
    copied body along."""
    from members.models import Appointment, OfficerTerm

    if raw:
        return
    Appointment.objects.filter(seat=instance).exclude(body_id=instance.body_id).update(
        body_id=instance.body_id
    )
    OfficerTerm.objects.filter(appointment__seat=instance).exclude(body_id=instance.body_id).update(
        body_id=instance.body_id
    )
