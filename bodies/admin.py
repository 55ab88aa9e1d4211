"""The secretary's tool for the structure: periods, organisations, bodies and seats."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from mptt.admin import DraggableMPTTAdmin
from mptt.exceptions import InvalidMove

from bodies import services
from bodies.admin_lookups import PK, chosen_pk
from bodies.admin_rights import RegistryAdmin, RegistryInline, concurrent_save_message
from bodies.forms import (
    BodyForm,
    CarryForwardForm,
    LockForm,
    MarkDecidedForm,
    SeatForm,
    UnlockForm,
    backs_choice_label,
    seat_choice_label,
)
from bodies.history import ChangeSet
from bodies.models import (
    Body,
    CompositionRule,
    CountyPart,
    MandatePeriod,
    Membership,
    Organisation,
    Seat,
    appointment_model,
)
from bodies.rights import open_periods_q

admin.site.site_header = _("Samverkan – administration")
admin.site.site_title = _("Samverkan")
admin.site.index_title = _("Register över samverkansorganisationen")


def reference_day(period):
    """The day whose holders the admin shows: today, kept within the period."""
    return min(max(timezone.localdate(), period.start), period.end)


def admin_link(obj, text=None):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else obj)


def holders_text(seat):
    """Who holds the seat on the period's reference day (reads prefetched appointments)."""
    day = reference_day(seat.body.period)
    holders = seat.holders_on(day)
    if holders:
        return ", ".join(appointment.person.full_name for appointment in holders)
    if seat.office_label:
        return seat.office_label
    return gettext("Vakant") if seat.is_vacant_on(day) else gettext("Uppgift saknas")


def bodies_of_period_url(period):
    """The bodies' changelist filtered to the period (the filter's own parameter)."""
    return (
        f"{reverse('admin:bodies_body_changelist')}?{PeriodListFilter.parameter_name}={period.pk}"
    )


class PeriodListFilter(admin.SimpleListFilter):
    """Filter by mandate period; without a choice the current period is shown.

    "Alla" is an explicit choice (``?period=all``) so that the default can apply
    when no parameter is given and the filter still stays visible and usable.
    """

    title = _("mandatperiod")
    parameter_name = "period"
    field_path = "period"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        current = MandatePeriod.objects.current()
        self.default = str(current.pk) if current else self.ALL

    def lookups(self, request, model_admin):
        return [
            (
                str(period.pk),
                gettext("%(name)s (förslag)") % {"name": period.name}
                if period.is_proposed
                else period.name,
            )
            for period in MandatePeriod.objects.all()
        ]

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        return queryset.filter(**{self.field_path: chosen_pk(value)})

    def choices(self, changelist):
        value = self.value()
        yield {
            "selected": value == self.ALL,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": gettext("Alla"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class SeatPeriodListFilter(PeriodListFilter):
    """The period filter for models that reach the period through their body."""

    field_path = "body__period"


class BodyListFilter(admin.SimpleListFilter):
    """Filter by body, offering the bodies of the period chosen in the period filter."""

    title = _("organ")
    parameter_name = "body"
    field_path = "body"

    def lookups(self, request, model_admin):
        period = request.GET.get(PeriodListFilter.parameter_name)
        if period is None:
            current = MandatePeriod.objects.current()
            period = str(current.pk) if current else PeriodListFilter.ALL
        bodies = Body.objects.select_related("period").order_by("tree_id", "lft")
        if PK.fullmatch(period):
            return [(str(body.pk), body.name) for body in bodies.filter(period_id=period)]
        return [(str(body.pk), str(body)) for body in bodies]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_path: chosen_pk(self.value())})
        return queryset


class PrefetchingChangeListMixin:
    """Prefetch what the changelist's columns read, without touching other views."""

    changelist_prefetch_related = ()

    def get_changelist(self, request, **kwargs):
        lookups = self.changelist_prefetch_related

        class PrefetchingChangeList(super().get_changelist(request, **kwargs)):
            def get_queryset(self, request, exclude_parameters=None):
                queryset = super().get_queryset(request, exclude_parameters)
                return queryset.prefetch_related(*lookups)

        return PrefetchingChangeList


