"""Meetings of the bodies: agenda, decisions, attendance, minutes and reporting duties."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.functions import ExtractYear, TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bodies.history import RegistryHistory
from bodies.models import Body, Organisation, Seat
from meetings.documents import validate_pdf
from meetings.privacy import ScreenedQuerySet, ScreenedText, UnpublishedNames
from members.models import Appointment, Person


def local_day(moment):
    """The date of an aware datetime in the site's time zone (Europe/Stockholm)."""
    return timezone.localtime(moment).date()


def when_text(start, end=None):
    """“29 september 2022 kl. 09.00–12.00”, the way Swedish minutes write it."""
    start = timezone.localtime(start)
    text = gettext("%(day)s kl. %(time)s") % {
        "day": formats.date_format(start, "j F Y"),
        "time": start.strftime("%H.%M"),
    }
    if end:
        end = timezone.localtime(end)
        if end.date() == start.date():
            text += f"–{end.strftime('%H.%M')}"
        else:
            text += " – " + gettext("%(day)s kl. %(time)s") % {
                "day": formats.date_format(end, "j F Y"),
                "time": end.strftime("%H.%M"),
            }
    return text


def minutes_path(instance, filename):
    """A server-made name: the uploader's file name never reaches the disk."""
    return f"moten/protokoll/{uuid.uuid4().hex}.pdf"


def attachment_path(instance, filename):
    return f"moten/bilagor/{uuid.uuid4().hex}.pdf"


class MeetingQuerySet(ScreenedQuerySet):
    def for_listing(self):
        """Meetings with the body and period a list or calendar shows, in one query."""
        return self.select_related("body__period")

    def for_feed(self):
        """Meetings with only the fields an iCal feed writes and screens, in one query
        (a feed holds up to a thousand: loading every field of each body costs a third
        of its time)."""
        return self.select_related("body__period").only(
            *("uid", "start", "end", "status", "sequence", "confirmed_names"),
            *self.model.free_text_fields,
            *("body__name", "body__short_name", "body__period__name"),
        )

    def upcoming(self, now=None):
        """Planned meetings that have not ended, soonest first."""
        now = now or timezone.now()
        return self.filter(end__gte=now).exclude(status=Meeting.Status.CANCELLED).order_by("start")

    def past(self, now=None):
        now = now or timezone.now()
        return self.filter(end__lt=now).order_by("-start")

    def nearest_first(self, now=None):
        """Meetings not yet ended soonest first, then past ones latest first: what a
        feed with a cap on its length keeps (one query, any database)."""
        now = now or timezone.now()
        return self.alias(coming_start=Case(When(end__gte=now, then="start"))).order_by(
            F("coming_start").asc(nulls_last=True), "-start", "-pk"
        )

    def in_year(self, year):
        return self.annotate(year=ExtractYear("start")).filter(year=year)

    def for_body_slug(self, slug):
        """The meetings of a body in every period (a body keeps its slug across periods)."""
        return self.filter(body__slug=slug)

    def for_organisation(self, organisation):
        """Meetings of bodies the organisation takes part in: seats, membership or lead."""
        seats = Seat.objects.filter(body=OuterRef("body"), organisation=organisation)
        members = Body.member_organisations.through.objects.filter(
            body=OuterRef("body"), organisation=organisation
        )
        return self.filter(
            Q(body__lead_organisation=organisation) | Exists(seats) | Exists(members)
        )

    def for_county_part(self, county_part):
        """Meetings of bodies of the county part or with its municipalities as members."""
        seats = Seat.objects.filter(body=OuterRef("body"), organisation__county_part=county_part)
        members = Body.member_organisations.through.objects.filter(
            body=OuterRef("body"), organisation__county_part=county_part
        )
        return self.filter(Q(body__county_part=county_part) | Exists(seats) | Exists(members))

    def for_meeting_page(self):
        """A meeting with everything its public page reads, in a fixed number of queries.

        Unpublished people are left out of the attendance and the adjusters here, and
        texts naming them are screened (meetings/privacy.py), so no template can show
        them by mistake.
        """
        names = UnpublishedNames()
        return (
            self.screened(names)
            .select_related("body__period", "chair__party", "secretary__party")
            .prefetch_related(
                models.Prefetch(
                    "adjusters", queryset=Person.objects.public().select_related("party")
                ),
                models.Prefetch(
                    "agenda_items",
                    queryset=AgendaItem.objects.screened(names)
                    .select_related("reports_on__period")
                    .prefetch_related(
                        models.Prefetch("attachments", Attachment.objects.screened(names))
                    ),
                ),
                models.Prefetch(
                    "decisions",
                    queryset=Decision.objects.screened(names)
                    .select_related("body", "agenda_item")
                    .with_follow_up()
                    .order_by("serial", "pk"),
                ),
                models.Prefetch(
                    "attendances",
                    queryset=Attendance.objects.public()
                    .select_related("person__party", "organisation", "replaces")
                    .order_by("organisation__name", "person__last_name", "person__first_name"),
                ),
            )
        )

    def with_warning_flags(self):
        """Annotate each meeting with the contradictions a secretary should look at.

        The same checks as ``Meeting.warnings()``, done in the database so that the
        admin's list of meetings needing attention costs one query.
        """
        attendances = Attendance.objects.filter(meeting=OuterRef("pk"))
        absent = attendances.filter(status=Attendance.Status.ABSENT)
        serving_while_present = attendances.filter(
            status=Attendance.Status.SERVING,
            replaces__attendances__meeting=OuterRef("pk"),
            replaces__attendances__status=Attendance.Status.PRESENT,
        )
        seated = Appointment.objects.filter(
            person=OuterRef("person"),
            seat__body=OuterRef("meeting__body"),
            start__lte=OuterRef("meeting_day"),
        ).filter(Q(end__isnull=True) | Q(end__gte=OuterRef("meeting_day")))
        without_seat = (
            attendances.exclude(role=Attendance.Role.OTHER)
            .annotate(
                meeting_day=TruncDate("meeting__start", tzinfo=timezone.get_current_timezone())
            )
            .filter(~Exists(seated))
        )
        return self.annotate(
            chair_absent=Exists(absent.filter(person=OuterRef("chair"))),
            secretary_absent=Exists(absent.filter(person=OuterRef("secretary"))),
            adjuster_absent=Exists(absent.filter(person__adjusted_meetings=OuterRef("pk"))),
            substitute_while_present=Exists(serving_while_present),
            attendance_without_seat=Exists(without_seat),
            still_planned=models.ExpressionWrapper(
                Q(status=Meeting.Status.PLANNED, end__lt=timezone.now()),
                output_field=models.BooleanField(),
            ),
        )

    def needing_attention(self):
        """Meetings whose record contradicts itself or the registry."""
        return self.with_warning_flags().filter(
            Q(chair_absent=True)
            | Q(secretary_absent=True)
            | Q(adjuster_absent=True)
            | Q(substitute_while_present=True)
            | Q(attendance_without_seat=True)
            | Q(still_planned=True)
        )


