"""The secretary's tool for people, parties and appointments."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bodies.admin import BodyListFilter, PeriodListFilter
from members.forms import AppointmentInlineFormSet
from members.models import Appointment, Party, Person


class AppointmentPeriodListFilter(PeriodListFilter):
    field_path = "seat__body__period"


class AppointmentBodyListFilter(BodyListFilter):
    field_path = "seat__body"


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("abbreviation", "name", "order")
    list_editable = ("order",)
    search_fields = ("abbreviation", "name")


class PersonAppointmentInline(admin.TabularInline):
    model = Appointment
    formset = AppointmentInlineFormSet
    fields = ("seat", "period", "start", "end", "appointed_by", "note")
    readonly_fields = ("period",)
    autocomplete_fields = ("seat",)
    extra = 0

    @admin.display(description=_("mandatperiod"))
    def period(self, appointment):
        return appointment.seat.body.period.name if appointment.seat_id else "–"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("seat__body__period", "seat__organisation")
            .order_by("-start")
        )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name", "party", "organisation", "title", "is_published")
    list_display_links = ("full_name",)
    list_filter = ("is_published", "party", ("organisation", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("party", "organisation")
    search_fields = ("first_name", "last_name", "title")
    prepopulated_fields = {"slug": ("first_name", "last_name")}
    autocomplete_fields = ("organisation",)
    inlines = (PersonAppointmentInline,)
    fieldsets = (
        (None, {"fields": ("first_name", "last_name", "slug", "party", "organisation", "title")}),
        (
            _("Kontaktuppgifter"),
            {
                "fields": ("email", "phone"),
                "description": _("Visas bara i administrationen, aldrig på publika sidor."),
            },
        ),
        (_("Publicering"), {"fields": ("is_published", "note")}),
    )

    @admin.display(description=_("namn"), ordering="last_name")
    def full_name(self, person):
        return f"{person.last_name}, {person.first_name}"


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("person", "body", "organisation", "role", "start", "end")
    list_filter = (AppointmentPeriodListFilter, AppointmentBodyListFilter)
    list_select_related = ("person", "seat__body__period", "seat__organisation")
    search_fields = (
        "person__first_name",
        "person__last_name",
        "seat__body__name",
        "seat__body__short_name",
    )
    date_hierarchy = "start"
    autocomplete_fields = ("person", "seat")
    fields = ("person", "seat", "start", "end", "appointed_by", "note")

    @admin.display(description=_("organ"), ordering="seat__body__name")
    def body(self, appointment):
        return appointment.seat.body

    @admin.display(description=_("organisation"), ordering="seat__organisation__name")
    def organisation(self, appointment):
        return appointment.seat.organisation

    @admin.display(description=_("platstyp"), ordering="seat__role")
    def role(self, appointment):
        return appointment.seat.get_role_display()