def _holder_prefetches():
    """A seat's appointments for the admin: everyone, published or not, with names.

    ``Seat.is_vacant_on()`` also reads ``unpublished_appointments``; prefetching it
    keeps the composition check at a fixed number of queries.
    """
    appointments = appointment_model().objects
    return (
        Prefetch("appointments", queryset=appointments.select_related("person")),
        Prefetch(
            "appointments",
            queryset=appointments.unpublished().only("seat_id", "start", "end"),
            to_attr="unpublished_appointments",
        ),
    )


def _seats_with_holders():
    return Prefetch(
        "seats",
        queryset=Seat.objects.select_related("organisation").prefetch_related(
            *_holder_prefetches()
        ),
    )


def composition_status_text(report):
    """A short status for the changelist, e.g. "3 vakanta, 2 platser saknas"."""
    parts = []
    if report.vacant:
        count = len(report.vacant)
        parts.append(ngettext("%(count)s vakant", "%(count)s vakanta", count) % {"count": count})
    if report.unknown:
        count = len(report.unknown)
        parts.append(
            ngettext("%(count)s utan uppgift", "%(count)s utan uppgift", count) % {"count": count}
        )
    missing = sum(item.ordinary + item.substitutes for item in report.missing)
    if missing:
        parts.append(
            ngettext("%(count)s plats saknas", "%(count)s platser saknas", missing)
            % {"count": missing}
        )
    if report.too_few_members:
        count = report.too_few_members
        parts.append(
            ngettext("%(count)s ledamot för lite", "%(count)s ledamöter för få", count)
            % {"count": count}
        )
    if parts:
        return ", ".join(parts)
    return gettext("Komplett") if report.seats else gettext("Inga platser")


@admin.register(CountyPart)
class CountyPartAdmin(RegistryAdmin):
    list_display = ("name", "order")
    list_editable = ("order",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Organisation)
class OrganisationAdmin(RegistryAdmin):
    list_display = ("name", "short_name", "kind", "code", "county_part")
    list_filter = ("kind", "county_part")
    list_select_related = ("county_part",)
    search_fields = ("name", "short_name", "code")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "short_name", "slug", "kind", "code", "county_part")

    def choosable(self, request, queryset, field):
        # A meeting secretary names the organisation any participant represented;
        # an organisation editor keeps people of their own organisations only.
        roles = self.roles(request)
        if roles.is_meeting_secretary:
            return queryset
        return queryset.filter(pk__in=roles.organisation_ids)


