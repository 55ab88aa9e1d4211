"""The structure: organisations, mandate periods, bodies and their seats."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, Greatest, Least
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from bodies.composition import Completeness, SeatState, check_composition
from bodies.history import ChangeSet, RegistryHistory, change_set
from bodies.rights import open_periods_q
from bodies.roster import RosterCell, forest, roster

# ChangeSet is defined in bodies.history, a model of this app; RosterCell, a read-model
# of bodies/roster.py, stays importable from here for the views.
__all__ = ["ChangeSet", "RosterCell"]


class CountyPart(models.Model):
    """A geographic part of the county (länsdel), e.g. Norra länsdelen."""

    name = models.CharField(_("namn"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnamn i adress"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    history = RegistryHistory()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("länsdel")
        verbose_name_plural = _("länsdelar")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bodies:county_part", args=[self.slug])


class Organisation(models.Model):
    """A party to the collaboration: the region, a municipality, the county board …"""

    class Kind(models.TextChoices):
        REGION = "region", _("region")
        MUNICIPALITY = "municipality", _("kommun")
        COUNTY_BOARD = "county_board", _("länsstyrelse")
        UNIVERSITY = "university", _("universitet")
        OTHER = "other", _("annan organisation")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    short_name = models.CharField(_("kortnamn"), max_length=60, blank=True)
    slug = models.SlugField(_("kortnamn i adress"), max_length=200, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("officiell kod"),
        max_length=10,
        blank=True,
        help_text=_("Kommunkod (4 siffror) eller länskod (2 siffror)."),
    )
    county_part = models.ForeignKey(
        CountyPart,
        verbose_name=_("länsdel"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    history = RegistryHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=~Q(code=""),
                name="organisation_code_unique_per_kind",
                violation_error_message=_(
                    "En annan organisation av samma typ har redan den här koden."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="municipality") | Q(code="") | Q(code__regex=r"^[0-9]{4}$"),
                name="organisation_municipality_code_4_digits",
                violation_error_message=_("En kommunkod har fyra siffror, till exempel 1880."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:organisation", args=[self.slug])

    def clean(self):
        if self.county_part_id and self.kind != self.Kind.MUNICIPALITY:
            raise ValidationError({"county_part": _("Bara en kommun kan höra till en länsdel.")})
        is_county_level = self.kind in (self.Kind.REGION, self.Kind.COUNTY_BOARD)
        if is_county_level and self.code and not (len(self.code) == 2 and self.code.isdigit()):
            raise ValidationError({"code": _("En länskod har två siffror, till exempel 18.")})


class MandatePeriodQuerySet(models.QuerySet):
    def open(self):
        """Periods open for editing: not locked and not ended."""
        return self.filter(open_periods_q())

    def decided(self):
        return self.filter(status=MandatePeriod.Status.DECIDED)

    def current(self, on=None):
        """The decided period that contains the date; a proposal never becomes current."""
        on = on or timezone.localdate()
        return self.decided().filter(start__lte=on, end__gte=on).first()

    def with_body_counts(self):
        """Periods with ``body_count``, for a list of periods in one query."""
        return self.annotate(body_count=models.Count("bodies"))


class MandatePeriod(models.Model):
    """A mandate period (mandatperiod), e.g. 2023–2026, decided or proposed."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("förslag")
        DECIDED = "decided", _("beslutad")

    name = models.CharField(_("namn"), max_length=40, unique=True)
    slug = models.SlugField(_("kortnamn i adress"), max_length=40, unique=True)
    start = models.DateField(_("början"))
    end = models.DateField(_("slut"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    decision_reference = models.CharField(_("beslutsreferens"), max_length=200, blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    locked_at = models.DateTimeField(
        _("låst sedan"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("En låst period kan bara ändras av registersekreteraren."),
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    objects = MandatePeriodQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["start"]
        verbose_name = _("mandatperiod")
        verbose_name_plural = _("mandatperioder")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="period_ends_after_start",
                violation_error_message=_("En mandatperiod måste sluta efter att den börjar."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("bodies:period", args=[self.slug])

    @property
    def is_proposed(self):
        return self.status == self.Status.PROPOSED

    def mark_decided(self, reference, on, actor=None, reason=""):
        """Turn a proposal into the decided structure; only a decision makes it current."""
        if not reference or not on:
            raise ValidationError(_("Ange beslutsreferens och beslutsdatum."))
        with change_set(actor, ChangeSet.Kind.MARK_DECIDED, reason or reference, self):
            self.status = self.Status.DECIDED
            self.decision_reference = reference
            self.decided_on = on
            self.save(update_fields=["status", "decision_reference", "decided_on", "updated_at"])

    @property
    def is_locked(self):
        return self.locked_at is not None

    @property
    def is_open(self):
        """Open for editing by organisation editors and meeting secretaries."""
        return not self.is_locked and not self.has_ended

    def get_editing_status_display(self):
        if self.is_locked:
            return gettext("Låst")
        if self.has_ended:
            return gettext("Avslutad")
        return gettext("Öppen")

    def lock(self, actor=None, reason=""):
        """Close the period to everyone but the registry secretary (one change set)."""
        if self.is_locked:
            raise ValidationError(_("Perioden är redan låst."))
        with change_set(actor, ChangeSet.Kind.LOCK, reason, self):
            self.locked_at = timezone.now()
            self.save(update_fields=["locked_at", "updated_at"])

    def unlock(self, actor=None, reason=""):
        """Open a locked period again; the reason is required and kept in the history."""
        if not self.is_locked:
            raise ValidationError(_("Perioden är inte låst."))
        if not reason.strip():
            raise ValidationError(_("Ange varför perioden låses upp."))
        with change_set(actor, ChangeSet.Kind.UNLOCK, reason, self):
            self.locked_at = None
            self.save(update_fields=["locked_at", "updated_at"])

    def contains(self, day):
        return self.start <= day <= self.end

    def default_day(self, today=None):
        """The day a roster of this period shows unless asked: today, or the nearest end.

        A past period shows its last day (who sat when it ended), a future one its first.
        """
        today = today or timezone.localdate()
        return min(max(today, self.start), self.end)

    @property
    def has_ended(self):
        return self.end < timezone.localdate()

    @property
    def has_started(self):
        return self.start <= timezone.localdate()

    # Addresses under /perioder/ that are pages of their own, not periods.
    RESERVED_SLUGS = {"jamfor"}

    def clean(self):
        if self.slug in self.RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("Adressen är upptagen av en annan sida; välj en annan.")}
            )
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("En mandatperiod måste sluta efter att den börjar.")})
        if self.start and self.end:
            overlapping = MandatePeriod.objects.filter(
                start__lte=self.end, end__gte=self.start
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    gettext("Perioden överlappar %(period)s.")
                    % {"period": overlapping.first().name}
                )


class BodyQuerySet(TreeQuerySet):
    def for_period(self, period):
        return self.filter(period=period)

    def with_relations(self):
        """Everything a structure page shows about a body, in a fixed number of queries."""
        return self.select_related(
            "period", "parent", "supports", "lead_organisation", "county_part"
        ).prefetch_related("supported_by")

    def for_chart(self):
        """Bodies in tree order (tree_id, lft) with what a chart item shows, in one query.

        Build the nesting from the list with ``mptt.utils.cache_tree_children`` or
        ``Body.forest``; never ask a node for its children or ancestors.
        """
        return self.select_related("period", "supports").order_by("tree_id", "lft")

    def for_body_page(self):
        """A body with everything its page reads: relations, composition rules and roster.

        Related bodies come with their period, which their addresses need.
        """
        related = Body.objects.select_related("period")
        return self.select_related(
            "period",
            "parent__period",
            "supports__period",
            "predecessor__period",
            "lead_organisation",
            "county_part",
        ).prefetch_related(
            models.Prefetch("children", queryset=related.order_by("lft")),
            models.Prefetch("supported_by", queryset=related),
            models.Prefetch("successors", queryset=related),
            models.Prefetch(
                "rules", queryset=CompositionRule.objects.select_related("organisation")
            ),
            "member_organisations",
            models.Prefetch("seats", queryset=Seat.objects.with_appointments(officer_terms=True)),
        )

    def search(self, text):
        """Bodies whose name or short name contains the text, in any letter case."""
        return self.filter(casefree_contains("name", text) | casefree_contains("short_name", text))


class Body(MPTTModel):
    """A council, group or network within one mandate period."""

    class Kind(models.TextChoices):
        POLITICAL_COUNCIL = "political_council", _("politiskt samverkansråd")
        OFFICIALS_GROUP = "officials_group", _("tjänstepersonsgrupp")
        NETWORK = "network", _("nätverk")
        STEERING_GROUP = "steering_group", _("styrgrupp")
        PARTNERSHIP = "partnership", _("partnerskap")

    period = models.ForeignKey(
        MandatePeriod,
        verbose_name=_("mandatperiod"),
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(_("kortnamn"), max_length=60, blank=True)
    slug = models.SlugField(_("kortnamn i adress"), max_length=200)
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    parent = TreeForeignKey(
        "self",
        verbose_name=_("rapporterar till"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    supports = models.ForeignKey(
        "self",
        verbose_name=_("tjänstepersonsstöd för"),
        on_delete=models.PROTECT,
        related_name="supported_by",
        null=True,
        blank=True,
        help_text=_("Det politiska råd som gruppen bereder ärenden åt."),
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("föregångare"),
        on_delete=models.PROTECT,
        related_name="successors",
        null=True,
        blank=True,
        help_text=_("Samma organ under en tidigare mandatperiod."),
    )
    purpose = models.TextField(_("syfte och uppdrag"), blank=True)
    min_meetings_per_year = models.PositiveSmallIntegerField(
        _("minsta antal möten per år"), null=True, blank=True
    )
    min_members = models.PositiveSmallIntegerField(
        _("minsta antal ordinarie ledamöter"), null=True, blank=True
    )
    member_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("medlemsorganisationer"),
        through="Membership",
        related_name="member_of",
        blank=True,
        help_text=_(
            "De organisationer som var och en utser ledamöter enligt sammansättningsreglerna."
        ),
    )
    composition_note = models.TextField(_("sammansättning i ord"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ansvarig organisation"),
        on_delete=models.PROTECT,
        related_name="led_bodies",
        null=True,
        blank=True,
    )
    county_part = models.ForeignKey(
        CountyPart,
        verbose_name=_("länsdel"),
        on_delete=models.PROTECT,
        related_name="bodies",
        null=True,
        blank=True,
    )
    legal_basis = models.CharField(_("grund eller beslut"), max_length=300, blank=True)
    public_email = models.EmailField(
        _("funktionsbrevlåda"),
        blank=True,
        help_text=_(
            "En gemensam adress som får visas publikt, t.ex. rådets kansli. Aldrig en "
            "enskild persons adress."
        ),
    )
    closing_note = models.TextField(
        _("när organet upphör"),
        blank=True,
        help_text=_(
            "Vart organets frågor går när det läggs ned, t.ex. ”Frågorna hanteras i "
            "Regionala samverkansrådet”."
        ),
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    # mptt's tree fields, declared here (as mptt would add them) so that the history
    # keeps the tree position too: django-simple-history copies only declared fields.
    lft = models.PositiveIntegerField(editable=False)
    rght = models.PositiveIntegerField(editable=False)
    tree_id = models.PositiveIntegerField(db_index=True, editable=False)
    level = models.PositiveIntegerField(editable=False)

    objects = BodyQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = pgettext_lazy("plural", "organ")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "slug"],
                name="body_slug_unique_in_period",
                violation_error_message=_("Det finns redan ett organ med den adressen i perioden."),
            ),
            models.UniqueConstraint(
                fields=["period", "name"],
                name="body_name_unique_in_period",
                violation_error_message=_("Det finns redan ett organ med det namnet i perioden."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="body_not_own_parent",
            ),
            models.CheckConstraint(
                condition=~Q(supports=models.F("pk")),
                name="body_not_own_support",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.period.name})" if self.period_id else self.name

    def get_absolute_url(self):
        return reverse("bodies:body", args=[self.period.slug, self.slug])

    @property
    def display_name(self):
        return self.short_name or self.name

    # Addresses under /perioder/<period>/ that are pages of their own, not bodies.
    RESERVED_SLUGS = {"andringar"}

    def clean(self):
        errors = {}
        if self.slug in self.RESERVED_SLUGS:
            errors["slug"] = _("Adressen är upptagen av en annan sida; välj en annan.")
        if self.parent_id and self.period_id and self.parent.period_id != self.period_id:
            errors["parent"] = _(
                "Ett organ kan bara rapportera till ett organ i samma mandatperiod."
            )
        if self.parent_id and self.pk and self.parent.is_descendant_of(self, include_self=True):
            errors["parent"] = _(
                "Ett organ kan inte rapportera till sig självt eller till ett organ under sig."
            )
        if self.supports_id:
            if self.supports_id == self.pk:
                errors["supports"] = _("Ett organ kan inte vara tjänstepersonsstöd för sig självt.")
            elif self.period_id and self.supports.period_id != self.period_id:
                errors["supports"] = _(
                    "Ett organ kan bara vara stöd för ett organ i samma mandatperiod."
                )
        if (
            self.predecessor_id
            and self.period_id
            and self.predecessor.period.start >= self.period.start
        ):
            errors["predecessor"] = _("Föregångaren måste höra till en tidigare mandatperiod.")
        if errors:
            raise ValidationError(errors)

    def composition(self, on=None):
        """Check the composition rules against the seats and who holds them on a date.

        Uses ``seats``, ``rules`` and ``member_organisations`` as prefetched by the
        caller, so a page showing many bodies stays at a fixed number of queries.
        """
        return check_composition(self, on or timezone.localdate())

    @classmethod
    def forest(cls, bodies):
        """Nest bodies listed in tree order into ``ChartNode`` roots, without queries.

        Each node also knows its path (the bodies it reports to, top first), read from
        the same list, so a filtered chart can say where a body sits.
        """
        return forest(bodies)

    def roster(self, on):
        """Who holds the body's seats on the date, grouped by organisation.

        Each ordinary seat is paired with the substitute seats that back it; a
        substitute backing no seat gets a row of its own. Reads prefetched ``seats``
        (``Seat.objects.with_appointments()``).
        """
        return roster(self, on)

    def former_appointments(self, on):
        """Public appointments to the body's seats that ended before the date, latest first."""
        former = [
            appointment
            for seat in self.seats.all()
            for appointment in seat.appointments.all()
            if appointment.end and appointment.end < on
        ]
        return sorted(former, key=lambda a: (a.end, a.start), reverse=True)


class Membership(models.Model):
    """An organisation listed among a body's member organisations.

    The organisation is protected like a seat's: deleting it would rewrite who took
    part in the body, in past periods too.
    """

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    history = RegistryHistory()

    class Meta:
        # The table the many-to-many field had before it got this model (migration 0004).
        db_table = "bodies_body_member_organisations"
        unique_together = [("body", "organisation")]
        verbose_name = _("medlemsorganisation")
        verbose_name_plural = _("medlemsorganisationer")

    def __str__(self):
        return f"{self.organisation} – {self.body}"


class CompositionRule(models.Model):
    """A composition rule: how many seats an organisation (or each member organisation) has."""

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="rules"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="composition_rules",
        null=True,
        blank=True,
        help_text=_("Lämna tomt för en regel som gäller varje medlemsorganisation."),
    )
    ordinary = models.PositiveSmallIntegerField(_("ordinarie ledamöter"), default=1)
    substitutes = models.PositiveSmallIntegerField(pgettext_lazy("count", "ersättare"), default=0)

    history = RegistryHistory()

    class Meta:
        ordering = ["body", "organisation__name"]
        verbose_name = _("sammansättningsregel")
        verbose_name_plural = _("sammansättningsregler")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "organisation"],
                name="rule_unique_per_organisation",
                violation_error_message=_("Organet har redan en regel för den här organisationen."),
            ),
            models.UniqueConstraint(
                fields=["body"],
                condition=Q(organisation__isnull=True),
                name="rule_one_general_per_body",
                violation_error_message=_(
                    "Organet har redan en regel för varje medlemsorganisation."
                ),
            ),
        ]

    def __str__(self):
        who = self.organisation.name if self.organisation_id else gettext("Varje organisation")
        return gettext("%(who)s: %(ordinary)s ordinarie, %(substitutes)s ersättare") % {
            "who": who,
            "ordinary": self.ordinary,
            "substitutes": self.substitutes,
        }


