"""The register of decisions and recommendations, and what became of each.

A decision (beslut), recommendation (rekommendation) or statement (yttrande) is taken
at a meeting, usually under one agenda item, and numbered per body and year
("RSR 2024:3"). The councils mostly *recommend*: the organisations addressed decide for
themselves, so a recommendation has one follow-up row per addressed organisation
(decided, declined or not yet) and its page says "9 av 12 har beslutat".

The texts are free text written by hand and are screened like agenda texts
(meetings/privacy.py). Imported from meetings/models.py so that Django registers them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bodies.history import RegistryHistory
from bodies.models import Body, Organisation, Seat, casefree_contains
from meetings.models import AgendaItem, Meeting
from meetings.privacy import ScreenedQuerySet, ScreenedText, UnpublishedNames


class DecisionQuerySet(ScreenedQuerySet):
    def with_follow_up(self):
        """Annotate ``addressed``, ``responded_decided`` and ``responded_declined``:
        the follow-up counts of each decision, in the same query."""
        return self.annotate(
            addressed=Count("responses", distinct=True),
            responded_decided=Count(
                "responses", filter=Q(responses__status="decided"), distinct=True
            ),
            responded_declined=Count(
                "responses", filter=Q(responses__status="declined"), distinct=True
            ),
        )

    def for_listing(self, names=None):
        """What the public list, the API list and the CSV show: one query, screened."""
        return (
            self.screened(names)
            .select_related("body__period", "meeting", "agenda_item")
            .with_follow_up()
            .order_by("-year", "body__name", "-serial", "-pk")
        )

    def for_decision_page(self, names=None):
        responses = DecisionResponse.objects.select_related("organisation").order_by(
            "organisation__name"
        )
        return (
            self.screened(names)
            .select_related("body__period", "meeting__body", "agenda_item")
            .prefetch_related(models.Prefetch("responses", queryset=responses))
        )

    def text_matches(self, text):
        """Decisions whose number, title, text or addressee contain the text (in the
        database; see ``Decision.visibly_matches`` for what the public may see)."""
        query = Q()
        for word in text.split():
            query &= (
                casefree_contains("title", word)
                | casefree_contains("text", word)
                | casefree_contains("addressee", word)
                | casefree_contains("body__short_name", word)
                | casefree_contains("body__name", word)
            )
        return self.filter(query)


class Decision(ScreenedText):
    """A decision, recommendation or statement of a body, taken at a meeting."""

    free_text_fields = ("title", "text", "addressee")

    class Kind(models.TextChoices):
        DECISION = "decision", _("beslut")
        RECOMMENDATION = "recommendation", _("rekommendation")
        STATEMENT = "statement", _("yttrande")
        OTHER = "other", _("annat ställningstagande")

    class Status(models.TextChoices):
        FOLLOWING_UP = "following_up", _("under uppföljning")
        DONE = "done", _("genomfört")
        CLOSED = "closed", _("avslutat")

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="decisions"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.PROTECT, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("ärende"),
        on_delete=models.SET_NULL,
        related_name="decisions",
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField(
        _("år"), editable=False, help_text=_("Mötets år; numret räknas per organ och år.")
    )
    serial = models.PositiveSmallIntegerField(
        _("löpnummer"),
        blank=True,
        help_text=_("Numret inom organet och året. Lämna tomt för nästa lediga."),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    title = models.CharField(_("rubrik"), max_length=300)
    text = models.TextField(_("beslutstext"), blank=True)
    addressee = models.CharField(
        _("mottagare"),
        max_length=300,
        blank=True,
        help_text=_("Till vem beslutet riktar sig, t.ex. ”kommunerna” eller ”Region Örebro län”."),
    )
    status = models.CharField(
        _("uppföljning"),
        max_length=20,
        choices=Status.choices,
        default=Status.FOLLOWING_UP,
    )
    follow_up_note = models.TextField(
        _("uppföljningsanteckning"),
        blank=True,
        help_text=_("Vad som har hänt sedan beslutet; visas publikt."),
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    objects = DecisionQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["-year", "body__name", "-serial"]
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut och rekommendationer")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "serial"],
                name="decision_number_unique",
                violation_error_message=_("Organet har redan ett beslut med det numret det året."),
            ),
            models.CheckConstraint(
                condition=Q(serial__gte=1),
                name="decision_serial_positive",
                violation_error_message=_("Löpnumret börjar på 1."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("meetings:decision", args=[self.pk])

    @property
    def number(self):
        """ "RSR 2024:3": the body's short name, the year and the serial."""
        prefix = self.body.display_name if self.body_id else ""
        return f"{prefix} {self.year}:{self.serial}".strip()

    def clean(self):
        """The decision belongs to its meeting's body and year; an agenda item to its meeting."""
        errors = {}
        meeting = self._meeting_or_none()
        if meeting is not None:
            if self.body_id and self.body_id != meeting.body_id:
                errors["body"] = _("Beslutet måste höra till samma organ som mötet.")
            if self.agenda_item_id and self.agenda_item.meeting_id != meeting.pk:
                errors["agenda_item"] = _("Ärendet måste höra till samma möte som beslutet.")
        if errors:
            raise ValidationError(errors)
        self.fill_from_meeting()
        if self.serial and self.body_id and self.year:
            clash = Decision.objects.filter(
                body_id=self.body_id, year=self.year, serial=self.serial
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {
                        "serial": gettext(
                            "Numret %(number)s finns redan. Nästa lediga är %(next)s."
                        )
                        % {"number": self.number, "next": self.next_serial()}
                    }
                )

    def _meeting_or_none(self):
        try:
            return self.meeting if self.meeting_id or self.meeting else None
        except Meeting.DoesNotExist:
            return None

    def fill_from_meeting(self):
        """Body and year from the meeting."""
        meeting = self._meeting_or_none()
        if meeting is None or meeting.start is None:
            return
        if not self.body_id and meeting.body_id:
            self.body_id = meeting.body_id
        self.year = meeting.day.year

    def next_serial(self):
        taken = (
            Decision.objects.filter(body_id=self.body_id, year=self.year)
            .exclude(pk=self.pk)
            .aggregate(top=Max("serial"))["top"]
        )
        return (taken or 0) + 1

    def save(self, *args, **kwargs):
        """Number a new decision at save, not in ``clean()``: several decisions added
        in one form then get consecutive numbers."""
        self.fill_from_meeting()
        if not self.serial:
            self.serial = self.next_serial()
        super().save(*args, **kwargs)

    @property
    def is_recommendation(self):
        return self.kind == self.Kind.RECOMMENDATION

    def follow_up_counts(self):
        """(addressed, decided, declined): from ``with_follow_up()`` or the prefetched rows."""
        if hasattr(self, "addressed"):
            return self.addressed, self.responded_decided, self.responded_declined
        rows = list(self.responses.all())
        decided = sum(1 for row in rows if row.status == DecisionResponse.Status.DECIDED)
        declined = sum(1 for row in rows if row.status == DecisionResponse.Status.DECLINED)
        return len(rows), decided, declined

    def follow_up_summary(self):
        """ "9 av 12 har beslutat, 1 har avstått", or "" when no organisation is addressed."""
        addressed, decided, declined = self.follow_up_counts()
        if not addressed:
            return ""
        text = ngettext(
            "%(decided)s av %(total)s har beslutat",
            "%(decided)s av %(total)s har beslutat",
            addressed,
        ) % {"decided": decided, "total": addressed}
        if declined:
            text += ", " + ngettext("%(count)s har avstått", "%(count)s har avstått", declined) % {
                "count": declined
            }
        return text

    def visibly_matches(self, text):
        """Whether every word of the text is in what the public sees of the decision.

        A screened text is a placeholder, so a search for a hidden name finds nothing.
        """
        seen = " ".join(
            [self.number, self.title, self.text, self.addressee, self.body.name]
        ).casefold()
        return all(word.casefold() in seen for word in text.split())

    def address_seat_holders(self):
        """Add a follow-up row (not yet decided) for every organisation with a seat in
        the body that has none yet; the number added. For "till kommunerna": the
        organisations that sit in the council are the ones expected to decide."""
        have = set(self.responses.values_list("organisation_id", flat=True))
        wanted = (
            Seat.objects.filter(body_id=self.body_id)
            .exclude(organisation_id__in=have)
            .values_list("organisation_id", flat=True)
            .distinct()
        )
        added = [DecisionResponse(decision=self, organisation_id=pk) for pk in set(wanted)]
        for row in added:
            row.save()
        return len(added)


