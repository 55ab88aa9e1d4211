"""Dated officer roles: who is chair, vice chair or secretary of a body, and from when.

``Seat.position`` stays the default (rosters, exports, the API, the PDF and the structure
files read it). An ``OfficerTerm`` gives an appointment a role for a span of dates and,
on those days, overrides the positions of the body's seats: a chair rotation is
recorded as one term ending and another starting, without rewriting the period.
Imported from members/models.py so that Django registers it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bodies.history import RegistryHistory
from bodies.models import Seat
from members.models import Appointment


class OfficerTermQuerySet(models.QuerySet):
    def on(self, day):
        """Terms running on the day."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)

    def overlapping(self, start, end):
        terms = self.filter(Q(end__isnull=True) | Q(end__gte=start))
        return terms.filter(start__lte=end) if end is not None else terms


class OfficerTerm(models.Model):
    """An appointment's term as chair, vice chair or secretary of its body, for dates."""

    class Role(models.TextChoices):
        CHAIR = Seat.Position.CHAIR.value, Seat.Position.CHAIR.label
        VICE_CHAIR = Seat.Position.VICE_CHAIR.value, Seat.Position.VICE_CHAIR.label
        SECRETARY = Seat.Position.SECRETARY.value, Seat.Position.SECRETARY.label

    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("uppdrag"),
        on_delete=models.CASCADE,
        related_name="officer_terms",
    )
    # A copy of the appointment's body (kept by save()), so that PostgreSQL can refuse
    # two holders of one role in a body at once (members/0009).
    body = models.ForeignKey(
        "bodies.Body",
        verbose_name=_("organ"),
        on_delete=models.PROTECT,
        related_name="officer_terms",
        null=True,
        editable=False,
    )
    role = models.CharField(_("roll"), max_length=12, choices=Role.choices)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"), null=True, blank=True, help_text=_("Tomt: tills vidare."))

    objects = OfficerTermQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["appointment", "start"]
        verbose_name = _("ordförandeskap eller annan roll")
        verbose_name_plural = _("roller med datum (ordförande, vice ordförande, sekreterare)")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="officer_term_ends_after_start",
                violation_error_message=_("Rollen kan inte sluta innan den börjar."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.appointment}"

    def save(self, *args, **kwargs):
        self.body_id = self.appointment.body_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.appointment.seat.body.get_absolute_url()

    def covers(self, day):
        return self.start <= day and (self.end is None or day <= self.end)

    def clean(self):
        """Within the appointment; one holder of a role in a body at a time; one role
        at a time per appointment."""
        if not self.appointment_id or not self.start:
            return
        if self.end and self.end < self.start:
            raise ValidationError({"end": _("Rollen kan inte sluta innan den börjar.")})
        appointment = self.appointment
        if self.start < appointment.start or (
            appointment.end and (self.end is None or self.end > appointment.end)
        ):
            raise ValidationError(
                {
                    "start": gettext("Rollen måste ligga inom uppdraget (%(span)s).")
                    % {"span": appointment_span(appointment)}
                }
            )
        others = OfficerTerm.objects.exclude(pk=self.pk).overlapping(self.start, self.end)
        same_role = others.filter(
            role=self.role, appointment__seat__body_id=appointment.seat.body_id
        ).select_related("appointment__person")
        clash = same_role.first()
        if clash:
            raise ValidationError(
                gettext(
                    "%(name)s är redan %(role)s i organet under en del av tiden. Avsluta "
                    "den rollen först."
                )
                % {"name": clash.appointment.person.full_name, "role": clash.get_role_display()}
            )
        if others.filter(appointment_id=self.appointment_id).exists():
            raise ValidationError(_("Uppdraget har redan en roll under en del av tiden."))


def appointment_span(appointment):
    start = formats.date_format(appointment.start, "j F Y")
    if appointment.end is None:
        return gettext("från %(start)s") % {"start": start}
    return f"{start} – {formats.date_format(appointment.end, 'j F Y')}"
