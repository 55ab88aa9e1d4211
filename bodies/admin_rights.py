"""The admin's side of the rules: every ModelAdmin and inline asks them, nothing else.

``RegistryAdmin`` (for ModelAdmins) and ``RegistryInline`` (for inlines) answer
Django's ``has_view/add/change/delete_permission`` from ``user.has_perm(perm, obj)``,
which the rules in ``bodies/rules.py``, ``members/rules.py`` and ``meetings/rules.py``
decide. The registry secretary sees everything; for everyone else:

- ``scope(request, queryset)`` is what the changelist shows and the change and delete
  views find: exactly what they may change (nothing by default);
- ``choosable(request, queryset, field)`` is what they may pick for a foreign key
  of another model (``field``), in an autocomplete and in the form's validation
  alike (by default: the scope);
- every saved object, inline row and deletion is checked against the rules again
  with its new values, so a forged POST gets a 403 or a form error, never a save.

History (django-simple-history): the admin's "Historik" page lists every version with
its changes field by field; only the registry secretary may revert.
"""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from bodies.admin_lookups import LookupGuardMixin
from bodies.rights import Roles, roles_of

CHANGE_REASON = "change_reason"

logger = logging.getLogger(__name__)

# The database's own rules (constraint names) and how a secretary would say them.
CONSTRAINT_RULES = {
    "mandate_period_no_overlap": _("mandatperioder får inte överlappa varandra"),
    "appointment_no_overlap_in_seat": _("uppdrag på samma plats får inte överlappa varandra"),
    "appointment_one_seat_per_body": _("en person har bara en plats i ett organ åt gången"),
    "meeting_no_overlap_in_body": _("ett organs möten får inte överlappa varandra"),
    "officer_term_one_holder_per_role": _(
        "ett organ har en ordförande (eller annan roll) åt gången"
    ),
    "officer_term_one_role_per_appointment": _("ett uppdrag har en roll åt gången"),
}
# PostgreSQL: serialization failure, deadlock, lock not available.
BUSY_SQLSTATES = {"40001", "40P01", "55P03"}


def concurrent_save_message(error: Exception) -> str | None:
    """The Swedish answer to a save the database refused because another came first.

    ``None`` for an error that is not about a concurrent save. The database's
    constraints are the last guard: model validation runs first and answers
    everything it can see, so what reaches here is a change saved in between.
    """
    if isinstance(error, OperationalError):
        cause = error.__cause__
        code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if "locked" not in str(error) and code not in BUSY_SQLSTATES:
            return None
        return gettext(
            "Databasen var upptagen av en annan ändring som sparades samtidigt. Ingenting "
            "sparades; spara igen."
        )
    if not isinstance(error, IntegrityError):
        return None
    text = str(error)
    rule = next((rule for name, rule in CONSTRAINT_RULES.items() if name in text), None)
    if rule:
        return gettext(
            "En annan ändring sparades samtidigt, och med den skulle den här bryta mot "
            "regeln att %(rule)s. Ingenting sparades; kontrollera uppgifterna och spara igen."
        ) % {"rule": rule}
    return gettext(
        "En annan ändring sparades samtidigt och krockar med den här (till exempel samma "
        "namn eller adress). Ingenting sparades; kontrollera uppgifterna och spara igen."
    )


def is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match) and match.url_name == "autocomplete"


def autocomplete_source_field(request):
    """The foreign key an autocomplete request fills in (validated by Django already)."""
    from django.apps import apps

    try:
        model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        return model._meta.get_field(request.GET["field_name"])
    except (KeyError, LookupError, ValueError):
        return None


def perm_name(opts, action: str) -> str:
    return f"{opts.app_label}.{get_permission_codename(action, opts)}"


def change_reason_field():
    """The optional reason that the history keeps with a change."""
    return forms.CharField(
        label=_("Anledning till ändringen"),
        required=False,
        max_length=500,
        help_text=_("Frivilligt. Sparas i historiken tillsammans med ändringen."),
    )


