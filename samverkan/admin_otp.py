"""django-otp's authenticator apps in the admin, in Swedish.

django-otp writes its field names, help texts and fieldset titles as fixed English
text (not through gettext), so no catalogue can translate them, and changing the
model's fields would ask for a migration of a third-party app. This subclass of its
admin names the columns, filters, form fields and fieldsets itself.
"""

from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin

FIELDS = {
    "user": (_("användare"), _("Användaren som appen hör till.")),
    "name": (_("namn"), _("Ett namn på appen som människor känner igen.")),
    "confirmed": (_("bekräftad"), _("Kan appen användas?")),
    "key": (_("nyckel"), _("En hemlig nyckel på högst 40 byte, hexadecimalt kodad.")),
    "step": (_("tidssteg"), _("Tidssteget i sekunder.")),
    "t0": (_("starttid"), _("Unix-tiden då stegen börjar räknas.")),
    "digits": (_("siffror"), _("Antalet siffror i en kod.")),
    "tolerance": (_("tolerans"), _("Antalet tidssteg bakåt eller framåt som godtas.")),
    "drift": (_("avvikelse"), _("Antalet tidssteg som appens klocka går fel.")),
    "throttling_failure_timestamp": (
        _("senaste misslyckade försök"),
        _("När den senaste kontrollen misslyckades; tomt om den lyckades."),
    ),
    "throttling_failure_count": (
        _("misslyckade försök i rad"),
        _("Antalet misslyckade försök i följd."),
    ),
}
FIELDSETS = {
    "Identity": _("Identitet"),
    "Timestamps": _("Tidpunkter"),
    "Configuration": _("Inställningar"),
    "State": _("Läge"),
    "Throttling": _("Begränsning av försök"),
}


def _titled(filter_class, title):
    """A list filter of ``filter_class`` with a title of our own."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


class SwedishTOTPDeviceAdmin(TOTPDeviceAdmin):
    list_display = ["user_column", "name_column", "created", "last_used", "confirmed_column"]
    list_filter = [
        ("created_at", _titled(admin.DateFieldListFilter, _("skapad"))),
        ("last_used_at", _titled(admin.DateFieldListFilter, _("senast använd"))),
        ("confirmed", _titled(admin.BooleanFieldListFilter, _("bekräftad"))),
    ]
    readonly_fields = ["created", "last_used", "qrcode_link"]

    @admin.display(description=_("användare"), ordering="user")
    def user_column(self, device):
        return device.user

    @admin.display(description=_("namn"), ordering="name")
    def name_column(self, device):
        return device.name

    @admin.display(description=_("bekräftad"), boolean=True, ordering="confirmed")
    def confirmed_column(self, device):
        return device.confirmed

    @admin.display(description=_("skapad"), ordering="created_at")
    def created(self, device):
        return display_for_value(device.created_at, self.get_empty_value_display())

    @admin.display(description=_("senast använd"), ordering="last_used_at")
    def last_used(self, device):
        return display_for_value(device.last_used_at, self.get_empty_value_display())

    @admin.display(description=_("QR-kod"))
    def qrcode_link(self, device):
        return super().qrcode_link(device)

    def get_fieldsets(self, request, obj=None):
        renamed = {"created_at": "created", "last_used_at": "last_used"}
        return [
            (
                FIELDSETS.get(title, title),
                {**options, "fields": [renamed.get(f, f) for f in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in FIELDS:
            label, field.help_text = FIELDS[db_field.name]
            field.label = capfirst(label)
        return field
