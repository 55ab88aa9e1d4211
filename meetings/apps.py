from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Möten")

    def ready(self):
        from bodies import file_cleanup
        from meetings import changes
        from meetings.models import Attachment, Meeting

        changes.connect()
        # Meeting.save() reads the stored minutes itself (for its calendar sequence).
        file_cleanup.register(Meeting, "minutes", read_by_save=True)
        file_cleanup.register(Attachment, "document")