@admin.register(MandatePeriod)
class MandatePeriodAdmin(RegistryAdmin):
    list_display = (
        "name",
        "status",
        "editing_status",
        "start",
        "end",
        "body_count",
        "decision_reference",
    )
    list_filter = ("status",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "status", "start", "end", "decision_reference", "decided_on")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(body_count=Count("bodies"))

    def get_readonly_fields(self, request, obj=None):
        # A proposal becomes decided through "Markera som beslutad", which asks for
        # the decision; the status is not flipped in passing.
        return ("status", "decided_on") if obj else ()

    def period_of(self, obj):
        return obj

    @admin.display(description=_("antal organ"), ordering="body_count")
    def body_count(self, period):
        return period.body_count

    @admin.display(description=_("redigering"))
    def editing_status(self, period):
        return period.get_editing_status_display()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The period's page lists the change sets that touched it, newest first: its own,
        and imports that wrote bodies of it (an import names its newest period)."""
        wrote_bodies = Body.history.filter(change_set=OuterRef("pk"), period_id=object_id)
        change_sets = ChangeSet.objects.filter(
            Q(period_id=object_id) | Exists(wrote_bodies)
        ).select_related("actor")
        extra_context = {**(extra_context or {}), "change_sets": change_sets[:50]}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        def own(route, view, name):
            return path(
                route, self.admin_site.admin_view(view), name=f"bodies_mandateperiod_{name}"
            )

        return [
            own("<int:pk>/fora-fram/", self.carry_forward_view, "carry_forward"),
            own("<int:pk>/besluta/", self.mark_decided_view, "mark_decided"),
            own("<int:pk>/las/", self.lock_view, "lock"),
            own("<int:pk>/las-upp/", self.unlock_view, "unlock"),
            own("<int:pk>/andringar/<int:change_set>/", self.change_set_view, "change_set"),
        ] + super().get_urls()

    def carry_forward_view(self, request, pk):
        """Create the next period from this one: one transaction, nothing on error."""
        period = get_object_or_404(MandatePeriod, pk=pk)
        # Everything a carry forward creates: the period, bodies, rules, member
        # organisations, seats and (on request) appointments.
        creates = [
            f"{app}.add_{model}"
            for app, model in [
                ("bodies", "mandateperiod"),
                ("bodies", "body"),
                ("bodies", "compositionrule"),
                ("bodies", "membership"),
                ("bodies", "seat"),
                ("members", "appointment"),
            ]
        ]
        if not request.user.has_perms(creates):
            raise PermissionDenied
        start, end = services.next_free_period_dates(period)
        name = f"{start.year}–{end.year}"
        form = CarryForwardForm(
            request.POST or None,
            period=period,
            initial={
                "name": name,
                "slug": slugify(name.replace("–", "-")),
                "start": start,
                "end": end,
            },
        )
        if request.method == "GET":
            for later in services.later_periods(period):
                # Made already (often the proposal): go there instead of a second copy.
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        gettext("%(period)s finns redan (%(status)s, %(count)s organ).")
                        % {
                            "period": later.name,
                            "status": later.get_status_display(),
                            "count": later.body_count,
                        },
                        bodies_of_period_url(later),
                        gettext("Visa organen i %(period)s") % {"period": later.name},
                    ),
                    messages.INFO,
                )
        if request.method == "POST" and form.is_valid():
            try:
                new = services.carry_forward(period, **form.cleaned_data, actor=request.user)
            except ValidationError as error:
                for field, messages_ in getattr(
                    error, "message_dict", {None: error.messages}
                ).items():
                    field = field if field in form.fields else None
                    for message in messages_:
                        form.add_error(field, message)
            except (IntegrityError, OperationalError) as error:
                message = concurrent_save_message(error)
                if message is None:
                    raise
                form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    gettext(
                        "Mandatperioden %(new)s har skapats som förslag med %(count)s organ "
                        "från %(old)s."
                    )
                    % {"new": new.name, "count": new.bodies.count(), "old": period.name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(bodies_of_period_url(new))
        return self.period_form(
            request, period, form, _("Skapa nästa mandatperiod från %(period)s")
        )

    def mark_decided_view(self, request, pk):
        period = get_object_or_404(MandatePeriod, pk=pk)
        if not self.has_change_permission(request, period):
            raise PermissionDenied
        form = MarkDecidedForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            period.mark_decided(
                form.cleaned_data["decision_reference"],
                form.cleaned_data["decided_on"],
                actor=request.user,
            )
            self.message_user(
                request,
                gettext("%(period)s är nu beslutad.") % {"period": period.name},
                messages.SUCCESS,
            )
            return self.back_to(period)
        return self.period_form(request, period, form, _("Markera %(period)s som beslutad"))

    def lock_view(self, request, pk):
        """Lock the period: from now on only the registry secretary changes it."""
        return self.lock_or_unlock(request, pk, LockForm, lock=True)

    def unlock_view(self, request, pk):
        """Open a locked period again, with a reason that the history keeps."""
        return self.lock_or_unlock(request, pk, UnlockForm, lock=False)

    def lock_or_unlock(self, request, pk, form_class, lock):
        period = get_object_or_404(MandatePeriod, pk=pk)
        if not request.user.has_perm("bodies.lock_period", period):
            raise PermissionDenied
        if period.is_locked == lock:
            return self.back_to(period)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            if lock:
                period.lock(actor=request.user, reason=reason)
                done = gettext("%(period)s är låst.")
            else:
                period.unlock(actor=request.user, reason=reason)
                done = gettext("%(period)s är upplåst.")
            self.message_user(request, done % {"period": period.name}, messages.SUCCESS)
            return self.back_to(period)
        title = _("Lås %(period)s") if lock else _("Lås upp %(period)s")
        return self.period_form(request, period, form, title)

    def change_set_view(self, request, pk, change_set):
        """One change set of the period: who, when, why, and every object it touched."""
        period = get_object_or_404(MandatePeriod, pk=pk)
        change = get_object_or_404(ChangeSet.objects.select_related("actor"), pk=change_set)
        if change.period_id != period.pk or not self.has_view_permission(request, period):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": period,
            "title": str(change),
            "change": change,
            "touched": change.touched(),
        }
        return TemplateResponse(request, "admin/bodies/mandateperiod/change_set.html", context)

    def back_to(self, period):
        return HttpResponseRedirect(reverse("admin:bodies_mandateperiod_change", args=[period.pk]))

    def period_form(self, request, period, form, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": period,
            "title": title % {"period": period.name},
            "form": form,
        }
        return TemplateResponse(request, "admin/bodies/mandateperiod/period_form.html", context)


class CompositionRuleInline(RegistryInline, admin.TabularInline):
    model = CompositionRule
    fields = ("organisation", "ordinary", "substitutes")
    autocomplete_fields = ("organisation",)
    extra = 0


class SeatInline(RegistryInline, admin.TabularInline):
    """The body's seats; people are appointed on each seat's own page (no nested inlines)."""

    model = Seat
    fk_name = "body"
    # Who holds the seat and the way to change that come first: the row is wide.
    fields = (
        "organisation",
        "role",
        "position",
        "holders",
        "appointments_link",
        "office_label",
        "backs",
        "order",
    )
    readonly_fields = ("holders", "appointments_link")
    autocomplete_fields = ("organisation",)
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation", "body__period")
            .prefetch_related(*_holder_prefetches())
            .labelled()
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            # Four icons per field and row drown the table; the full forms have them.
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        backs = formset.form.base_fields.get("backs")
        if backs is not None:
            # Only this body's ordinary seats; the choices are built once for all rows.
            ordinary = Seat.objects.none()
            if obj is not None and obj.pk:
                ordinary = Seat.objects.filter(body=obj, role=Seat.Role.ORDINARY)
            backs.queryset = ordinary
            backs.choices = [
                ("", backs.empty_label),
                *((seat.pk, backs_choice_label(seat)) for seat in ordinary.labelled()),
            ]
        return formset

    @admin.display(description=_("Innehavare"))
    def holders(self, seat):
        if seat.pk is None:
            return "–"
        return holders_text(seat)

    @admin.display(description=_("Uppdrag"))
    def appointments_link(self, seat):
        if seat.pk is None:
            return gettext("Spara först")
        return admin_link(seat, gettext("Ändra uppdrag"))


@admin.register(Body)
class BodyAdmin(PrefetchingChangeListMixin, RegistryAdmin, DraggableMPTTAdmin):
    # The composition comes before the wide text columns so that it stays in view.
    list_display = (
        "tree_actions",
        "indented_title",
        "move_buttons",
        "kind",
        "seat_count",
        "composition_status",
        "roster_link",
        "supports_name",
        "period",
    )
    list_display_links = ("indented_title",)
    list_filter = (PeriodListFilter, "kind", "county_part")
    list_select_related = ("period", "supports")
    # A tree is read in tree order: sorting by a column would scramble it.
    sortable_by = ()
    search_fields = ("name", "short_name", "period__name")
    expand_tree_by_default = True
    changelist_prefetch_related = (
        _seats_with_holders(),
        "rules__organisation",
        "member_organisations",
    )

    prepopulated_fields = {"slug": ("name",)}
    form = BodyForm
    autocomplete_fields = ("parent", "supports", "predecessor", "lead_organisation")
    readonly_fields = ("composition_report",)
    inlines = (CompositionRuleInline, SeatInline)
    fieldsets = (
        (
            _("Grunddata"),
            {
                "fields": (
                    "period",
                    "name",
                    "short_name",
                    "slug",
                    "kind",
                    "parent",
                    "supports",
                    "predecessor",
                )
            },
        ),
        (
            pgettext_lazy("body mandate", "Uppdrag"),
            {
                "fields": (
                    "purpose",
                    "legal_basis",
                    "min_meetings_per_year",
                    "public_email",
                    "closing_note",
                )
            },
        ),
        (
            _("Sammansättning"),
            {
                "fields": (
                    "members",
                    "min_members",
                    "composition_note",
                    "lead_organisation",
                    "county_part",
                    "composition_report",
                )
            },
        ),
    )

    class Media:
        # Indentation by CSS class instead of mptt's style="text-indent:…" attribute,
        # which the Content-Security-Policy (style-src 'self') blocks.
        css = {"all": ["bodies/admin/bodies.css"]}

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "period" not in initial:
            period = MandatePeriod.objects.current()
            if period is not None:
                initial["period"] = period.pk
        return initial

    def period_of(self, obj):
        return obj.period

    def choosable(self, request, queryset, field):
        """A meeting secretary picks a meeting's body among their own, in open periods;
        any body may be the one an agenda item reports on."""
        roles = self.roles(request)
        if not roles.is_meeting_secretary:
            return queryset.none()
        if field is not None and field.name == "reports_on":
            return queryset
        return queryset.filter(pk__in=roles.body_ids).filter(open_periods_q("period__"))

    def save_model(self, request, obj, form, change):
        if change and obj.pk:
            # A reverted version carries the tree fields of its day; the tree is
            # where it is now, and mptt moves the body if the parent differs.
            current = Body.objects.get(pk=obj.pk)
            for name in ("lft", "rght", "tree_id", "level"):
                setattr(obj, name, getattr(current, name))
            obj._mptt_cached_fields["parent"] = current.parent_id
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # One membership at a time, not .set(): each gets its historical record.
        body = form.instance
        chosen = set(form.cleaned_data["members"])
        for membership in body.memberships.select_related("organisation"):
            if membership.organisation not in chosen:
                membership.delete()
            chosen.discard(membership.organisation)
        for organisation in chosen:
            Membership.objects.create(body=body, organisation=organisation)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "body" and request.GET.get("field_name"):
            # Choosing a parent, supported council or predecessor: the newest periods
            # first, as that is where the secretary works (the tree order puts them last).
            queryset = queryset.order_by("-period__start", "tree_id", "lft")
        return queryset, may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            # mptt would swap in an indented tree select; the autocomplete needs none.
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Changelist columns

    @admin.display(description=_("organ"))
    def indented_title(self, body):
        level = min(body.level, 9)
        return format_html('<span class="tree-title tree-level-{}">{}</span>', level, body.name)

    @admin.display(description=_("tjänstepersonsstöd för"))
    def supports_name(self, body):
        return body.supports.display_name if body.supports_id else ""

    @admin.display(description=_("platser"))
    def seat_count(self, body):
        return len(body.seats.all())

    @admin.display(description=_("ledamöter"))
    def roster_link(self, body):
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> – {}</span></a>',
            reverse("admin:bodies_body_roster", args=[body.pk]),
            gettext("Ledamöter och ersättare"),
            body.name,
        )

    @admin.display(description=_("sammansättning"))
    def composition_status(self, body):
        return composition_status_text(body.composition(on=reference_day(body.period)))

    # Change form

    @admin.display(description=_("kontroll av sammansättningen"))
    def composition_report(self, body):
        if body.pk is None:
            return gettext("Visas när organet har sparats.")
        body = (
            Body.objects.select_related("period")
            .prefetch_related(_seats_with_holders(), "rules__organisation", "member_organisations")
            .get(pk=body.pk)
        )
        day = reference_day(body.period)
        report = body.composition(on=day)
        lines = []
        empty = [(gettext("Vakant"), seat) for seat in report.vacant] + [
            (gettext("Uppgift saknas"), seat) for seat in report.unknown
        ]
        labelled = Seat.objects.labelled(on=day).in_bulk([seat.pk for _, seat in empty])
        for text, seat in empty:
            lines.append(
                format_html(
                    "{}: {}",
                    text,
                    admin_link(seat, seat_choice_label(labelled[seat.pk])),
                )
            )
        for missing in report.missing:
            lines.append(
                gettext(
                    "Saknas: %(organisation)s – %(ordinary)s ordinarie, %(substitutes)s ersättare"
                )
                % {
                    "organisation": missing.organisation.name,
                    "ordinary": missing.ordinary,
                    "substitutes": missing.substitutes,
                }
            )
        if report.too_few_members:
            lines.append(
                gettext("Minst %(min)s ordinarie ledamöter krävs, %(count)s finns.")
                % {"min": body.min_members, "count": report.ordinary_count}
            )
        if not lines:
            lines.append(gettext("Sammansättningen är komplett."))
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            gettext("Läget den %(day)s:") % {"day": formats.date_format(day)},
            format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
        )

    def delete_selected_tree(self, modeladmin, request, queryset):
        """Bulk delete, but show Django's "protected" page instead of mptt's crash.

        mptt deletes as soon as the confirmation is posted and never checks for
        protected objects (seats, children, successors), which would end in a 500.
        """
        _deletable, _count, perms_needed, protected = self.get_deleted_objects(queryset, request)
        if protected or perms_needed:
            return delete_selected(modeladmin, request, queryset)
        return super().delete_selected_tree(modeladmin, request, queryset)

    # Drag and drop in the tree

    def _tree_context(self, request):
        context = super()._tree_context(request)
        # django-mptt ships no Swedish catalogue.
        context["messages"] = {
            "before": gettext("flytta före"),
            "child": gettext("flytta in under"),
            "after": gettext("flytta efter"),
            "collapseTree": gettext("Fäll ihop trädet"),
            "expandTree": gettext("Fäll ut trädet"),
        }
        return context

    @transaction.atomic
    def _move_node(self, request):
        """Move a body in the tree (the drag-and-drop script posts cmd=move_node here).

        Replaces mptt's version, which calls ``move_node`` without ``Body.clean()`` and
        so would put a body under a body of another mandate period, and whose
        messages are not translated. The script reloads the page after the request,
        which shows the message.
        """
        position = request.POST.get("position")
        queryset = self.get_queryset(request)
        try:
            cut_item = queryset.get(pk=request.POST.get("cut_item"))
            pasted_on = queryset.get(pk=request.POST.get("pasted_on"))
        except (Body.DoesNotExist, TypeError, ValueError):
            return self._move_failed(
                request, gettext("Organet finns inte längre. Ladda om sidan och försök igen.")
            )
        failure = self.move_body(request, cut_item, pasted_on, position)
        if failure:
            return self._move_failed(request, failure)
        return HttpResponse("OK, moved.")

    def move_body(self, request, cut_item, pasted_on, position):
        """Move ``cut_item`` beside or under ``pasted_on``: None when done, else why not.

        The one way a body moves in the tree, by drag and drop or by the keyboard
        buttons: the same right (changing the body), the same check (``Body.clean()``:
        the parent in the same period, no loops), the same history and message.
        """
        if position not in ("last-child", "left", "right"):
            return gettext("Okänd flyttinstruktion.")
        if not self.has_change_permission(request, cut_item):
            return gettext("Du får inte flytta organet.")
        if pasted_on.period_id != cut_item.period_id:
            return gettext("Ett organ kan bara rapportera till ett organ i samma mandatperiod.")

        new_parent = pasted_on if position == "last-child" else pasted_on.parent
        old_parent = cut_item.parent
        cut_item.parent = new_parent
        try:
            cut_item.clean()
        except ValidationError as error:
            return " ".join(error.messages)
        finally:
            cut_item.parent = old_parent

        before = self.get_data_before_update(request, cut_item, pasted_on)
        try:
            self.model._tree_manager.move_node(cut_item, pasted_on, position)
        except InvalidMove as error:
            return str(error)
        self.log_change(
            request,
            cut_item,
            self.get_move_node_change_message(request, cut_item, pasted_on, before),
        )
        self.message_user(request, gettext("%(body)s har flyttats.") % {"body": cut_item.name})
        return None

    # Moving with the keyboard: four buttons per row, a form that works without script

    MOVES = {
        "up": _("upp"),
        "down": _("ned"),
        "in": _("in under organet ovanför"),
        "out": _("ut en nivå"),
    }

    @admin.display(description=_("flytta"))
    def move_buttons(self, body):
        symbols = {"up": "↑", "down": "↓", "in": "→", "out": "←"}
        return format_html(
            '<span class="tree-move" id="flytta-{}">{}</span>',
            body.pk,
            format_html_join(
                "",
                '<button type="submit" form="tree-move-form" name="move" value="{}:{}" '
                'class="tree-move-button" title="{}" aria-label="{}">{}</button>',
                (
                    (
                        body.pk,
                        direction,
                        label := gettext("Flytta %(body)s %(where)s")
                        % {"body": body.name, "where": where},
                        label,
                        symbols[direction],
                    )
                    for direction, where in self.MOVES.items()
                ),
            ),
        )

    def keyboard_move_target(self, body, direction):
        """Where a keyboard move puts the body: (pasted_on, position), or None."""
        siblings = Body.objects.filter(period_id=body.period_id)
        if body.parent_id is None:
            siblings = siblings.filter(parent__isnull=True).order_by("tree_id")
            earlier = siblings.filter(tree_id__lt=body.tree_id).order_by("-tree_id").first()
            later = siblings.filter(tree_id__gt=body.tree_id).first()
        else:
            siblings = siblings.filter(parent_id=body.parent_id).order_by("lft")
            earlier = siblings.filter(lft__lt=body.lft).order_by("-lft").first()
            later = siblings.filter(lft__gt=body.lft).first()
        if direction == "up":
            return (earlier, "left") if earlier else None
        if direction == "down":
            return (later, "right") if later else None
        if direction == "in":
            return (earlier, "last-child") if earlier else None
        if direction == "out":
            return (body.parent, "right") if body.parent_id else None
        return None

    @transaction.atomic
    def keyboard_move_view(self, request):
        """The keyboard buttons of the tree post ``move=<pk>:<direction>`` here."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:bodies_body_changelist"))
        back = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = ""
        back = back or reverse("admin:bodies_body_changelist")
        pk, _sep, direction = request.POST.get("move", "").partition(":")
        body = self.get_queryset(request).filter(pk=pk).first() if pk.isdigit() else None
        if body is None or direction not in self.MOVES:
            self.message_user(
                request,
                gettext("Organet finns inte längre. Ladda om sidan och försök igen."),
                messages.ERROR,
            )
            return HttpResponseRedirect(back)
        if not self.has_change_permission(request, body):
            raise PermissionDenied
        target = self.keyboard_move_target(body, direction)
        if target is None:
            failure = gettext("%(body)s kan inte flyttas %(where)s.") % {
                "body": body.name,
                "where": self.MOVES[direction],
            }
        else:
            failure = self.move_body(request, body, *target)
        if failure:
            self.message_user(request, failure, messages.ERROR)
        return HttpResponseRedirect(f"{back.split('#')[0]}#flytta-{body.pk}")

    def get_urls(self):
        move = path(
            "flytta/",
            self.admin_site.admin_view(self.keyboard_move_view),
            name="bodies_body_keyboard_move",
        )
        return [move, *super().get_urls()]

    def _move_failed(self, request, message):
        self.message_user(request, message, level=messages.ERROR)
        return HttpResponse("FAIL, " + message)


