"""The secretary's tool for meetings: agenda, decisions, attendance, minutes.

A new meeting opened from a body page (``?body=<id>&datum=2022-09-29``) has its
attendance list filled in from the seats held on that day; an existing meeting
without attendance gets the same list when opened. Contradictions in the record
are shown as warnings on the meeting and collected by the "Behöver åtgärdas" filter.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bodies.admin_rights import RegistryAdmin, RegistryInline, perm_name
from bodies.models import Body
from bodies.rights import open_periods_q
from meetings.models import (
    Adjuster,
    AgendaItem,
    Attachment,
    Attendance,
    Decision,
    DecisionResponse,
    Meeting,
    ReportingDuty,
)
from meetings.privacy import UnpublishedNames

CONFIRM_NAMES = "confirm_names"

WARNING_FLAGS = {
    "chair_absent": _("ordföranden frånvarande"),
    "secretary_absent": _("sekreteraren frånvarande"),
    "adjuster_absent": _("justerare frånvarande"),
    "substitute_while_present": _("ersättare tjänstgör för närvarande ledamot"),
    "attendance_without_seat": _("närvaro utan plats"),
    "still_planned": _("passerat men planerat"),
}


class ChooseBodyForm(forms.Form):
    """The first step of a new meeting: whose meeting, which day (sent as GET)."""

    body = forms.ModelChoiceField(label=_("Organ"), queryset=Body.objects.none())
    datum = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies


class AttentionFilter(admin.SimpleListFilter):
    title = _("behöver åtgärdas")
    parameter_name = "att_atgarda"

    def lookups(self, request, model_admin):
        return [("ja", _("Ja, motsägelser eller ej avslutade"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.needing_attention()
        return queryset


class ConfirmNamesForm(forms.ModelForm):
    confirm_names = forms.BooleanField(
        label=_("Bekräfta att namnen får visas"),
        required=False,
        help_text=_(
            "Texterna nämner personer som inte är publicerade i registret. Kryssa i när du "
            "har kontrollerat att namnen får visas publikt; texterna publiceras då när du "
            "sparar."
        ),
    )


class FreeTextPrivacyMixin:
    """Warn about free text naming unpublished people; let the secretary confirm it.

    See meetings/privacy.py. ``text_parts(obj)`` are the objects whose texts one change
    form edits (a meeting: itself, its agenda items and their attachments). The warning
    is shown on the change form and after saving; confirming (the checkbox on the form,
    or the action on the list) needs the right to change each part, by the rules.
    """

    form = ConfirmNamesForm

    def text_parts(self, obj):
        return [obj]

    def part_label(self, part):
        if isinstance(part, Meeting):
            return gettext("mötet")
        if isinstance(part, AgendaItem):
            return gettext("ärende %(number)s") % {"number": part.number}
        if isinstance(part, Decision):
            return gettext("beslut %(number)s") % {"number": part.number}
        return gettext("bilagan ”%(title)s”") % {"title": part.title}

    def names_to_confirm(self, obj, names):
        """``(part, [unconfirmed names])`` for each part whose text would be hidden."""
        found = []
        for part in self.text_parts(obj):
            unconfirmed = part.unconfirmed_names(names)
            if unconfirmed:
                found.append((part, unconfirmed))
        return found

    def warn_about_names(self, request, obj, names):
        for part, unconfirmed in self.names_to_confirm(obj, names):
            messages.warning(
                request,
                gettext(
                    "Texten i %(where)s nämner %(names)s, som inte är publicerad i registret. "
                    "Texten visas inte på den publika mötessidan, i protokollet, i API:t eller "
                    "i kalenderflödet förrän du bekräftar att namnen får visas."
                )
                % {"where": self.part_label(part), "names": ", ".join(unconfirmed)},
            )

    def confirm_names_of(self, request, obj, names):
        """Confirm the names in every part the user may change; the names confirmed."""
        confirmed = set()
        for part in self.text_parts(obj):
            if not request.user.has_perm(perm_name(part._meta, "change"), part):
                raise PermissionDenied
            unconfirmed = part.unconfirmed_names(names)
            if unconfirmed:
                part._change_reason = gettext("Bekräftat att namnen får visas: %(names)s.") % {
                    "names": ", ".join(unconfirmed)
                }
                confirmed.update(part.confirm_names(names))
        return sorted(confirmed)

    def privacy_fieldsets(self, request, obj):
        """The checkbox, for someone who may change the object, while there is a name
        to confirm."""
        if (
            obj is not None
            and self.has_change_permission(request, obj)
            and self.names_to_confirm(obj, UnpublishedNames())
        ):
            return [(_("Namn på opublicerade personer"), {"fields": [CONFIRM_NAMES]})]
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                self.warn_about_names(request, obj, UnpublishedNames())
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        names = UnpublishedNames()
        if form.cleaned_data.get(CONFIRM_NAMES):
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            confirmed = self.confirm_names_of(request, obj, names)
            if confirmed:
                messages.success(
                    request,
                    gettext("Namnen får nu visas: %(names)s.") % {"names": ", ".join(confirmed)},
                )
        self.warn_about_names(request, obj, names)

    @admin.action(description=_("Bekräfta att namnen får visas"), permissions=["change"])
    def confirm_names_action(self, request, queryset):
        objects = list(queryset)
        for obj in objects:
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        names = UnpublishedNames()
        confirmed = set()
        for obj in objects:
            confirmed.update(self.confirm_names_of(request, obj, names))
        if confirmed:
            names = ", ".join(sorted(confirmed))
            messages.success(request, gettext("Namnen får nu visas: %(names)s.") % {"names": names})
        else:
            messages.info(request, gettext("Texterna nämnde inga namn som behövde bekräftas."))


class AgendaItemInline(RegistryInline, admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = (("number", "title"), "presenters", "text", "decision", "reports_on")
    autocomplete_fields = ("reports_on",)
    show_change_link = True
    verbose_name_plural = _("dagordning och beslut")


class DecisionInline(RegistryInline, admin.StackedInline):
    """The meeting's decisions, numbered per body and year when saved."""

    model = Decision
    extra = 0
    fields = (
        ("serial", "kind", "status"),
        "title",
        "agenda_item",
        "text",
        "addressee",
    )
    show_change_link = True
    verbose_name_plural = _("beslut och rekommendationer (med nummer och uppföljning)")

    def get_formset(self, request, obj=None, **kwargs):
        self._meeting = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            meeting = getattr(self, "_meeting", None)
            kwargs["queryset"] = (
                AgendaItem.objects.filter(meeting=meeting)
                if meeting is not None and meeting.pk
                else AgendaItem.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AttendanceForm(forms.ModelForm):
    """One row of the attendance grid; a row filled in from the roster counts as typed."""

    class Meta:
        model = Attendance
        fields = ("person", "role", "status", "replaces", "organisation")
        widgets = {"status": forms.RadioSelect, "role": forms.Select}

    def has_changed(self):
        # A pre-filled roster row is saved as shown even if the secretary did not touch it.
        return super().has_changed() or bool(self.initial.get("person"))


class AttendanceInline(RegistryInline, admin.TabularInline):
    model = Attendance
    form = AttendanceForm
    fk_name = "meeting"
    autocomplete_fields = ("person", "replaces", "organisation")
    verbose_name_plural = _("närvaro (ledamöter, ersättare och övriga deltagare)")

    def get_extra(self, request, obj=None, **kwargs):
        return len(roster_initial(request, obj)) + 3


class AdjusterInline(RegistryInline, admin.TabularInline):
    model = Adjuster
    autocomplete_fields = ("person",)
    extra = 2
    verbose_name_plural = _("justerare (jämte ordföranden)")


def roster_day(request, obj):
    """The day whose seat holders fill a new meeting's attendance list."""
    if obj is not None:
        return obj.day
    try:
        return datetime.date.fromisoformat(request.GET.get("datum", ""))
    except ValueError:
        return timezone.localdate()


def roster_initial(request, obj):
    """Initial attendance rows from the roster: for a new meeting with ``?body=``, or a
    meeting that has no attendance yet. Cached on the request (asked twice per page)."""
    cached = getattr(request, "_meeting_roster_initial", None)
    if cached is not None:
        return cached
    rows = []
    if request.method == "GET":
        meeting = None
        if obj is not None and obj.pk and not obj.attendances.exists():
            meeting = obj
        elif obj is None and request.GET.get("body", "").isdigit():
            body = Body.objects.filter(pk=request.GET["body"]).select_related("period").first()
            # Only for a body whose meetings the user keeps: the roster names people.
            if body and request.user.has_perm("meetings.add_meeting", Meeting(body=body)):
                day = roster_day(request, None)
                start = datetime.datetime.combine(
                    day, datetime.time(9), timezone.get_current_timezone()
                )
                meeting = Meeting(body=body, start=start, end=start)
        if meeting is not None:
            rows = [
                {
                    "person": row.person_id,
                    "role": row.role,
                    "status": row.status,
                    "organisation": row.organisation_id,
                }
                for row in meeting.default_attendance()
            ]
    request._meeting_roster_initial = rows
    return rows


@admin.register(Meeting)
class MeetingAdmin(FreeTextPrivacyMixin, RegistryAdmin):
    list_display = ("__str__", "body_link", "status", "place", "has_minutes", "warning_labels")
    list_filter = (AttentionFilter, "status", "body__period")
    list_select_related = ("body__period",)
    search_fields = ("body__name", "body__short_name", "place")
    date_hierarchy = "start"
    ordering = ("-start",)
    autocomplete_fields = ("body", "chair", "secretary")
    inlines = (AgendaItemInline, DecisionInline, AttendanceInline, AdjusterInline)
    readonly_fields = ("warnings_display", "public_link")
    save_on_top = True
    actions = ("confirm_names_action",)

    fieldsets = (
        (None, {"fields": ("body", ("start", "end"), "place", "status", "note")}),
        (
            _("Protokoll"),
            {"fields": ("chair", "secretary", "minutes_approved_on", "minutes")},
        ),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = self.privacy_fieldsets(request, obj)
        if obj is None:
            return [*fieldsets, *self.fieldsets]
        checks = (_("Att kontrollera"), {"fields": ("warnings_display", "public_link")})
        return self.with_change_reason(request, obj, [*fieldsets, checks, *self.fieldsets])

    def text_parts(self, obj):
        items = list(obj.agenda_items.prefetch_related("attachments"))
        attachments = [a for item in items for a in item.attachments.all()]
        return [obj, *items, *attachments, *obj.decisions.select_related("body")]

    def get_queryset(self, request):
        return super().get_queryset(request).with_warning_flags()

    def scope(self, request, queryset):
        """Meetings of the meeting secretary's bodies, in open periods."""
        return queryset.filter(
            open_periods_q("body__period__"), body__in=self.roles(request).body_ids
        )

    def period_of(self, obj):
        return obj.body.period

    def add_view(self, request, form_url="", extra_context=None):
        """A new meeting starts by choosing body and date: the form then comes filled in
        with the attendance list from the roster on that day (no first save needed)."""
        wants_choice = not (
            request.GET.get("body") or request.GET.get("steg") or IS_POPUP_VAR in request.GET
        )
        if request.method == "GET" and wants_choice and self.has_add_permission(request):
            return self.choose_body_view(request)
        return super().add_view(request, form_url, extra_context)

    def choose_body_view(self, request):
        bodies = Body.objects.select_related("period").order_by("-period__start", "tree_id", "lft")
        if not self.roles(request).registry_secretary:
            bodies = bodies.filter(pk__in=self.roles(request).body_ids).filter(
                open_periods_q("period__")
            )
        form = ChooseBodyForm(bodies=bodies, initial={"datum": timezone.localdate()})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Registrera möte: välj organ och datum"),
            "form": form,
            "skip_url": f"{reverse('admin:meetings_meeting_add')}?steg=formular",
        }
        return TemplateResponse(request, "admin/meetings/meeting/choose_body.html", context)

    def get_changeform_initial_data(self, request):
        """A meeting started from a body page: the body, and 09.00–12.00 on the day."""
        initial = super().get_changeform_initial_data(request)
        if request.GET.get("body", "").isdigit():
            initial["body"] = request.GET["body"]
        day = roster_day(request, None)
        tz = timezone.get_current_timezone()
        initial.setdefault("start", datetime.datetime.combine(day, datetime.time(9), tz))
        initial.setdefault("end", datetime.datetime.combine(day, datetime.time(12), tz))
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AttendanceInline):
            initial = roster_initial(request, obj)
            if initial:
                kwargs["initial"] = initial
        return kwargs

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            meeting = self.get_object(request, object_id)
            if meeting is not None:
                for warning in meeting.warnings():
                    messages.warning(request, warning)
                if roster_initial(request, meeting):
                    messages.info(
                        request,
                        gettext(
                            "Närvarolistan är ifylld från ledamotslistan den %(day)s. "
                            "Kontrollera och spara."
                        )
                        % {"day": formats.date_format(meeting.day, "j F Y")},
                    )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("organ"), ordering="body__name")
    def body_link(self, obj):
        return f"{obj.body.display_name} ({obj.body.period.name})"

    @admin.display(description=_("protokoll"), boolean=True)
    def has_minutes(self, obj):
        return bool(obj.minutes)

    @admin.display(description=_("att kontrollera"))
    def warning_labels(self, obj):
        labels = [str(label) for flag, label in WARNING_FLAGS.items() if getattr(obj, flag, False)]
        return ", ".join(labels) or "–"

    @admin.display(description=_("varningar"))
    def warnings_display(self, obj):
        warnings = obj.warnings() if obj and obj.pk else []
        if not warnings:
            return gettext("Inga motsägelser hittades.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in warnings))
        )

    @admin.display(description=_("publik sida"))
    def public_link(self, obj):
        if not obj or not obj.pk:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), gettext("Visa mötessidan")
        )


