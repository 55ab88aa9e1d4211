"""People, their parties and their appointments to seats."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bodies.history import RegistryHistory
from bodies.models import Body, Organisation, Seat, casefree_contains
from bodies.rights import Roles


class Party(models.Model):
    """A political party, e.g. S – Arbetarepartiet-Socialdemokraterna."""

    abbreviation = models.CharField(_("förkortning"), max_length=10, unique=True)
    name = models.CharField(_("namn"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    history = RegistryHistory()

    class Meta:
        ordering = ["order", "abbreviation"]
        verbose_name = _("parti")
        verbose_name_plural = _("partier")

    def __str__(self):
        return f"{self.abbreviation} – {self.name}"


# A portrait is a few hundred kilobytes; anything larger is refused.
MAX_PHOTO_SIZE = 5 * 1024 * 1024
PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]


def photo_path(instance, filename):
    """A server-made name: the uploader's file name never reaches the disk."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    if extension not in PHOTO_EXTENSIONS:
        extension = "jpg"
    return f"personer/foton/{uuid.uuid4().hex}.{extension}"


def validate_photo_size(file):
    if getattr(file, "_committed", False):
        return
    if file.size is not None and file.size > MAX_PHOTO_SIZE:
        raise ValidationError(
            gettext("Bilden är för stor. Största tillåtna storlek är %(max)s MB.")
            % {"max": MAX_PHOTO_SIZE // 1024 // 1024},
            code="too_large",
        )


def consent_date(verbose_name, help_text):
    """The day a person consented to one contact detail being public; empty: no
    consent (``Person.public_contact`` reads it)."""
    return models.DateField(verbose_name, null=True, blank=True, help_text=help_text)


@dataclass(frozen=True)
class PublicContact:
    """What of a person's contact details the public may see: only consented fields."""

    email: str = ""
    phone: str = ""
    photo_url: str = ""

    def __bool__(self):
        return bool(self.email or self.phone or self.photo_url)


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People who may appear on public pages and in exports."""
        return self.filter(is_published=True)

    def search(self, text):
        """People whose full name contains the text, in any letter case."""
        return self.annotate(full_name_text=Concat("first_name", Value(" "), "last_name")).filter(
            casefree_contains("full_name_text", text)
        )


class Person(models.Model):
    """A politician (with a party) or an official (with a title)."""

    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    slug = models.SlugField(_("kortnamn i adress"), max_length=200, unique=True)
    party = models.ForeignKey(
        Party,
        verbose_name=_("parti"),
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        help_text=_("Den organisation personen företräder eller arbetar för."),
    )
    title = models.CharField(_("titel"), max_length=200, blank=True)
    # Contact details are for the secretary only, unless the person consented per field:
    # every public output reads them through ``public_contact()``, nothing else.
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email_consent_on = consent_date(
        _("samtycke till publicering av e-post, datum"),
        _(
            "Datum då personen samtyckte till att arbetsmejlen visas publikt. Töm fältet "
            "när samtycket återkallas: adressen försvinner då från alla publika sidor, "
            "exporter och API:t."
        ),
    )
    phone_consent_on = consent_date(
        _("samtycke till publicering av telefon, datum"),
        _("Datum då personen samtyckte till att arbetstelefonen visas publikt."),
    )
    photo = models.ImageField(
        _("foto"),
        upload_to=photo_path,
        validators=[
            FileExtensionValidator(PHOTO_EXTENSIONS),
            validate_photo_size,
        ],
        blank=True,
        max_length=200,
        help_text=_("Porträtt som JPEG, PNG eller WebP, högst 5 MB."),
    )
    photo_consent_on = consent_date(
        _("samtycke till publicering av foto, datum"),
        _("Datum då personen samtyckte till att fotot visas publikt."),
    )
    is_published = models.BooleanField(
        _("publicerad"),
        default=True,
        help_text=_("Opublicerade personer visas inte på några publika sidor eller i exporter."),
    )
    note = models.TextField(_("intern anteckning"), blank=True)
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    objects = PersonQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        constraints = [
            models.CheckConstraint(
                condition=Q(email_consent_on__isnull=True) | ~Q(email=""),
                name="person_email_consent_needs_email",
                violation_error_message=_("Samtycke till publicering kräver en e-postadress."),
            ),
            models.CheckConstraint(
                condition=Q(phone_consent_on__isnull=True) | ~Q(phone=""),
                name="person_phone_consent_needs_phone",
                violation_error_message=_("Samtycke till publicering kräver ett telefonnummer."),
            ),
            models.CheckConstraint(
                condition=Q(photo_consent_on__isnull=True) | ~Q(photo=""),
                name="person_photo_consent_needs_photo",
                violation_error_message=_("Samtycke till publicering kräver ett foto."),
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("members:person", args=[self.slug])

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        errors = {}
        today = timezone.localdate()
        for value, consent in (
            ("email", "email_consent_on"),
            ("phone", "phone_consent_on"),
            ("photo", "photo_consent_on"),
        ):
            day = getattr(self, consent)
            if day and not getattr(self, value):
                errors[consent] = _("Det finns inget att publicera: fyll i uppgiften först.")
            elif day and day > today:
                errors[consent] = _("Samtycket kan inte vara registrerat i framtiden.")
        if errors:
            raise ValidationError(errors)

    def public_contact(self):
        """The contact details the public may see: a field only with the person's
        consent, nothing for an unpublished person. Every public page, export, feed
        and the API read contact details here, so a withdrawn consent (the date
        emptied) or unpublishing removes them everywhere at once."""
        if not self.is_published:
            return PublicContact()
        return PublicContact(
            email=self.email if self.email_consent_on and self.email else "",
            phone=self.phone if self.phone_consent_on and self.phone else "",
            photo_url=(
                reverse("members:person_photo", args=[self.slug])
                if self.photo_consent_on and self.photo
                else ""
            ),
        )


class AppointmentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(person__is_published=True)

    def unpublished(self):
        return self.filter(person__is_published=False)

    def current(self, on=None):
        """Appointments running on the date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(end__isnull=True) | Q(end__gte=on), start__lte=on)

    def overlapping(self, seat, start, end):
        """Appointments to the seat whose dates overlap start–end (end None = open)."""
        qs = self.filter(seat=seat).filter(Q(end__isnull=True) | Q(end__gte=start))
        if end is not None:
            qs = qs.filter(start__lte=end)
        return qs

    def with_seats(self):
        """Appointments with their seat, body, period and organisation, for a list of seats."""
        return self.select_related("seat__body__period", "seat__organisation")


