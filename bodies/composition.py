"""The composition check of a body: vacant seats, seats nobody has registered, and
organisations missing seats; and how complete a roster is.

Read from what the caller prefetched (``seats``, ``rules``, ``member_organisations``
and each seat's appointments), so a page showing many bodies stays at a fixed number
of queries. ``Body.composition()`` is the way in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # bodies.models imports this module
    from bodies.models import Organisation


class SeatState(models.TextChoices):
    """What the registry knows about a seat on a day."""

    FILLED = "filled", _("tillsatt")
    VACANT = "vacant", _("vakant")
    UNKNOWN = "unknown", _("uppgift saknas")


@dataclass
class Completeness:
    """How much of a roster is registered: "31 av 33 platser registrerade".

    A seat counts as registered when the registry knows its state: someone (or an
    office) holds it, or it is known to be vacant.
    """

    total: int = 0
    registered: int = 0
    vacant: int = 0

    @classmethod
    def of(cls, states):
        states = list(states)
        return cls(
            total=len(states),
            registered=sum(state != SeatState.UNKNOWN for state in states),
            vacant=sum(state == SeatState.VACANT for state in states),
        )

    @property
    def unknown(self):
        return self.total - self.registered

    @property
    def is_complete(self):
        return self.registered == self.total


@dataclass
class MissingSeats:
    organisation: Organisation
    ordinary: int
    substitutes: int


@dataclass
class CompositionReport:
    """What the composition check found: vacant seats and organisations missing seats."""

    seats: list
    vacant: list = field(default_factory=list)
    # Seats nobody is registered in and nobody reported vacant: "uppgift saknas".
    unknown: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    ordinary_count: int = 0
    too_few_members: int = 0
    completeness: Completeness | None = None

    @property
    def is_complete(self):
        return not (self.vacant or self.unknown or self.missing or self.too_few_members)


def check_composition(body, on):
    """Check the body's composition rules against its seats and who holds them on the day."""
    seats = list(body.seats.all())
    rules = list(body.rules.all())
    members = list(body.member_organisations.all())
    report = CompositionReport(seats=seats)
    counted = [seat for seat in seats if seat.counts_as_member]
    states = {seat.pk: seat.state_on(on) for seat in seats}
    for seat in counted:
        if states[seat.pk] == SeatState.VACANT:
            report.vacant.append(seat)
        elif states[seat.pk] == SeatState.UNKNOWN:
            report.unknown.append(seat)
    report.completeness = Completeness.of(states.values())
    ordinary = Counter(s.organisation_id for s in counted if s.role == s.Role.ORDINARY)
    substitute = Counter(s.organisation_id for s in counted if s.role == s.Role.SUBSTITUTE)
    specific = {rule.organisation_id: rule for rule in rules if rule.organisation_id}
    general = next((rule for rule in rules if not rule.organisation_id), None)
    organisations = {org.pk: org for org in members}
    for seat in seats:
        organisations.setdefault(seat.organisation_id, seat.organisation)
    for rule in specific.values():
        organisations.setdefault(rule.organisation_id, rule.organisation)
    for org_id, org in sorted(organisations.items(), key=lambda item: item[1].name):
        rule = specific.get(org_id) or (general if org in members else None)
        if rule is None:
            continue
        if ordinary[org_id] < rule.ordinary or substitute[org_id] < rule.substitutes:
            report.missing.append(
                MissingSeats(
                    organisation=org,
                    ordinary=max(rule.ordinary - ordinary[org_id], 0),
                    substitutes=max(rule.substitutes - substitute[org_id], 0),
                )
            )
    report.ordinary_count = sum(ordinary.values())
    if body.min_members and report.ordinary_count < body.min_members:
        report.too_few_members = body.min_members - report.ordinary_count
    return report