class Meeting(ScreenedText):
    """A meeting of a body: when and where, who led it, and its approved minutes."""

    free_text_fields = ("place", "note")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planerat")
        HELD = "held", _("genomfört")
        CANCELLED = "cancelled", _("inställt")

    uid = models.UUIDField(
        _("kalender-id"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Mötets bestående id i kalenderflöden (iCal UID)."),
    )
    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="meetings"
    )
    start = models.DateTimeField(_("börjar"))
    end = models.DateTimeField(_("slutar"))
    place = models.CharField(pgettext_lazy("meeting venue", "plats"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    chair = models.ForeignKey(
        Person,
        verbose_name=_("ordförande"),
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
        null=True,
        blank=True,
    )
    secretary = models.ForeignKey(
        Person,
        verbose_name=_("sekreterare"),
        on_delete=models.PROTECT,
        related_name="secretary_meetings",
        null=True,
        blank=True,
    )
    adjusters = models.ManyToManyField(
        Person,
        verbose_name=_("justerare"),
        through="Adjuster",
        related_name="adjusted_meetings",
        blank=True,
        help_text=_("De som jämte ordföranden justerar protokollet."),
    )
    minutes_approved_on = models.DateField(_("justerat den"), null=True, blank=True)
    minutes = models.FileField(
        _("protokoll (PDF)"),
        upload_to=minutes_path,
        validators=[validate_pdf],
        blank=True,
        max_length=200,
        help_text=_("Det justerade protokollet som PDF, högst 20 MB."),
    )
    note = models.TextField(
        _("anteckning"),
        blank=True,
        help_text=_("Visas på mötessidan, t.ex. varför mötet ställdes in."),
    )
    sequence = models.PositiveIntegerField(
        _("kalenderversion"),
        default=0,
        editable=False,
        help_text=_("Räknas upp när tid, plats eller status ändras (iCal SEQUENCE)."),
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    objects = MeetingQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["start"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="meeting_ends_after_start",
                violation_error_message=_("Mötet måste sluta efter att det börjar."),
            ),
            models.CheckConstraint(
                condition=Q(minutes_approved_on__isnull=True) | Q(status="held"),
                name="meeting_only_held_minutes_approved",
                violation_error_message=_("Bara ett genomfört möte kan ha ett justerat protokoll."),
            ),
        ]
        indexes = [models.Index(fields=["body", "start"], name="meeting_body_start")]

    def __str__(self):
        name = self.body.display_name if self.body_id else gettext("Möte")
        return (
            f"{name} {formats.date_format(local_day(self.start), 'j F Y')}" if self.start else name
        )

    # What a calendar subscriber sees change: a new value must reach their calendar.
    CALENDAR_FIELDS = ("start", "end", "place", "status")

    def save(self, *args, **kwargs):
        """Raise ``sequence`` when the time, place or status differs from the stored row.

        Calendar clients apply an update of an event only when its SEQUENCE is
        higher than the one they hold. The stored sequence is the base, so a
        revert to an older version still moves forward.
        """
        self.__dict__.pop("_stored_files", None)
        if self.pk is not None and not kwargs.get("force_insert"):
            stored = (
                Meeting.objects.filter(pk=self.pk)
                .values("sequence", "minutes", *self.CALENDAR_FIELDS)
                .first()
            )
            # The same read tells bodies.file_cleanup which file a save replaces.
            self._stored_files = {"minutes": stored["minutes"]} if stored else {}
            if stored is not None and any(
                stored[name] != getattr(self, name) for name in self.CALENDAR_FIELDS
            ):
                self.sequence = max(self.sequence, stored["sequence"]) + 1
                update_fields = kwargs.get("update_fields")
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "sequence"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:meeting", args=[self.pk])

    @property
    def day(self):
        return local_day(self.start)

    @property
    def when(self):
        return when_text(self.start, self.end)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def overlapping(self):
        """Other meetings of the same body whose time overlaps this one (not cancelled)."""
        return (
            Meeting.objects.filter(body_id=self.body_id, start__lt=self.end, end__gt=self.start)
            .exclude(status=self.Status.CANCELLED)
            .exclude(pk=self.pk)
        )

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("Mötet måste sluta efter att det börjar.")
        if self.body_id and self.start:
            period = self.body.period
            if not period.contains(self.day):
                errors["start"] = gettext(
                    "Mötet måste ligga inom organets mandatperiod %(period)s (%(start)s–%(end)s)."
                ) % {
                    "period": period.name,
                    "start": formats.date_format(period.start, "j F Y"),
                    "end": formats.date_format(period.end, "j F Y"),
                }
        if self.status == self.Status.HELD and self.start and self.start > timezone.now():
            errors["status"] = _("Ett möte som inte har börjat ännu kan inte vara genomfört.")
        if self.minutes_approved_on:
            if self.status != self.Status.HELD:
                errors["minutes_approved_on"] = _(
                    "Bara ett genomfört möte kan ha ett justerat protokoll."
                )
            elif self.start and self.minutes_approved_on < self.day:
                errors["minutes_approved_on"] = _("Protokollet kan inte justeras före mötet.")
        if self.minutes and self.status != self.Status.HELD:
            errors["minutes"] = _("Protokoll kan bara laddas upp för ett genomfört möte.")
        if not errors and self.body_id and self.start and self.end and not self.is_cancelled:
            clash = self.overlapping().first()
            if clash:
                errors["start"] = gettext(
                    "%(body)s har redan ett möte %(when)s som överlappar den här tiden. "
                    "Ändra tiden eller ställ in det andra mötet först."
                ) % {"body": self.body.display_name, "when": clash.when}
        if errors:
            raise ValidationError(errors)

    def roster(self):
        """The appointments to the body's seats on the meeting's date: who is expected.

        Ordinary members first, then substitutes, each by organisation and name.
        """
        return list(
            Appointment.objects.current(on=self.day)
            .filter(seat__body_id=self.body_id)
            .exclude(seat__position__in=[Seat.Position.SECRETARY, Seat.Position.CO_OPTED])
            .select_related("person", "seat__organisation")
            .order_by("seat__role", "seat__organisation__name", "seat__order", "pk")
        )

    def default_attendance(self):
        """Unsaved attendance rows from the roster, everyone present until told otherwise."""
        return [
            Attendance(
                meeting=self,
                person=appointment.person,
                seat=appointment.seat,
                organisation=appointment.seat.organisation,
                role=Attendance.role_for_seat(appointment.seat),
                status=Attendance.Status.PRESENT,
            )
            for appointment in self.roster()
        ]

    def warnings(self):
        """Contradictions in the record, for the secretary (meetings/record_check.py)."""
        from meetings.record_check import record_warnings  # that module reads this one

        return record_warnings(self)


class Adjuster(models.Model):
    """Someone who approves (justerar) a meeting's minutes together with the chair.

    The person is protected like the chair and the secretary: deleting them would
    silently rewrite who approved the minutes.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="adjuster_roles"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="adjuster_roles"
    )

    history = RegistryHistory()

    class Meta:
        # The table the many-to-many field had before it got this model (migration 0003).
        db_table = "meetings_meeting_adjusters"
        unique_together = [("meeting", "person")]
        ordering = ["pk"]
        verbose_name = _("justerare")
        verbose_name_plural = _("justerare")

    def __str__(self):
        return f"{self.person} – {self.meeting}"


class AgendaItem(ScreenedText):
    """An item on a meeting's agenda (ärende), with what was said and decided."""

    free_text_fields = ("title", "presenters", "text", "decision")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("rubrik"), max_length=300)
    presenters = models.CharField(
        _("föredragande"),
        max_length=300,
        blank=True,
        help_text=_("Vem som redovisar ärendet, med organisation."),
    )
    text = models.TextField(_("text"), blank=True)
    decision = models.TextField(_("beslut"), blank=True)
    reports_on = models.ForeignKey(
        Body,
        verbose_name=_("återrapport från"),
        on_delete=models.PROTECT,
        related_name="reported_in_items",
        null=True,
        blank=True,
        help_text=_(
            "Om ärendet är ett organs återrapport (t.ex. ett nätverks årliga rapport till "
            "KC/RD): det organet. Så uppfylls återrapporteringskrav."
        ),
    )

    objects = ScreenedQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="agenda_item_number_unique",
                violation_error_message=_("Mötet har redan ett ärende med det numret."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#arende-{self.number}"

    def clean(self):
        if self.reports_on_id and self.meeting_id and self.reports_on_id == self.meeting.body_id:
            raise ValidationError(
                {"reports_on": _("Ett organ kan inte återrapportera till sitt eget möte.")}
            )


class Attachment(ScreenedText):
    """An attachment (bilaga) to an agenda item: a title, and the document if there is one."""

    free_text_fields = ("title",)

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("rubrik"), max_length=300)
    document = models.FileField(
        _("dokument (PDF)"),
        upload_to=attachment_path,
        validators=[validate_pdf],
        blank=True,
        max_length=200,
    )

    objects = ScreenedQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["agenda_item", "pk"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if not self.document:
            return ""
        return reverse("meetings:attachment", args=[self.agenda_item.meeting_id, self.pk])


class AttendanceQuerySet(models.QuerySet):
    def public(self):
        """Attendance of people who may be shown publicly."""
        return self.filter(person__is_published=True)

    def for_person_page(self, person):
        """A person's attendance, newest meeting first, with what a list row shows."""
        return (
            self.filter(person=person)
            .select_related("meeting__body__period", "replaces", "organisation")
            .order_by("-meeting__start")
        )

    def counted(self):
        """Rows that count for attendance rates: members of held meetings."""
        return self.filter(meeting__status=Meeting.Status.HELD).exclude(role=Attendance.Role.OTHER)

    def rates(self, *group_by):
        """Attendance rate per group: ordinary seats filled at held meetings.

        ``expected`` counts ordinary members on the list; ``attended`` counts those
        present plus substitutes serving in place of an absent member. The rate is
        ``attended / expected`` (at most 100 %).
        """
        return (
            self.counted()
            .annotate(year=ExtractYear("meeting__start"))
            .values(*group_by, "year")
            .annotate(
                expected=Count("pk", filter=Q(role=Attendance.Role.ORDINARY)),
                present=Count(
                    "pk",
                    filter=Q(role=Attendance.Role.ORDINARY, status=Attendance.Status.PRESENT),
                ),
                serving=Count("pk", filter=Q(status=Attendance.Status.SERVING)),
                meeting_count=Count("meeting", distinct=True),
            )
            .order_by("year", *group_by)
        )


class Attendance(models.Model):
    """One person at one meeting: present, absent, or a substitute serving for a member."""

    class Role(models.TextChoices):
        ORDINARY = "ordinary", _("ordinarie ledamot")
        SUBSTITUTE = "substitute", _("ersättare")
        OTHER = "other", _("övrig deltagare")

    class Status(models.TextChoices):
        PRESENT = "present", _("närvarande")
        ABSENT = "absent", _("frånvarande")
        SERVING = "serving", _("tjänstgörande ersättare")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="attendances"
    )
    role = models.CharField(
        _("deltar som"), max_length=12, choices=Role.choices, default=Role.ORDINARY
    )
    status = models.CharField(
        _("närvaro"), max_length=10, choices=Status.choices, default=Status.PRESENT
    )
    replaces = models.ForeignKey(
        Person,
        verbose_name=_("tjänstgör i stället för"),
        on_delete=models.PROTECT,
        related_name="replaced_by",
        null=True,
        blank=True,
    )
    seat = models.ForeignKey(
        Seat,
        verbose_name=_("plats"),
        on_delete=models.PROTECT,
        related_name="attendances",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="attendances",
        null=True,
        blank=True,
        help_text=_("Den organisation personen företrädde vid mötet."),
    )

    objects = AttendanceQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["meeting", "role", "organisation__name", "person__last_name"]
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="attendance_once_per_meeting",
                violation_error_message=_("Personen finns redan i mötets närvarolista."),
            ),
            models.CheckConstraint(
                condition=(Q(status="serving") & Q(replaces__isnull=False))
                | (~Q(status="serving") & Q(replaces__isnull=True)),
                name="attendance_serving_names_member",
                violation_error_message=_(
                    "Ange vem ersättaren tjänstgör för – och bara för en tjänstgörande ersättare."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="serving") | Q(role="substitute"),
                name="attendance_only_substitute_serves",
                violation_error_message=_("Bara en ersättare kan vara tjänstgörande ersättare."),
            ),
            models.CheckConstraint(
                condition=~Q(replaces=models.F("person")),
                name="attendance_not_replacing_self",
                violation_error_message=_("En person kan inte tjänstgöra i stället för sig själv."),
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_status_display()}"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()

    @staticmethod
    def role_for_seat(seat):
        if seat.role == Seat.Role.SUBSTITUTE:
            return Attendance.Role.SUBSTITUTE
        return Attendance.Role.ORDINARY

    @property
    def attended(self):
        return self.status in (self.Status.PRESENT, self.Status.SERVING)

    def clean(self):
        """Members must hold a seat on the day; others need an organisation.

        Fills in the seat and the organisation from the registry when they are blank.
        """
        errors = {}
        if self.status == self.Status.SERVING and not self.replaces_id:
            errors["replaces"] = _("Ange vilken ordinarie ledamot ersättaren tjänstgör för.")
        if self.replaces_id and self.status != self.Status.SERVING:
            errors["replaces"] = _("Bara en tjänstgörande ersättare tjänstgör för någon.")
        if self.replaces_id and self.replaces_id == self.person_id:
            errors["replaces"] = _("En person kan inte tjänstgöra i stället för sig själv.")
        if self.status == self.Status.SERVING and self.role != self.Role.SUBSTITUTE:
            errors["status"] = _("Bara en ersättare kan vara tjänstgörande ersättare.")
        try:
            meeting = self.meeting  # may be the admin's unsaved new meeting
        except Meeting.DoesNotExist:
            meeting = None
        if meeting is None or not self.person_id or not meeting.body_id or not meeting.start:
            if errors:
                raise ValidationError(errors)
            return
        day = meeting.day
        if self.role == self.Role.OTHER:
            if not self.organisation_id and self.person.organisation_id:
                self.organisation_id = self.person.organisation_id
            if not self.organisation_id:
                errors["organisation"] = _(
                    "Ange vilken organisation en övrig deltagare företräder."
                )
        else:
            wanted = (
                Seat.Role.SUBSTITUTE if self.role == self.Role.SUBSTITUTE else Seat.Role.ORDINARY
            )
            appointment = (
                Appointment.objects.current(on=day)
                .filter(person_id=self.person_id, seat__body_id=meeting.body_id, seat__role=wanted)
                .select_related("seat")
                .first()
            )
            if appointment is None:
                errors["person"] = gettext(
                    "%(name)s har ingen plats som %(role)s i %(body)s den %(day)s. Registrera "
                    "personen som övrig deltagare, eller lägg först in uppdraget."
                ) % {
                    "name": self.person.full_name,
                    "role": self.get_role_display(),
                    "body": meeting.body.display_name,
                    "day": formats.date_format(day, "j F Y"),
                }
            else:
                self.seat = appointment.seat
                if not self.organisation_id:
                    self.organisation_id = appointment.seat.organisation_id
        if self.status == self.Status.SERVING and self.replaces_id and "replaces" not in errors:
            replaced_holds_seat = (
                Appointment.objects.current(on=day)
                .filter(
                    person_id=self.replaces_id,
                    seat__body_id=meeting.body_id,
                    seat__role=Seat.Role.ORDINARY,
                )
                .exists()
            )
            if not replaced_holds_seat:
                errors["replaces"] = gettext(
                    "%(name)s är inte ordinarie ledamot i %(body)s den %(day)s."
                ) % {
                    "name": self.replaces.full_name,
                    "body": meeting.body.display_name,
                    "day": formats.date_format(day, "j F Y"),
                }
        if errors:
            raise ValidationError(errors)