def with_change_reason(form_class):
    if CHANGE_REASON in form_class.base_fields:
        return form_class
    attrs = {CHANGE_REASON: change_reason_field(), "__module__": form_class.__module__}
    return type(form_class.__name__, (form_class,), attrs)


def name_the_controls(form):
    """Give each control of a table row its column's name as its accessible name.

    In a tabular inline and an editable changelist the label is the column header,
    which names nothing for a screen reader (axe: ``label``, ``select-name``); the
    autocomplete's script copies the name to the control it draws
    (bodies/static/bodies/admin/accessible.js).
    """
    for name, field in form.fields.items():
        widget = getattr(field.widget, "widget", field.widget)  # RelatedFieldWidgetWrapper
        if widget.is_hidden:
            continue
        label = gettext("Ta bort") if name == "DELETE" else field.label
        if label:
            widget.attrs.setdefault("aria-label", str(label))


def with_named_controls(formset_class):
    class NamedControlsFormSet(formset_class):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            name_the_controls(form)

    NamedControlsFormSet.__name__ = formset_class.__name__
    return NamedControlsFormSet


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """Old and new values as a reader writes them: labels of choices, dates, Ja/Nej."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "–"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return gettext("Ja") if value else gettext("Nej")
        if hasattr(value, "isoformat"):
            return formats.localize(timezone.localtime(value) if hasattr(value, "hour") else value)
        return value


class RightsMixin(LookupGuardMixin):
    """What ModelAdmins and inlines share: permissions from the rules, scoped choices."""

    def roles(self, request) -> Roles:
        return roles_of(request.user)

    def has_perm(self, request, action: str, obj=None) -> bool:
        return request.user.has_perm(perm_name(self.opts, action), obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        target = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(target, RegistryAdmin) and "queryset" not in kwargs:
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
            if queryset is None:
                queryset = db_field.remote_field.model._default_manager.using(kwargs.get("using"))
            if not self.roles(request).registry_secretary:
                queryset = target.choosable(request, queryset, db_field)
            # The choices named as the target's admin names them (seats: with holders).
            kwargs["queryset"] = target.for_choices(queryset)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, forms.FileInput):
            # Django draws a file field as a fieldset whose legend is the label; the
            # <input type="file"> inside has no label of its own (axe: ``label``).
            formfield.widget.attrs.setdefault("aria-label", str(formfield.label))
        return formfield


class RegistryAdmin(RightsMixin, SimpleHistoryAdmin):
    """A ModelAdmin of the registry: rights from the rules, history with reasons."""

    object_history_template = "admin/registry/object_history.html"
    object_history_form_template = "admin/registry/object_history_form.html"
    history_list_per_page = 50

    def get_changelist_formset(self, request, **kwargs):
        return with_named_controls(super().get_changelist_formset(request, **kwargs))

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.form = with_change_reason(self.form)

    # Rights

    def has_view_permission(self, request, obj=None):
        if obj is None and is_autocomplete(request):
            return self.roles(request).has_any
        return self.has_perm(request, "view", obj) or self.has_perm(request, "change", obj)

    def has_add_permission(self, request):
        return self.has_perm(request, "add")

    def has_change_permission(self, request, obj=None):
        return self.has_perm(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_perm(request, "delete", obj)

    def has_module_permission(self, request):
        return any(self.has_perm(request, action) for action in ("view", "add", "change", "delete"))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.roles(request).registry_secretary:
            return queryset
        if is_autocomplete(request):
            return self.choosable(request, queryset, autocomplete_source_field(request))
        return self.scope(request, queryset)

    def get_object(self, request, object_id, from_field=None):
        """An object outside the user's scope answers 403, not "does not exist"."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not self.roles(request).registry_secretary:
            field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
            try:
                exists = self.model._default_manager.filter(
                    **{field.name: field.to_python(object_id)}
                ).exists()
            except (ValidationError, ValueError):
                exists = False
            if exists:
                raise PermissionDenied
        return obj

    def scope(self, request, queryset):
        """What someone who is not registry secretary may see and change here."""
        return queryset.none()

    def choosable(self, request, queryset, field):
        """What someone who is not registry secretary may choose for ``field``."""
        return self.scope(request, queryset)

    def for_choices(self, queryset):
        """The queryset a foreign key's choices (and autocomplete) list: what labels need."""
        return queryset

    def save_model(self, request, obj, form, change):
        # The rules again, on the new values: a seat changed to another organisation's,
        # a person moved out of the editor's organisations …
        if not self.has_perm(request, "change" if change else "add", obj):
            raise PermissionDenied
        reverting = getattr(request, "_revert_reason", "")
        if change and not form.has_changed() and not reverting:
            return  # nothing to record
        reason = form.cleaned_data.get(CHANGE_REASON) or reverting
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The "delete selected" action: each object must be deletable by the rules."""
        if not self.roles(request).registry_secretary:
            for obj in queryset:
                if not self.has_delete_permission(request, obj):
                    raise PermissionDenied
        super().delete_queryset(request, queryset)

    def get_fieldsets(self, request, obj=None):
        return self.with_change_reason(request, obj, super().get_fieldsets(request, obj))

    def with_change_reason(self, request, obj, fieldsets):
        """The fieldsets, with "Anledning till ändringen" last on a change form.

        Admins that build their own fieldsets pass them through this too.
        """
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != CHANGE_REASON]})
            for name, options in fieldsets
        ]
        if obj is not None and self.has_change_permission(request, obj):
            fieldsets.append((_("Ändringen"), {"fields": [CHANGE_REASON]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and CHANGE_REASON in form.base_fields:
            del form.base_fields[CHANGE_REASON]  # a new object needs no reason
        conflict = getattr(request, "_concurrent_save_message", None)
        if conflict:
            form = refusing(form, conflict)
        return form

    # A save that loses to another saved at the same moment

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The add and change forms; a save the database refuses answers with the form.

        Model validation sees every rule it can; what the database still refuses
        (an exclusion or unique constraint, SQLite's lock) comes from another save
        in between. The transaction is rolled back, and the form is shown again
        with what was typed and a Swedish message, never a 500.
        """
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (IntegrityError, OperationalError) as error:
            message = concurrent_save_message(error)
            if request.method != "POST" or message is None:
                raise
            logger.warning("Concurrent save refused by the database: %s", error)
            request._concurrent_save_message = message
            return super().changeform_view(request, object_id, form_url, extra_context)

    # The period a change touches: locked or ended periods are for the registry secretary.

    def period_of(self, obj):
        """The mandate period the object belongs to, if any."""
        return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            period = self.period_of(obj) if obj is not None else None
            if period is not None and not period.is_open:
                messages.warning(request, period_notice(period))
        return super().change_view(request, object_id, form_url, extra_context)

    # History

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # As simple-history does, but without select_related() of nothing (deprecated)
        # for models without foreign keys: the related objects of every version in
        # one query, for the diffs.
        related = [
            field.name
            for field in history_manager.model.tracked_fields
            if isinstance(field, models.ForeignKey)
        ]
        return history_manager.filter(**{pk_name: object_id}).select_related(
            "history_user", "change_set", *related
        )

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def has_view_history_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return request.user.has_perm("bodies.revert_history") and self.has_change_permission(
            request, obj
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A version, with the button to revert to it: saving it is the registry secretary's.

        simple-history itself would save a POST from anyone who may view the history.
        The revert is a save like any other: the form validates it (``full_clean`` and
        the constraints) and a refused one shows why.
        """
        if request.method == "POST":
            version = self.model.history.filter(
                **{self.opts.pk.attname: object_id, "history_id": version_id}
            ).first()
            if version is None or not self.has_change_history_permission(request, version.instance):
                raise PermissionDenied
            request._revert_reason = gettext("Återställd till versionen från %(when)s.") % {
                "when": formats.date_format(timezone.localtime(version.history_date), "j F Y H.i")
            }
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return not self.has_change_history_permission(request, obj)


class RegistryInline(RightsMixin):
    """An inline whose rows are checked against the rules one by one.

    Mix in before ``admin.TabularInline``/``StackedInline``. The rows' model needs
    rules for view/add/change/delete; the parent must be changeable.
    """

    def parent_allows(self, request, obj, action="change") -> bool:
        if obj is None:
            return True
        return request.user.has_perm(perm_name(obj._meta, action), obj)

    def has_view_permission(self, request, obj=None):
        return (
            self.has_perm(request, "view") or self.has_perm(request, "change")
        ) and self.parent_allows(request, obj, "view")

    def has_add_permission(self, request, obj=None):
        return self.has_perm(request, "add") and self.parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_perm(request, "change") and self.parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_perm(request, "delete") and self.parent_allows(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk and not self.roles(request).registry_secretary:
            self.keep_current_choices(formset, obj)
        inline = self

        class CheckedFormSet(with_named_controls(formset)):
            def clean(self):
                super().clean()
                inline.check_rows(request, self)

        CheckedFormSet.__name__ = formset.__name__
        return CheckedFormSet

    def keep_current_choices(self, formset, parent):
        """Let the rows already saved keep their values although they may not be chosen.

        A Nora person's page lists her seat of an ended period too: the row must still
        validate when she is saved, while ``check_rows`` refuses to change it.
        """
        rows = self.model._default_manager.filter(**{formset.fk.name: parent})
        for name, field in formset.form.base_fields.items():
            if not isinstance(field, forms.ModelChoiceField) or name == formset.fk.name:
                continue
            attname = self.model._meta.get_field(name).attname
            current = rows.exclude(**{f"{attname}__isnull": True}).values(attname)
            target = self.admin_site._registry.get(field.queryset.model)
            queryset = field.queryset.model._default_manager.filter(
                models.Q(pk__in=field.queryset.values("pk")) | models.Q(pk__in=current)
            )
            if isinstance(target, RegistryAdmin):
                queryset = target.for_choices(queryset)
            field.queryset = queryset

    def check_rows(self, request, formset):
        """Refuse rows the user may not add, change (before or after) or delete."""
        if self.roles(request).registry_secretary:
            return
        user = request.user
        model = formset.model
        originals = model._default_manager.in_bulk(
            [form.instance.pk for form in formset.initial_forms if form.instance.pk]
        )
        problems = []
        for form in formset.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            original = originals.get(form.instance.pk) if form.instance.pk else None
            if formset.can_delete and formset._should_delete_form(form):
                if original is not None and not user.has_perm(
                    perm_name(model._meta, "delete"), original
                ):
                    problems.append(self.refused_delete_message(original))
            elif original is not None and form.has_changed():
                if not (
                    user.has_perm(perm_name(model._meta, "change"), original)
                    and user.has_perm(perm_name(model._meta, "change"), form.instance)
                ):
                    problems.append(gettext("Du får inte ändra %(row)s.") % {"row": original})
            elif (
                original is None
                and form.has_changed()
                and not user.has_perm(perm_name(model._meta, "add"), form.instance)
            ):
                problems.append(gettext("Du får inte lägga till %(row)s.") % {"row": form.instance})
        if problems:
            raise ValidationError(problems)

    def refused_delete_message(self, obj) -> str:
        return gettext("Du får inte ta bort %(row)s.") % {"row": obj}


def refusing(form_class, message: str):
    """``form_class`` that is never valid and says ``message`` above its fields."""

    class Refusing(form_class):
        def clean(self):
            super().clean()
            raise ValidationError(message, code="concurrent_save")

    Refusing.__name__ = form_class.__name__
    return Refusing


def period_notice(period) -> str:
    """The banner on change forms of objects in a period closed for editing."""
    if period.is_locked:
        return gettext(
            "Mandatperioden %(period)s är låst sedan %(when)s. Bara registersekreteraren "
            "kan ändra den, och varje ändring sparas i historiken."
        ) % {
            "period": period.name,
            "when": formats.date_format(timezone.localtime(period.locked_at), "j F Y"),
        }
    return gettext(
        "Mandatperioden %(period)s har avslutats. Bara registersekreteraren kan ändra den, "
        "och varje ändring sparas i historiken."
    ) % {"period": period.name}