class AttachmentInline(RegistryInline, admin.TabularInline):
    model = Attachment
    extra = 1
    fields = ("title", "document")


@admin.register(AgendaItem)
class AgendaItemAdmin(FreeTextPrivacyMixin, RegistryAdmin):
    list_display = ("__str__", "meeting", "has_decision", "reports_on")
    list_select_related = ("meeting__body__period", "reports_on__period")
    search_fields = ("title", "decision", "meeting__body__name")
    autocomplete_fields = ("meeting", "reports_on")
    inlines = (AttachmentInline,)
    actions = ("confirm_names_action",)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != CONFIRM_NAMES]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [*self.privacy_fieldsets(request, obj), *fieldsets]

    def text_parts(self, obj):
        return [obj, *obj.attachments.all()]

    def scope(self, request, queryset):
        return queryset.filter(
            open_periods_q("meeting__body__period__"),
            meeting__body__in=self.roles(request).body_ids,
        )

    def period_of(self, obj):
        return obj.meeting.body.period

    @admin.display(description=_("beslut"), boolean=True)
    def has_decision(self, obj):
        return bool(obj.decision)


class DecisionResponseInline(RegistryInline, admin.TabularInline):
    model = DecisionResponse
    extra = 0
    fields = ("organisation", "status", "decided_on", "reference")
    autocomplete_fields = ("organisation",)
    verbose_name_plural = _("uppföljning per organisation (för en rekommendation)")


