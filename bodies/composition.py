"""The composition check of a body: vacant seats and organisations missing seats.

Read from what the caller prefetched (``seats``, ``rules``, ``member_organisations``
and each seat's appointments), so a page showing many bodies stays at a fixed number
of queries. ``Body.composition()`` is the way in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # bodies.models imports this module
    from bodies.models import Organisation


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
    missing: list = field(default_factory=list)
    ordinary_count: int = 0
    too_few_members: int = 0

    @property
    def is_complete(self):
        return not (self.vacant or self.missing or self.too_few_members)


def check_composition(body, on):
    """Check the body's composition rules against its seats and who holds them on the day."""
    seats = list(body.seats.all())
    rules = list(body.rules.all())
    members = list(body.member_organisations.all())
    report = CompositionReport(seats=seats)
    counted = [seat for seat in seats if seat.counts_as_member]
    for seat in counted:
        if seat.is_vacant_on(on):
            report.vacant.append(seat)
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