class ReportingDutyQuerySet(models.QuerySet):
    def with_last_report(self):
        """Duties with ``last_reported``: the start of the latest held meeting of the
        receiving body with an agenda item reporting on the body. One query."""
        reports = AgendaItem.objects.filter(
            reports_on=OuterRef("body"),
            meeting__body=OuterRef("reports_to"),
            meeting__status=Meeting.Status.HELD,
        ).order_by("-meeting__start")
        return self.select_related("reports_to__period", "body__period").annotate(
            last_reported=Subquery(reports.values("meeting__start")[:1])
        )


class ReportingDuty(models.Model):
    """A body's duty to report back to another, e.g. a network to KC/RD once a year."""

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="reporting_duties"
    )
    reports_to = models.ForeignKey(
        Body,
        verbose_name=_("återrapporterar till"),
        on_delete=models.PROTECT,
        related_name="expected_reports",
    )
    times_per_year = models.PositiveSmallIntegerField(
        _("minst antal gånger per år"),
        default=1,
        help_text=_("“Minst en gång per år” ger 1."),
    )
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    objects = ReportingDutyQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["body__name"]
        verbose_name = _("återrapporteringskrav")
        verbose_name_plural = _("återrapporteringskrav")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "reports_to"],
                name="reporting_duty_unique",
                violation_error_message=_("Organet har redan ett krav att rapportera dit."),
            ),
            models.CheckConstraint(
                condition=~Q(body=models.F("reports_to")),
                name="reporting_duty_not_to_self",
                violation_error_message=_("Ett organ kan inte rapportera till sig självt."),
            ),
            models.CheckConstraint(
                condition=Q(times_per_year__gte=1),
                name="reporting_duty_at_least_once",
                violation_error_message=_("Ange minst en gång per år."),
            ),
        ]

    def __str__(self):
        return gettext("%(body)s rapporterar till %(to)s") % {
            "body": self.body.display_name,
            "to": self.reports_to.display_name,
        }

    def get_absolute_url(self):
        return self.body.get_absolute_url()

    def clean(self):
        if self.body_id and self.reports_to_id:
            if self.body_id == self.reports_to_id:
                raise ValidationError(_("Ett organ kan inte rapportera till sig självt."))
            if self.body.period_id != self.reports_to.period_id:
                raise ValidationError(
                    {"reports_to": _("Organen måste höra till samma mandatperiod.")}
                )

    def status(self, today=None):
        """When the body last reported and by when it must report next.

        Reads ``last_reported`` from ``with_last_report()``. Without a report the
        first one is due a reporting interval after the period began.
        """
        today = today or timezone.localdate()
        last = getattr(self, "last_reported", None)
        last_day = local_day(last) if last else None
        months = 12 // self.times_per_year
        due = add_months(last_day or self.body.period.start, months)
        from meetings.compliance import DutyStatus  # that module reads this one

        return DutyStatus(duty=self, last_reported=last_day, due=due, overdue=due < today)


def add_months(day, months):
    """The same day some months later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


# The register of decisions lives in a module of its own; imported so Django registers it.
from meetings.decisions import Decision, DecisionResponse  # noqa: E402, F401
