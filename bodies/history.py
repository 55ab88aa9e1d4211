"""Who changed what, when and why: historical records and change sets.

Every registry model that holds public record has ``history = RegistryHistory()``
(django-simple-history): each save and delete writes a historical row with the actor,
the UTC time, every field's value and the reason, if one was given. The rows live in
tables of their own without foreign-key constraints, so deleting an object never
deletes its history.

A bulk write (carry forward, mark decided, lock/unlock, a structure or meeting import)
runs inside ``change_set(actor, kind, reason, period)``; every historical row written
inside carries that change set, so the whole operation can be found from the period::

    with change_set(request.user, ChangeSet.Kind.STRUCTURE_IMPORT, "Ny struktur", period):
        ...  # any saves, also bulk_create_with_history()

Models importing this module must not be imported here: bodies is the lowest app.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

_current: ContextVar["ChangeSet | None"] = ContextVar("current_change_set", default=None)


class ChangeSet(models.Model):
    """One operation that changed many objects at once, with its actor and reason."""

    class Kind(models.TextChoices):
        CARRY_FORWARD = "carry_forward", _("ny period från föregående")
        MARK_DECIDED = "mark_decided", _("markerad som beslutad")
        LOCK = "lock", _("period låst")
        UNLOCK = "unlock", _("period upplåst")
        STRUCTURE_IMPORT = "structure_import", _("inläst strukturfil")
        MEETING_IMPORT = "meeting_import", _("inläst mötesfil")
        NOMINATIONS = "nominations", _("inlästa nomineringar")
        OTHER = "other", _("annan samlad ändring")

    created_at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utförd av"),
        on_delete=models.SET_NULL,
        related_name="change_sets",
        null=True,
        blank=True,
    )
    # Kept when the account is removed: the record must still say who it was.
    actor_name = models.CharField(_("användarnamn"), max_length=150, blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("anledning"), blank=True)
    period = models.ForeignKey(
        "bodies.MandatePeriod",
        verbose_name=_("mandatperiod"),
        on_delete=models.SET_NULL,
        related_name="change_sets",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("samlad ändring")
        verbose_name_plural = _("samlade ändringar")

    def __str__(self):
        when = formats.date_format(timezone.localtime(self.created_at), "j F Y H.i")
        return f"{self.get_kind_display()} {when}"

    def touched(self) -> list[tuple[str, list["TouchedRow"]]]:
        """What this change set wrote, per model, with links: one query a model."""
        found = []
        for model in registry_models():
            rows = [
                TouchedRow.of(model, row)
                for row in model.history.filter(change_set=self).order_by("history_id")
            ]
            if rows:
                found.append((model._meta.verbose_name_plural, rows))
        return found


@dataclass
class TouchedRow:
    """One object a change set wrote: labelled from its own columns, without queries."""

    history_type: str
    label: str
    admin_url: str

    @classmethod
    def of(cls, model, row) -> "TouchedRow":
        if getattr(row, "first_name", None):
            label = f"{row.first_name} {row.last_name}"
        else:
            label = getattr(row, "name", None) or getattr(row, "title", None) or ""
        label = f"{label} (id {row.id})" if label else f"{model._meta.verbose_name} {row.id}"
        opts = model._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[row.id])
        except NoReverseMatch:  # edited inline only (attendance, member organisations …)
            url = ""
        return cls(history_type=row.history_type, label=label, admin_url=url)


def current_change_set() -> ChangeSet | None:
    return _current.get()


def current_change_set_id() -> int | None:
    """The default of every historical row's ``change_set``: the one we are inside."""
    change = _current.get()
    return change.pk if change else None


@contextmanager
def change_set(actor, kind, reason: str = "", period=None) -> Iterator[ChangeSet]:
    """Run a bulk write as one recorded change set, in one transaction.

    ``actor`` is the user (or None for a command run by the system); ``period`` may be
    set on the yielded change set later (carry forward creates its period inside).
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        change = ChangeSet.objects.create(
            actor=user,
            actor_name=user.get_username() if user else "",
            kind=kind,
            reason=reason or "",
            period=period,
        )
        token = _current.set(change)
        try:
            yield change
        finally:
            _current.reset(token)
        change.save()


class HistoricalRecordBase(models.Model):
    """Fields every historical row of the registry has besides simple-history's own."""

    change_set = models.ForeignKey(
        ChangeSet,
        verbose_name=_("samlad ändring"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        default=current_change_set_id,
    )

    class Meta:
        abstract = True


def _actor(instance, request=None, **kwargs):
    """The user behind a write without a request: the change set's actor, if any."""
    if request is not None:
        return request.user
    change = _current.get()
    return change.actor if change else None


_registry_models: list[type[models.Model]] = []


class RegistryHistory(HistoricalRecords):
    """simple-history with the registry's change sets and reasons."""

    def __init__(self, **kwargs):
        kwargs.setdefault("bases", [HistoricalRecordBase])
        kwargs.setdefault("get_user", _actor)
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        # The API's bookkeeping time; the history has its own (history_date).
        kwargs.setdefault("excluded_fields", ["updated_at"])
        super().__init__(**kwargs)

    def finalize(self, sender, **kwargs):
        if sender is self.cls:
            # simple-history expects every excluded field to exist on the model.
            names = {field.name for field in sender._meta.local_fields}
            self.excluded_fields = [name for name in self.excluded_fields if name in names]
        super().finalize(sender, **kwargs)
        if sender is self.cls and sender not in _registry_models:
            _registry_models.append(sender)

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        change = _current.get()
        return reason or (change.reason if change else None) or None


def registry_models() -> list[type[models.Model]]:
    """The models whose history the registry keeps, in the order they were defined."""
    return list(_registry_models)
