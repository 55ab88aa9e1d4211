"""Read-models of who sits where: a body's roster and its period's tree of bodies.

Built from what the caller prefetched, without queries; ``Body.roster()`` and
``Body.forest()`` are the ways in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.text import capfirst

from bodies.composition import SeatState

if TYPE_CHECKING:  # bodies.models imports this module
    from bodies.models import Body, Organisation


@dataclass
class ChartNode:
    """A body in a chart of its period, with its children and the bodies above it.

    ``url`` and ``kind_label`` (capitalised) are what a tree of many bodies shows of
    each: made once per period and kind, not asked of every body by the template.
    """

    body: Body
    path: list
    url: str = ""
    kind_label: str = ""
    children: list = field(default_factory=list)


def forest(bodies):
    """Nest bodies listed in tree order into ``ChartNode`` roots, without queries."""
    nodes = {}
    roots = []
    address = BodyAddresses()
    labels = {}
    for body in bodies:
        parent = nodes.get(body.parent_id)
        if body.kind not in labels:
            labels[body.kind] = capfirst(body.get_kind_display())
        node = ChartNode(
            body=body,
            path=[*parent.path, parent.body] if parent else [],
            url=address(body),
            kind_label=labels[body.kind],
        )
        nodes[body.pk] = node
        (parent.children if parent else roots).append(node)
    return roots


class BodyAddresses:
    """``body.get_absolute_url()`` for many bodies with one URL reversal per period.

    A body's address is its period's part and its slug (slugs are plain ASCII, which a
    reversal leaves as they are); reversing each body's costs about 30 µs, which
    counts on a page of hundreds of bodies.
    """

    def __init__(self):
        self.prefixes = {}

    def __call__(self, body):
        prefix = self.prefixes.get(body.period_id)
        if prefix is None:
            prefix = reverse("bodies:body", args=[body.period.slug, "-"]).removesuffix("-/")
            self.prefixes[body.period_id] = prefix
        return f"{prefix}{body.slug}/"


class RosterCell:
    """One seat on a date: the people holding it, or its office label, or vacant, or
    nothing known ("uppgift saknas")."""

    def __init__(self, seat, on, position=None):
        self.seat = seat
        # The position on the day: a dated officer term may override the seat's default.
        self.position = position or seat.position
        self.position_label = seat.Position(self.position).label
        self.holders = seat.holders_on(on)
        self.state = seat.state_on(on)
        self.is_vacant = self.state == SeatState.VACANT
        self.is_unknown = self.state == SeatState.UNKNOWN
        reported = seat.vacant_since
        self.vacant_since = reported if self.is_vacant and reported and reported <= on else None
        # Held, but by someone who is not published: say so, without a name.
        self.is_held_unpublished = not self.holders and seat.held_unpublished_on(on)


@dataclass
class RosterRow:
    """An ordinary seat beside the substitute seats that back it."""

    ordinary: RosterCell | None
    substitutes: list


@dataclass
class RosterGroup:
    """The seats of one organisation in a body."""

    organisation: Organisation
    rows: list = field(default_factory=list)


def roster(body, on):
    """Who holds the body's seats on the date, grouped by organisation (see ``Body.roster``)."""
    seats = list(body.seats.all())
    positions = dated_positions(seats, on)
    backing = {}
    for seat in seats:
        if seat.backs_id:
            backing.setdefault(seat.backs_id, []).append(seat)
    ordinary_ids = {seat.pk for seat in seats if seat.role == seat.Role.ORDINARY}
    groups = {}
    for seat in seats:
        group = groups.get(seat.organisation_id)
        if group is None:
            group = groups[seat.organisation_id] = RosterGroup(seat.organisation)
        if seat.role == seat.Role.ORDINARY:
            group.rows.append(
                RosterRow(
                    ordinary=RosterCell(seat, on, positions[seat.pk]),
                    substitutes=[
                        RosterCell(sub, on, positions[sub.pk]) for sub in backing.get(seat.pk, [])
                    ],
                )
            )
        elif seat.backs_id not in ordinary_ids:
            group.rows.append(
                RosterRow(ordinary=None, substitutes=[RosterCell(seat, on, positions[seat.pk])])
            )
    return list(groups.values())


def dated_positions(seats, day):
    """The position of each seat on the day: {seat pk: Seat.Position value}.

    ``Seat.position`` is the default. A dated officer term (members/officers.py) running
    on the day gives its holder's seat the term's role, and takes a chair or vice-chair
    role it covers away from seats that have it only by default. Reads the prefetched
    ``appointments`` and their ``officer_terms`` (``with_appointments(officer_terms=True)``);
    without them every seat keeps its default.
    """
    if not seats:
        return {}
    held = {}
    for seat in seats:
        for appointment in seat.holders_on(day):
            cache = getattr(appointment, "_prefetched_objects_cache", {})
            for term in cache.get("officer_terms", ()):
                if term.covers(day):
                    held[seat.pk] = term.role
    position = seats[0].Position  # Seat's choices, without importing bodies.models
    taken = set(held.values()) & {position.CHAIR, position.VICE_CHAIR}
    positions = {}
    for seat in seats:
        if seat.pk in held:
            positions[seat.pk] = held[seat.pk]
        elif seat.position in taken:
            positions[seat.pk] = position.MEMBER
        else:
            positions[seat.pk] = seat.position
    return positions