class DecisionResponse(models.Model):
    """What one addressed organisation did with a recommendation: decided, declined or not yet."""

    class Status(models.TextChoices):
        PENDING = "pending", _("inte ännu")
        DECIDED = "decided", _("har beslutat")
        DECLINED = "declined", _("har avstått")

    decision = models.ForeignKey(
        Decision, verbose_name=_("beslut"), on_delete=models.CASCADE, related_name="responses"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="decision_responses",
    )
    status = models.CharField(
        _("ställningstagande"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_on = models.DateField(_("datum"), null=True, blank=True)
    reference = models.CharField(
        _("diarienummer eller hänvisning"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. organisationens paragraf eller diarienummer."),
    )

    history = RegistryHistory()

    class Meta:
        ordering = ["decision", "organisation__name"]
        verbose_name = _("uppföljning per organisation")
        verbose_name_plural = _("uppföljning per organisation")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "organisation"],
                name="decision_response_once",
                violation_error_message=_("Organisationen finns redan i uppföljningen."),
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(decided_on__isnull=True))
                | (~Q(status="pending") & Q(decided_on__isnull=False)),
                name="decision_response_dated",
                violation_error_message=_(
                    "Ange datum när organisationen har beslutat eller avstått – och bara då."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.get_status_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.touch_decision()

    def get_absolute_url(self):
        return self.decision.get_absolute_url()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.touch_decision()
        return result

    def clean(self):
        if self.status != self.Status.PENDING and not self.decided_on:
            raise ValidationError(
                {"decided_on": _("Ange datum då organisationen beslutade eller avstod.")}
            )
        if self.status == self.Status.PENDING and self.decided_on:
            raise ValidationError(
                {"decided_on": _("Ett datum anges först när organisationen har tagit ställning.")}
            )

    @property
    def when(self):
        return formats.date_format(self.decided_on, "j F Y") if self.decided_on else ""

    def touch_decision(self):
        """The decision's ``updated_at`` moves too: the API's changed_since must find a
        decision whose follow-up changed."""
        Decision.objects.filter(pk=self.decision_id).update(updated_at=timezone.now())


def decisions_for_meeting(meeting, names=None):
    """The decisions of a meeting, for its page: one query."""
    return list(
        Decision.objects.filter(meeting=meeting)
        .for_listing(names or UnpublishedNames())
        .order_by("serial", "pk")
    )