@admin.register(Seat)
class SeatAdmin(PrefetchingChangeListMixin, RegistryAdmin):
    form = SeatForm
    list_display = ("__str__", "body", "organisation", "role", "position", "holders")
    list_filter = (
        SeatPeriodListFilter,
        BodyListFilter,
        ("organisation", admin.RelatedOnlyFieldListFilter),
        "role",
        "position",
    )
    list_select_related = ("body__period", "organisation")
    changelist_prefetch_related = _holder_prefetches()
    search_fields = (
        "body__name",
        "body__short_name",
        "body__period__name",
        "organisation__name",
        "organisation__short_name",
        "office_label",
    )
    autocomplete_fields = ("body", "organisation")

    def get_queryset(self, request):
        return super().get_queryset(request).labelled()

    def for_choices(self, queryset):
        return queryset.labelled()

    def get_search_results(self, request, queryset, search_term):
        """Body, period, organisation, role and holder, each word anywhere: "rådet nora 2"."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def get_fieldsets(self, request, obj=None):
        # A seat stays in its body: its appointments belong to that body's period.
        first = ("body_link",) if obj else ("body",)
        fields = (*first, "organisation", "role", "position", "backs", "office_label", "order")
        # Who holds it is on the appointments below; that nobody does is said here.
        fieldsets = [(None, {"fields": fields}), (_("Vakans"), {"fields": ("vacant_since",)})]
        return self.with_change_reason(request, obj, fieldsets)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.roles(request).registry_secretary:
            # An organisation editor changes who holds the seat, not the seat itself
            # (but reports that nobody does: ``vacant_since`` stays editable).
            left_out = {"body", "vacant_since"}  # a link; the editor may report a vacancy
            return ("body_link", *(f for f in SeatForm.Meta.fields if f not in left_out))
        return ("body_link",) if obj else ()

    def scope(self, request, queryset):
        """The seats of the editor's organisations in open periods."""
        return queryset.filter(
            open_periods_q("body__period__"),
            organisation__in=self.roles(request).organisation_ids,
        )

    def period_of(self, obj):
        return obj.body.period

    @admin.display(description=_("organ"))
    def body_link(self, seat):
        return admin_link(seat.body)

    @admin.display(description=_("Innehavare"))
    def holders(self, seat):
        return holders_text(seat)

    def _back_to_body(self, request, obj, response):
        """After a plain save, go back to the body's page: that is where the secretary came from."""
        plain_save = not any(
            key in request.POST for key in ("_continue", "_addanother", "_saveasnew", "_popup")
        )
        may_see_body = request.user.has_perm("bodies.view_body", obj.body)
        if plain_save and may_see_body and isinstance(response, HttpResponseRedirect):
            return HttpResponseRedirect(reverse("admin:bodies_body_change", args=[obj.body_id]))
        return response

    def response_change(self, request, obj):
        return self._back_to_body(request, obj, super().response_change(request, obj))

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._back_to_body(request, obj, response)


@admin.register(CompositionRule)
class CompositionRuleAdmin(RegistryAdmin):
    list_display = ("body", "organisation", "ordinary", "substitutes")
    list_select_related = ("body__period", "organisation")
    list_filter = (
        SeatPeriodListFilter,
        BodyListFilter,
        ("organisation", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("body__name", "organisation__name")
    autocomplete_fields = ("body", "organisation")