@admin.register(Decision)
class DecisionAdmin(FreeTextPrivacyMixin, RegistryAdmin):
    list_display = ("number_display", "title", "kind", "status", "follow_up", "meeting")
    list_filter = ("kind", "status", "body__period")
    list_select_related = ("body__period", "meeting__body")
    search_fields = ("title", "text", "addressee", "body__name", "body__short_name")
    autocomplete_fields = ("meeting", "agenda_item")
    inlines = (DecisionResponseInline,)
    actions = ("address_seat_holders", "confirm_names_action")
    ordering = ("-year", "body__name", "-serial")
    fieldsets = (
        (None, {"fields": ("meeting", "agenda_item", ("serial", "kind"), "title", "text")}),
        (_("Mottagare och uppföljning"), {"fields": ("addressee", "status", "follow_up_note")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_follow_up()

    def get_fieldsets(self, request, obj=None):
        return [*self.privacy_fieldsets(request, obj), *self.fieldsets]

    def scope(self, request, queryset):
        """Decisions of the meeting secretary's bodies, in open periods."""
        return queryset.filter(
            open_periods_q("body__period__"), body__in=self.roles(request).body_ids
        )

    def period_of(self, obj):
        return obj.body.period

    @admin.display(description=_("nummer"), ordering="serial")
    def number_display(self, obj):
        return obj.number

    @admin.display(description=_("organisationernas beslut"))
    def follow_up(self, obj):
        return obj.follow_up_summary() or "–"

    @admin.action(
        description=_("Lägg till organisationerna med plats i organet som mottagare"),
        permissions=["change"],
    )
    def address_seat_holders(self, request, queryset):
        added = 0
        for decision in queryset.select_related("meeting__body__period"):
            if not self.has_change_permission(request, decision):
                raise PermissionDenied
            added += decision.address_seat_holders()
        messages.success(
            request,
            gettext("%(count)s organisationer lades till i uppföljningen.") % {"count": added},
        )


@admin.register(ReportingDuty)
class ReportingDutyAdmin(RegistryAdmin):
    list_display = ("body", "reports_to", "times_per_year", "last_report")
    list_select_related = ("body__period", "reports_to__period")
    list_filter = ("body__period",)
    search_fields = ("body__name", "reports_to__name")
    autocomplete_fields = ("body", "reports_to")

    def get_queryset(self, request):
        return super().get_queryset(request).with_last_report()

    @admin.display(description=_("senast återrapporterat"))
    def last_report(self, obj):
        if not obj.last_reported:
            return "–"
        return timezone.localtime(obj.last_reported).date()


def meeting_admin_url(body):
    """The admin address for a new meeting of the body (for the body page's link)."""
    return f"{reverse('admin:meetings_meeting_add')}?body={body.pk}"