class Appointment(models.Model):
    """A person in a seat from a date to a date (people change mid-period)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="appointments"
    )
    seat = models.ForeignKey(
        Seat, verbose_name=_("plats"), on_delete=models.PROTECT, related_name="appointments"
    )
    # The seat's body, copied on every save (and when a seat moves, see members.apps)
    # so that PostgreSQL can refuse two overlapping seats of one body for one person.
    body = models.ForeignKey(
        Body,
        verbose_name=_("organ"),
        on_delete=models.PROTECT,
        related_name="appointments",
        editable=False,
    )
    start = models.DateField(_("från"))
    end = models.DateField(_("till"), null=True, blank=True, help_text=_("Tomt: tills vidare."))
    appointed_by = models.CharField(_("utsedd av"), max_length=200, blank=True)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    objects = AppointmentQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("uppdrag")
        verbose_name_plural = pgettext_lazy("plural", "uppdrag")
        # Overlaps in a seat, and overlapping seats of one body for one person, are also
        # refused by exclusion constraints on PostgreSQL, added in migrations 0002 and
        # 0006 (SQLite has no equivalent).
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="appointment_ends_after_start",
                violation_error_message=_("Ett uppdrag kan inte sluta innan det börjar."),
            ),
        ]

    def __str__(self):
        # Not the seat's full label: that asks for its number and holder (a changelist
        # names every row).
        seat = self.seat
        where = f"{seat.body.display_name} {seat.body.period.name} · {seat.organisation.name}"
        return f"{self.person} – {where} · {Seat.role_word(seat.role)}"

    def save(self, *args, **kwargs):
        if self.seat_id:
            self.body_id = self.seat.body_id
        super().save(*args, **kwargs)

    def covers(self, day):
        return self.start <= day and (self.end is None or self.end >= day)

    def clean(self):
        if not (self.seat_id and self.start):
            return
        if self.end and self.end < self.start:
            raise ValidationError({"end": _("Ett uppdrag kan inte sluta innan det börjar.")})
        period = self.seat.body.period
        if not period.contains(self.start) or (self.end and not period.contains(self.end)):
            raise ValidationError(
                gettext("Uppdraget måste ligga inom mandatperioden %(period)s (%(start)s–%(end)s).")
                % {
                    "period": period.name,
                    "start": formats.date_format(period.start),
                    "end": formats.date_format(period.end),
                }
            )
        clash = (
            Appointment.objects.overlapping(self.seat, self.start, self.end)
            .exclude(pk=self.pk)
            .select_related("person")
            .first()
        )
        if clash:
            raise ValidationError(
                gettext(
                    "Platsen innehas redan av %(person)s från %(start)s%(until)s. "
                    "Avsluta det uppdraget först eller välj andra datum."
                )
                % {
                    "person": clash.person.full_name,
                    "start": formats.date_format(clash.start),
                    "until": _until(clash),
                }
            )
        if self.person_id:
            self.clean_one_seat_per_body()

    def clean_one_seat_per_body(self):
        """A person holds at most one seat of a body at a time."""
        other = (
            Appointment.objects.filter(person_id=self.person_id, seat__body_id=self.seat.body_id)
            .filter(Q(end__isnull=True) | Q(end__gte=self.start))
            .exclude(pk=self.pk)
            .exclude(seat_id=self.seat_id)
            .select_related("seat__organisation", "seat__body__period")
        )
        if self.end is not None:
            other = other.filter(start__lte=self.end)
        clash = other.order_by("start").first()
        if clash:
            raise ValidationError(
                gettext(
                    "%(person)s har redan en plats i %(body)s (%(seat)s) från %(start)s%(until)s. "
                    "En person kan ha bara en plats i ett organ åt gången: avsluta det "
                    "uppdraget först eller välj andra datum."
                )
                % {
                    "person": self.person.full_name,
                    "body": clash.seat.body.display_name,
                    "seat": f"{clash.seat.office_label or clash.seat.organisation.name}, "
                    f"{clash.seat.get_role_display()}",
                    "start": formats.date_format(clash.start),
                    "until": _until(clash),
                }
            )

    @property
    def effective_end(self):
        return self.end or self.seat.body.period.end

    @property
    def has_ended(self):
        """An ended appointment is history: it is corrected, never deleted, by an editor."""
        return self.end is not None and self.end < timezone.localdate()


def _until(appointment):
    """“ till 31 december 2026”, or nothing for an appointment until further notice."""
    if appointment.end is None:
        return ""
    return gettext(" till %(end)s") % {"end": formats.date_format(appointment.end)}


class UserRoles(models.Model):
    """The registry roles of one staff account, given by the registry secretary.

    Django's own model permissions grant nothing in this registry (see
    ``samverkan.auth``): every right in the admin comes from these roles through the
    rules in ``bodies/rules.py``, ``members/rules.py`` and ``meetings/rules.py``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="registry_roles",
    )
    registry_secretary = models.BooleanField(
        _("registersekreterare"),
        default=False,
        help_text=_(
            "Får ändra allt: perioder, strukturen, nya perioder, inläsningar, användare och "
            "roller, låsa och låsa upp perioder."
        ),
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisationsredaktör för"),
        related_name="editor_roles",
        blank=True,
        help_text=_(
            "Får ändra organisationernas personer och uppdragen på platser som "
            "organisationerna har, i perioder som är öppna."
        ),
    )
    bodies = models.ManyToManyField(
        Body,
        verbose_name=_("mötessekreterare för"),
        related_name="meeting_secretary_roles",
        blank=True,
        help_text=_(
            "Får ändra organens möten, dagordningar, närvaro, justerare, bilagor och "
            "protokoll, i perioder som är öppna."
        ),
    )

    class Meta:
        verbose_name = _("roller")
        verbose_name_plural = _("roller")

    def __str__(self):
        return gettext("Roller för %(user)s") % {"user": self.user.get_username()}

    @classmethod
    def roles_of(cls, user) -> Roles:
        """The user's roles in two queries (the loader ``bodies.rights`` calls)."""
        row = cls.objects.filter(user=user).first()
        if row is None:
            return Roles()
        return Roles(
            registry_secretary=row.registry_secretary,
            organisation_ids=frozenset(row.organisations.values_list("pk", flat=True)),
            body_ids=frozenset(row.bodies.values_list("pk", flat=True)),
        )


# Dated officer roles live in a module of their own; imported so Django registers them.
from members.officers import OfficerTerm  # noqa: E402, F401