def _seat_number(prefix=""):
    """The seat's number among its body's seats of the same organisation and role.

    Counted in SQL (seats ordered by ``order`` then id), so that a filtered or searched
    list keeps the numbers the whole body gives its seats.
    """

    def outer(name):
        return OuterRef(f"{prefix}{name}")

    earlier = Seat.objects.filter(
        body=outer("body"), organisation=outer("organisation"), role=outer("role")
    ).filter(Q(order__lt=outer("order")) | Q(order=outer("order"), pk__lte=outer("pk")))
    return Subquery(
        earlier.order_by().values("body").annotate(number=models.Count("pk")).values("number")[:1]
    )


def appointment_model():
    """``members.Appointment``, found through the reverse relation ``Seat.appointments``.

    members builds on bodies, never the other way (tests/test_app_graph.py): a seat
    reads who holds it through the relation members declares, without importing it.
    """
    return Seat._meta.get_field("appointments").related_model


def _seat_holder(prefix="", on=None):
    """The name of whoever holds the seat on the day (today, kept within its period)."""
    period = f"{prefix}body__period__"
    day = Least(
        Greatest(Value(on or timezone.localdate()), OuterRef(f"{period}start")),
        OuterRef(f"{period}end"),
    )
    holding = (
        appointment_model()
        .objects.filter(seat=OuterRef(f"{prefix}pk"), start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .order_by("-start")
        .annotate(name=Concat("person__first_name", Value(" "), "person__last_name"))
    )
    return Subquery(holding.values("name")[:1], output_field=models.CharField())


class SeatQuerySet(models.QuerySet):
    def labelled(self, on=None):
        """Seats with everything ``Seat.label()`` says, in the one query of the list.

        The number within the organisation and role, the holder on the day (today by
        default, kept within the seat's period) and the same for the seat it backs.
        """
        return self.select_related("body__period", "organisation", "backs__organisation").annotate(
            label_number=_seat_number(),
            label_holder=_seat_holder(on=on),
            label_backs_number=_seat_number("backs__"),
            label_backs_holder=_seat_holder("backs__", on=on),
        )

    def numbered(self):
        """Seats with their number within organisation and role (``Seat.number()``)."""
        return self.annotate(label_number=_seat_number())

    def search(self, text):
        """Seats whose body, period, organisation, role or holder matches the text.

        Each word must match one of them: "rsr nora ersättare" or "2023 rymoén".
        """
        queryset = self
        for word in text.split():
            query = (
                casefree_contains("body__name", word)
                | casefree_contains("body__short_name", word)
                | Q(body__period__name__icontains=word)
                | casefree_contains("organisation__name", word)
                | casefree_contains("organisation__short_name", word)
                | casefree_contains("office_label", word)
            )
            roles = [
                value
                for value, label in Seat.Role.choices
                if word.lower() in str(label).lower() or word.lower() in Seat.role_word(value)
            ]
            if roles:
                query |= Q(role__in=roles)
            holders = (
                appointment_model()
                .objects.filter(
                    Q(casefree_contains("person__first_name", word))
                    | Q(casefree_contains("person__last_name", word))
                )
                .values("seat_id")
            )
            query |= Q(pk__in=holders)
            queryset = queryset.filter(query)
        return queryset

    def with_state(self, on=None):
        """Seats with ``seat_state`` (a ``SeatState`` value) on the day, in the same query.

        The day is ``on``, or today kept within each seat's period. The same rule as
        ``Seat.state_on``, in SQL: filled (an appointment, published or not, covers the
        day, or an office holds it), vacant (reported vacant by the day, or an
        appointment ended before it and nobody took over) or not known.
        """
        appointments = appointment_model().objects

        def day(ref):
            if on is not None:
                return Value(on, output_field=models.DateField())
            return Least(
                Greatest(Value(timezone.localdate()), ref("body__period__start")),
                ref("body__period__end"),
            )

        appointments = appointments.filter(seat=OuterRef("pk"))
        holding = appointments.filter(
            Q(end__isnull=True) | Q(end__gte=day(OuterRef)), start__lte=day(OuterRef)
        )
        ended = appointments.filter(end__lt=day(OuterRef))
        return self.annotate(
            seat_state=models.Case(
                models.When(~Q(office_label="") | Exists(holding), then=Value(SeatState.FILLED)),
                models.When(
                    Q(vacant_since__lte=day(models.F)) | Exists(ended),
                    then=Value(SeatState.VACANT),
                ),
                default=Value(SeatState.UNKNOWN),
                output_field=models.CharField(),
            )
        )

    def completeness(self, on=None):
        """``Completeness`` of these seats on the day (``with_state``), in one query."""
        counts = (
            self.with_state(on)
            .order_by()
            .aggregate(
                total=models.Count("pk"),
                registered=models.Count("pk", filter=~Q(seat_state=SeatState.UNKNOWN)),
                vacant=models.Count("pk", filter=Q(seat_state=SeatState.VACANT)),
            )
        )
        return Completeness(**counts)

    def with_appointments(self, officer_terms=False):
        """Seats with their holders, ready for a roster, in a fixed number of queries;
        with ``officer_terms`` also the holders' dated roles (one query more)."""
        appointments = appointment_model().objects
        holders = appointments.public().select_related("person__party")
        if officer_terms:
            holders = holders.prefetch_related("officer_terms")
        # Unpublished holders are fetched apart, with dates only, so that a seat they
        # hold is not reported vacant while their names never reach a template.
        return self.select_related("organisation", "backs").prefetch_related(
            models.Prefetch("appointments", queryset=holders),
            models.Prefetch(
                "appointments",
                queryset=appointments.unpublished().only("seat_id", "start", "end"),
                to_attr="unpublished_appointments",
            ),
        )


class Seat(models.Model):
    """A place in a body held by an organisation: ordinary or substitute."""

    class Role(models.TextChoices):
        ORDINARY = "ordinary", _("ordinarie ledamot")
        SUBSTITUTE = "substitute", _("ersättare")

    class Position(models.TextChoices):
        CHAIR = "chair", _("ordförande")
        VICE_CHAIR = "vice_chair", _("vice ordförande")
        MEMBER = "member", _("ledamot")
        SECRETARY = "secretary", _("sekreterare")
        CO_OPTED = "co_opted", _("adjungerad")

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="seats"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="seats"
    )
    role = models.CharField(
        _("platstyp"), max_length=12, choices=Role.choices, default=Role.ORDINARY
    )
    position = models.CharField(
        _("roll"), max_length=12, choices=Position.choices, default=Position.MEMBER
    )
    backs = models.ForeignKey(
        "self",
        verbose_name=_("ersättare för"),
        on_delete=models.SET_NULL,
        related_name="substitutes",
        null=True,
        blank=True,
        help_text=_("Den ordinarie plats som ersättaren går in för."),
    )
    office_label = models.CharField(
        _("innehas av befattning"),
        max_length=200,
        blank=True,
        help_text=_(
            "Till exempel ”kommundirektör, Askersunds kommun”; visas när ingen person är angiven."
        ),
    )
    # Why a date and not a flag: "vakant" is something the secretary learns at a time
    # (the organisation reports that it has not named anyone); before that an empty seat
    # is only "uppgift saknas".
    vacant_since = models.DateField(
        _("vakant sedan"),
        null=True,
        blank=True,
        help_text=_(
            "Fyll i när organisationen har meddelat att ingen är utsedd. Tomt: en plats "
            "utan innehavare visas som ”uppgift saknas”, inte som vakant."
        ),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True, db_index=True)

    objects = SeatQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        ordering = ["body", "organisation__name", "order", "pk"]
        verbose_name = _("plats")
        verbose_name_plural = _("platser")
        constraints = [
            models.CheckConstraint(
                condition=Q(backs__isnull=True) | Q(role="substitute"),
                name="seat_only_substitute_backs",
                violation_error_message=_(
                    "Bara en ersättarplats kan vara ersättare för en ordinarie plats."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(backs=models.F("pk")),
                name="seat_not_backing_itself",
            ),
        ]

    def __str__(self):
        return self.label()

    @staticmethod
    def role_word(role):
        """The role as a label says it: "ordinarie" or "ersättare"."""
        if role == Seat.Role.ORDINARY:
            return gettext("ordinarie")
        return gettext("ersättare")

    def number(self):
        """The seat's number among its body's seats of the same organisation and role."""
        number = getattr(self, "label_number", None)
        if number is None and self.pk and self.body_id:
            number = self._numbered(self)
        return number

    @staticmethod
    def _numbered(seat):
        return (
            Seat.objects.filter(
                body_id=seat.body_id, organisation_id=seat.organisation_id, role=seat.role
            )
            .filter(Q(order__lt=seat.order) | Q(order=seat.order, pk__lte=seat.pk))
            .count()
        )

    def holder_name(self, on=None):
        """Whoever holds the seat on the day (today, kept within the period), or ""."""
        if hasattr(self, "label_holder") and on is None:
            return self.label_holder or ""
        if not self.pk:
            return ""
        day = on or self.body.period.default_day()
        appointment = (
            self.appointments.current(on=day).select_related("person").order_by("-start").first()
        )
        return appointment.person.full_name if appointment else ""

    def role_text(self):
        """ "ordinarie 2" or "ersättare 1, ordförande": the seat among its organisation's."""
        number = self.number()
        text = f"{self.role_word(self.role)} {number}" if number else self.role_word(self.role)
        if self.position != self.Position.MEMBER:
            text += f", {self.get_position_display()}"
        return text

    def short_label(self):
        """The seat within its body: "Nora kommun · ordinarie 2 (Tom Rymoén)"."""
        return " · ".join([self.organisation.name, self._role_text()])

    def label(self):
        """The seat as people can tell it apart from every other, everywhere in the admin.

        "RSR 2023–2026 · Nora kommun · ordinarie 2 (Tom Rymoén)": body, period,
        organisation, role and number, and who holds it today (or "vakant"); a
        substitute seat also says whom it backs. ``Seat.objects.labelled()`` fetches
        all of it with the seats; a seat fetched otherwise asks for it (a few queries).
        """
        if not (self.body_id and self.organisation_id):
            return gettext("ny plats")
        head = f"{self.body.display_name} {self.body.period.name}"
        return " · ".join([head, self.short_label()])

    def _role_text(self):
        text = self._seat_text(self, self.number(), self.holder_name())
        if self.role == self.Role.SUBSTITUTE and self.backs_id:
            backs = self.backs
            if hasattr(self, "label_backs_number"):
                number, holder = self.label_backs_number, self.label_backs_holder or ""
            else:
                number, holder = backs.number(), backs.holder_name()
            backed = self._seat_text(backs, number, holder)
            if backs.organisation_id != self.organisation_id:
                backed = f"{backs.organisation.name} {backed}"
            text = gettext("%(seat)s för %(backed)s") % {"seat": text, "backed": backed}
        return text

    @staticmethod
    def _seat_text(seat, number, holder):
        """ "ordinarie 2, ordförande (Tom Rymoén)" """
        word = Seat.role_word(seat.role)
        text = f"{word} {number}" if number else word
        if seat.position != Seat.Position.MEMBER:
            text += f", {seat.get_position_display()}"
        return f"{text} ({holder or seat.office_label or gettext('vakant')})"

    @property
    def counts_as_member(self):
        return self.position not in (self.Position.SECRETARY, self.Position.CO_OPTED)

    def holders_on(self, day):
        """Public appointments running on the day; reads the prefetched appointments."""
        return [a for a in self.appointments.all() if a.covers(day)]

    def held_unpublished_on(self, day):
        """Whether someone not published holds the seat on the day (names stay hidden)."""
        return any(a.covers(day) for a in self._unpublished())

    def _unpublished(self):
        hidden = getattr(self, "unpublished_appointments", None)
        if hidden is None:
            hidden = self.appointments.unpublished()
        return hidden

    def is_filled_on(self, day):
        """Held on the day by someone (published or not), or by an office."""
        return bool(self.office_label or self.holders_on(day) or self.held_unpublished_on(day))

    def is_vacant_on(self, day):
        """Known to be empty on the day: reported vacant, or an appointment ended before it
        and nobody took over. An empty seat the registry knows nothing about is not vacant
        but "uppgift saknas" (``state_on``)."""
        if self.is_filled_on(day):
            return False
        if self.vacant_since and self.vacant_since <= day:
            return True
        ended = [*self.appointments.all(), *self._unpublished()]
        return any(a.end is not None and a.end < day for a in ended)

    def state_on(self, day):
        """The seat on the day as a ``SeatState``: filled, vacant or not known."""
        if self.is_filled_on(day):
            return SeatState.FILLED
        return SeatState.VACANT if self.is_vacant_on(day) else SeatState.UNKNOWN

    def clean(self):
        if self.vacant_since and self.body_id and not self.body.period.contains(self.vacant_since):
            period = self.body.period
            raise ValidationError(
                {
                    "vacant_since": gettext(
                        "Datumet måste ligga inom mandatperioden %(period)s (%(start)s–%(end)s)."
                    )
                    % {
                        "period": period.name,
                        "start": formats.date_format(period.start),
                        "end": formats.date_format(period.end),
                    }
                }
            )
        if self.backs_id:
            if self.role != self.Role.SUBSTITUTE:
                raise ValidationError(
                    {"backs": _("Bara en ersättarplats kan vara ersättare för en ordinarie plats.")}
                )
            if self.backs.role != self.Role.ORDINARY:
                raise ValidationError(
                    {"backs": _("En ersättare kan bara gå in för en ordinarie plats.")}
                )
            if self.body_id and self.backs.body_id != self.body_id:
                raise ValidationError(
                    {"backs": _("Den ordinarie platsen måste höra till samma organ.")}
                )
        if self.role == self.Role.SUBSTITUTE and not self.counts_as_member:
            raise ValidationError(
                {"position": _("En sekreterare eller adjungerad kan inte ha en ersättarplats.")}
            )


def casefree_contains(field_name, text):
    """A ``Q`` for "field contains text", ignoring case also for å, ä, ö on SQLite.

    SQLite's LIKE folds only ASCII letters, so ask for the usual spellings of the
    text too (as typed, lower case, upper case, capitalised, title case).
    """
    variants = {text, text.lower(), text.upper(), text.capitalize(), text.title()}
    query = Q()
    for variant in sorted(variants):
        query |= Q(**{f"{field_name}__icontains": variant})
    return query


class ChangeStamp(models.Model):
    """The registry's change stamp: one row, bumped in the same transaction as any write.

    Database triggers on every registry table bump it (``bodies/stamp.py``), so admin
    saves, imports, bulk writes and raw SQL all count; public pages are cached and
    answered with 304 under it.
    """

    version = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ändringsstämpel")
        verbose_name_plural = _("ändringsstämplar")

    def __str__(self):
        return f"{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

    @classmethod
    def read(cls):
        """The current stamp (one query); made on first use after a flush.

        Every public request reads it (samverkan/public_cache.py), so the query is
        written out: building it with the ORM costs several times the query itself.
        """
        connection = connections[cls.objects.db]
        with connection.cursor() as cursor:
            # The row's number is written in: a parameter costs more than the query.
            cursor.execute(
                f'SELECT "id", "version", "changed_at" FROM "{cls._meta.db_table}" WHERE "id" = 1'
            )
            row = cursor.fetchone()
        if row is None:
            return cls.objects.get_or_create(pk=1)[0]
        pk, version, changed_at = row
        if not isinstance(changed_at, datetime.datetime) or changed_at.tzinfo is None:
            # SQLite gives text or a naive time: converted as the ORM would.
            field = cls._meta.get_field("changed_at")
            column = field.get_col(cls._meta.db_table)
            for convert in connection.ops.get_db_converters(column):
                changed_at = convert(changed_at, column, connection)
        return cls.from_db(connection.alias, None, [pk, version, changed_at])


from bodies.import_job import ImportJob  # noqa: E402,F401  (the model lives with its use)
