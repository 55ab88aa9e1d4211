"""Whose hands may change what: a user's roles, as the rules (``bodies/rules.py``) read them.

The role model lives in members (``members.models.UserRoles``), which builds on
bodies; bodies must not import it. So bodies defines what a role set *is* and how to
ask for one, and members registers the function that reads them from the database
(``members.apps``). Without a registered loader only superusers have any rights.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class Roles:
    """The three roles of the registry, for one user."""

    registry_secretary: bool = False
    # Organisation editor (organisationsredaktör) for these organisations.
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    # Meeting secretary (mötessekreterare) for these bodies.
    body_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_organisation_editor(self) -> bool:
        return bool(self.organisation_ids)

    @property
    def is_meeting_secretary(self) -> bool:
        return bool(self.body_ids)

    @property
    def has_any(self) -> bool:
        return self.registry_secretary or bool(self.organisation_ids or self.body_ids)


NO_ROLES = Roles()
SUPERUSER = Roles(registry_secretary=True)

_loader: Callable[[object], Roles] | None = None


def register_roles_loader(loader: Callable[[object], Roles]) -> None:
    """Called once by the app that keeps the roles (members)."""
    global _loader
    _loader = loader


def roles_of(user) -> Roles:
    """The user's roles, read once per user object (that is, once per request)."""
    if user is None or not getattr(user, "is_active", False) or not user.is_authenticated:
        return NO_ROLES
    if user.is_superuser:
        return SUPERUSER
    cached = getattr(user, "_registry_roles", None)
    if cached is None:
        cached = _loader(user) if _loader else NO_ROLES
        user._registry_roles = cached
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles, e.g. after they were changed in the same request."""
    if hasattr(user, "_registry_roles"):
        del user._registry_roles


def open_periods_q(prefix: str = "") -> Q:
    """A filter for objects whose mandate period is open: not locked and not ended.

    ``prefix`` is the path to the period, e.g. ``"seat__body__period__"``.
    """
    return Q(**{f"{prefix}locked_at__isnull": True, f"{prefix}end__gte": timezone.localdate()})
