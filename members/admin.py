"""The secretary's and the organisation editors' tool for people, parties and appointments."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bodies import admin as bodies_admin
from bodies.admin import BodyListFilter, PeriodListFilter
from bodies.admin_rights import RegistryAdmin, RegistryInline, RightsMixin
from bodies.models import Body, Seat
from bodies.rights import forget_roles, open_periods_q
from members.admin_roster import RosterAdminMixin
from members.forms import AppointmentInlineFormSet
from members.models import Appointment, OfficerTerm, Party, Person, UserRoles


class SeatAppointmentInline(RegistryInline, admin.TabularInline):
    model = Appointment
    formset = AppointmentInlineFormSet
    fields = ("person", "start", "end", "appointed_by", "note")
    autocomplete_fields = ("person",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "seat__body__period")

    def refused_delete_message(self, appointment):
        return ended_appointment_message(appointment)


def ended_appointment_message(appointment):
    if appointment.has_ended:
        return gettext(
            "Uppdraget %(appointment)s har avslutats och är historik: rätta det i stället "
            "för att ta bort det."
        ) % {"appointment": appointment}
    return gettext("Du får inte ta bort %(row)s.") % {"row": appointment}


# bodies/admin.py registers the body and seat admins without appointments (bodies may
# not import members: tests/test_app_graph.py). Here, where both apps are known, they
# are registered again with what needs appointments: the roster screen of a body and
# the appointments inline of a seat. members/admin.py imports bodies.admin above, so
# the first registration has happened.
admin.site.unregister(Body)
admin.site.unregister(Seat)


@admin.register(Body)
class BodyAdmin(RosterAdminMixin, bodies_admin.BodyAdmin):
    pass


@admin.register(Seat)
class SeatAdmin(bodies_admin.SeatAdmin):
    inlines = (SeatAppointmentInline,)


class AppointmentPeriodListFilter(PeriodListFilter):
    field_path = "seat__body__period"


class AppointmentBodyListFilter(BodyListFilter):
    field_path = "seat__body"


@admin.register(Party)
class PartyAdmin(RegistryAdmin):
    list_display = ("abbreviation", "name", "order")
    list_editable = ("order",)
    search_fields = ("abbreviation", "name")

    def choosable(self, request, queryset, field):
        return queryset  # any party may be a person's


class PersonAppointmentInline(RegistryInline, admin.TabularInline):
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

    def refused_delete_message(self, appointment):
        return ended_appointment_message(appointment)


@admin.register(Person)
class PersonAdmin(RegistryAdmin):
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
                "fields": (
                    ("email", "email_consent_on"),
                    ("phone", "phone_consent_on"),
                    ("photo", "photo_consent_on"),
                ),
                "description": _(
                    "Visas bara i administrationen, utom de uppgifter personen har samtyckt "
                    "till att publicera: ange datum för samtycket vid uppgiften. Töm datumet "
                    "när samtycket återkallas; uppgiften försvinner då från alla publika "
                    "sidor, exporter och API:t."
                ),
            },
        ),
        (_("Publicering"), {"fields": ("is_published", "note")}),
    )

    def scope(self, request, queryset):
        """The people of the editor's organisations."""
        return queryset.filter(organisation__in=self.roles(request).organisation_ids)

    def choosable(self, request, queryset, field):
        # A meeting secretary records whoever attended; an editor appoints their own.
        if self.roles(request).is_meeting_secretary:
            return queryset
        return self.scope(request, queryset)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        organisations = self.roles(request).organisation_ids
        if len(organisations) == 1 and not self.roles(request).registry_secretary:
            initial.setdefault("organisation", next(iter(organisations)))
        return initial

    @admin.display(description=_("namn"), ordering="last_name")
    def full_name(self, person):
        return f"{person.last_name}, {person.first_name}"


class OfficerTermInline(RegistryInline, admin.TabularInline):
    """Chair, vice chair or secretary for dates: overrides the seat's position then."""

    model = OfficerTerm
    extra = 0
    fields = ("role", "start", "end")
    verbose_name_plural = _("roller med datum (ordförande, vice ordförande, sekreterare)")


@admin.register(Appointment)
class AppointmentAdmin(RegistryAdmin):
    list_display = ("person", "body", "organisation", "role", "start", "end")
    list_filter = (AppointmentPeriodListFilter, AppointmentBodyListFilter)
    # "body" is the appointment's copy of its seat's body (Appointment.body).
    list_select_related = ("person", "body__period", "seat__body__period", "seat__organisation")
    search_fields = (
        "person__first_name",
        "person__last_name",
        "seat__body__name",
        "seat__body__short_name",
    )
    date_hierarchy = "start"
    autocomplete_fields = ("person", "seat")
    fields = ("person", "seat", "start", "end", "appointed_by", "note")
    inlines = (OfficerTermInline,)

    def scope(self, request, queryset):
        """Appointments to seats the editor's organisations hold, in open periods."""
        return queryset.filter(
            open_periods_q("seat__body__period__"),
            seat__organisation__in=self.roles(request).organisation_ids,
        )

    def period_of(self, obj):
        return obj.seat.body.period

    @admin.display(description=_("organisation"), ordering="seat__organisation__name")
    def organisation(self, appointment):
        return appointment.seat.organisation

    @admin.display(description=_("platstyp"), ordering="seat__role")
    def role(self, appointment):
        return appointment.seat.get_role_display()


# Users: the registry secretary gives roles here. Django's permission pickers and
# groups are gone from the form: they grant nothing (samverkan/auth.py), and showing
# them would suggest otherwise.


class UserRolesInline(RightsMixin, admin.StackedInline):
    model = UserRoles
    can_delete = False
    filter_horizontal = ("organisations", "bodies")
    verbose_name_plural = _("roller i registret")

    def has_view_permission(self, request, obj=None):
        return self.roles(request).registry_secretary

    def has_add_permission(self, request, obj=None):
        return self.roles(request).registry_secretary

    def has_change_permission(self, request, obj=None):
        return self.roles(request).registry_secretary

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "bodies":
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("period")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


User = get_user_model()
admin.site.unregister(User)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class RegistryUserAdmin(RightsMixin, UserAdmin):
    inlines = (UserRolesInline,)
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_superuser")
    list_filter = ("is_staff", "is_superuser", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personuppgifter"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Behörighet"),
            {
                "fields": ("is_active", "is_staff", "is_superuser"),
                "description": _(
                    "Rättigheterna i registret kommer från rollerna nedan. En superanvändare "
                    "är registersekreterare. Personalstatus behövs för att logga in; den "
                    "sätts när en roll ges."
                ),
            },
        ),
        (_("Datum"), {"fields": ("last_login", "date_joined")}),
    )

    # Users and roles are the registry secretary's (auth.* rules in members/rules.py).

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("auth.view_user", obj)

    def has_module_permission(self, request):
        return request.user.has_perm("auth.view_user")

    def has_add_permission(self, request):
        return request.user.has_perm("auth.add_user")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("auth.change_user", obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("auth.delete_user", obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        forget_roles(user)
        if not user.is_staff and UserRoles.roles_of(user).has_any:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
