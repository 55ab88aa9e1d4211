"""What changed between two mandate periods, in a fixed number of queries.

Bodies are matched through ``Body.predecessor``: a body of the later period whose
predecessor (or its predecessor's predecessor, across periods in between) belongs to
the earlier one is "the same body". Everything else is added (in the later period) or
closed (in the earlier one).

The comparison reads plain rows, not model objects: each body's own fields, its
composition rules, and its seats counted per organisation and role by the database
(three queries). Finding every change from those is cheap even for thousands of
bodies; the sentence of a change is written only when it is shown, so a page of
100 changes costs the same however many there are.
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.db.models import Count
from django.utils.translation import get_language, gettext, ngettext

from bodies.models import Body, CompositionRule, Seat

# A body's own fields the comparison reads (its kind, place in the tree, rules, …).
FACT_FIELDS = (
    "pk",
    "period_id",
    "name",
    "parent_id",
    "supports_id",
    "kind",
    "min_meetings_per_year",
    "min_members",
    "closing_note",
    "predecessor_id",
)


@dataclass(eq=False)
class BodyFacts:
    """What the comparison knows of one body: its fields, rules and counted seats."""

    pk: int
    period_id: int
    name: str
    parent_id: int | None
    supports_id: int | None
    kind: str
    min_meetings_per_year: int | None
    min_members: int | None
    closing_note: str
    predecessor_id: int | None
    # (organisation name or None for "each organisation", ordinary, substitutes), in order.
    rules: list = field(default_factory=list)
    # {(organisation name, role): seats counting as members}
    seats: Counter = field(default_factory=Counter)

    def get_kind_display(self):
        return str(Body.Kind(self.kind).label)


@dataclass(eq=False)
class Change:
    """One change to one body, with a sentence a reader understands (written when read)."""

    kind: str  # added, closed, renamed, moved, kind, support, composition, meetings, seats
    old: BodyFacts | None
    new: BodyFacts | None
    bodies: dict = field(repr=False)  # every body of the comparison by id, for names
    detail: tuple = ()  # seats: (organisation, role, difference)

    @cached_property
    def text(self):
        return TEXTS[self.kind](self)


@dataclass
class PeriodComparison:
    old_period: object
    new_period: object
    old_bodies: list
    new_bodies: list
    changes: list = field(default_factory=list)

    def of_kind(self, kind):
        return [change for change in self.changes if change.kind == kind]

    @property
    def changed_body_ids(self):
        """Ids of bodies (in either period) touched by a change, for marking the trees."""
        ids = set()
        for change in self.changes:
            ids.update(body.pk for body in (change.old, change.new) if body)
        return ids

    def changes_by_body(self):
        """{body id: [change, …]} for both periods' bodies."""
        result = {}
        for change in self.changes:
            for body in (change.old, change.new):
                if body:
                    result.setdefault(body.pk, []).append(change)
        return result


def _facts(old_period, new_period):
    """Every body from the old period to the new one (the ones between only link them),
    in tree order, with the rules and counted seats of the two compared periods."""
    periods = (old_period.pk, new_period.pk)
    bodies = {
        row[0]: BodyFacts(*row)
        for row in Body.objects.filter(
            period__start__gte=old_period.start, period__start__lte=new_period.start
        )
        .order_by("tree_id", "lft")
        .values_list(*FACT_FIELDS)
    }
    rules = (
        CompositionRule.objects.filter(body__period__in=periods)
        .order_by("body_id", "organisation__name", "pk")
        .values_list("body_id", "organisation__name", "ordinary", "substitutes")
    )
    for body_id, organisation, ordinary, substitutes in rules:
        bodies[body_id].rules.append((organisation, ordinary, substitutes))
    seats = (
        Seat.objects.filter(body__period__in=periods)
        # The same seats as Seat.counts_as_member: no secretaries, no co-opted.
        .exclude(position__in=(Seat.Position.SECRETARY, Seat.Position.CO_OPTED))
        .values_list("body_id", "organisation__name", "role")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for body_id, organisation, role, count in seats:
        bodies[body_id].seats[(organisation, role)] = count
    return bodies


def compare(old_period, new_period):
    bodies = _facts(old_period, new_period)
    old_bodies = [body for body in bodies.values() if body.period_id == old_period.pk]
    new_bodies = [body for body in bodies.values() if body.period_id == new_period.pk]
    result = PeriodComparison(old_period, new_period, old_bodies, new_bodies)
    old_ids = {body.pk for body in old_bodies}
    origin = _origins(bodies, old_ids)
    origins = {body.pk: origin(body.pk) for body in new_bodies}
    matched = set(origins.values())
    # New bodies first, then closures, then changes: the order a decision memo uses.
    for new in new_bodies:
        if origins[new.pk] is None:
            result.changes.append(Change("added", None, new, bodies))
    for old in old_bodies:
        if old.pk not in matched:
            result.changes.append(Change("closed", old, None, bodies))
    for new in new_bodies:
        if origins[new.pk] is not None:
            result.changes.extend(_differences(bodies[origins[new.pk]], new, origin, bodies))
    return result


def _origins(bodies, old_ids):
    """A function giving, for a body id, its ancestor in the old period (or None)."""

    def origin(pk):
        seen = set()
        while pk is not None and pk not in old_ids and pk not in seen:
            seen.add(pk)
            body = bodies.get(pk)
            pk = body.predecessor_id if body else None
        return pk if pk in old_ids else None

    return origin


def _differences(old, new, origin, bodies):
    kinds = []
    if old.name != new.name:
        kinds.append("renamed")
    if old.parent_id != origin(new.parent_id):
        kinds.append("moved")
    if old.kind != new.kind:
        kinds.append("kind")
    if old.supports_id != origin(new.supports_id):
        kinds.append("support")
    if _rules_key(old) != _rules_key(new):
        kinds.append("composition")
    if old.min_meetings_per_year != new.min_meetings_per_year:
        kinds.append("meetings")
    changes = [Change(kind, old, new, bodies) for kind in kinds]
    for organisation, role in sorted(set(old.seats) | set(new.seats)):
        difference = new.seats[(organisation, role)] - old.seats[(organisation, role)]
        if difference:
            changes.append(Change("seats", old, new, bodies, (organisation, role, difference)))
    return changes


def _rules_key(body):
    return frozenset(body.rules), body.min_members


# The sentences, one function per kind of change.


def _added_text(change):
    body = change.new
    if body.parent_id:
        return gettext("%(body)s bildas och rapporterar till %(parent)s.") % {
            "body": body.name,
            "parent": change.bodies[body.parent_id].name,
        }
    return gettext("%(body)s bildas.") % {"body": body.name}


def _closed_text(change):
    body = change.old
    note = body.closing_note.strip().rstrip(".")
    if note:
        return gettext("%(body)s läggs ned; %(note)s.") % {
            "body": body.name,
            "note": note[0].lower() + note[1:],
        }
    return gettext("%(body)s läggs ned.") % {"body": body.name}


def _renamed_text(change):
    return gettext("%(old)s byter namn till %(new)s.") % {
        "old": change.old.name,
        "new": change.new.name,
    }


def _moved_text(change):
    old, new, bodies = change.old, change.new, change.bodies
    if new.parent_id:
        return gettext("%(body)s rapporterar till %(new)s i stället för %(old)s.") % {
            "body": new.name,
            "new": bodies[new.parent_id].name,
            "old": bodies[old.parent_id].name if old.parent_id else gettext("ingen"),
        }
    return gettext("%(body)s rapporterar inte längre till %(old)s.") % {
        "body": new.name,
        "old": bodies[old.parent_id].name,
    }


def _kind_text(change):
    return gettext("%(body)s blir %(new)s i stället för %(old)s.") % {
        "body": change.new.name,
        "new": change.new.get_kind_display(),
        "old": change.old.get_kind_display(),
    }


def _support_text(change):
    old, new, bodies = change.old, change.new, change.bodies
    if new.supports_id:
        return gettext("%(body)s blir tjänstepersonsstöd för %(supports)s.") % {
            "body": new.name,
            "supports": bodies[new.supports_id].name,
        }
    return gettext("%(body)s är inte längre tjänstepersonsstöd för %(supports)s.") % {
        "body": new.name,
        "supports": bodies[old.supports_id].name,
    }


def _rules_text(body):
    parts = []
    for organisation, ordinary, substitutes in body.rules:
        who = organisation if organisation is not None else gettext("varje organisation")
        parts.append(
            gettext("%(who)s %(ordinary)s ordinarie och %(substitutes)s ersättare")
            % {"who": who, "ordinary": ordinary, "substitutes": substitutes}
        )
    if body.min_members:
        parts.append(gettext("minst %(count)s ledamöter") % {"count": body.min_members})
    return ", ".join(parts) or gettext("ingen regel")


def _composition_text(change):
    return gettext("%(body)s: sammansättningen ändras från %(old)s till %(new)s.") % {
        "body": change.new.name,
        "old": _rules_text(change.old),
        "new": _rules_text(change.new),
    }


def _meetings_text(change):
    return gettext("%(body)s: minst %(new)s möten per år i stället för %(old)s.") % {
        "body": change.new.name,
        "new": change.new.min_meetings_per_year or 0,
        "old": change.old.min_meetings_per_year or 0,
    }


def _seats_text(change):
    organisation, role, difference = change.detail
    template, seats = _seats_words(
        get_language(), role == Seat.Role.ORDINARY, abs(difference), difference > 0
    )
    return template % {"body": change.new.name, "organisation": organisation, "seats": seats}


@lru_cache(maxsize=256)
def _seats_words(language, ordinary, count, more):
    """The sentence and the seat words of a seat change, once per language and count: a
    comparison has thousands of these changes and few different numbers."""
    seats = (
        ngettext("%(count)s ordinarie plats", "%(count)s ordinarie platser", count)
        if ordinary
        else ngettext("%(count)s ersättarplats", "%(count)s ersättarplatser", count)
    ) % {"count": count}
    template = (
        gettext("%(body)s: %(organisation)s får %(seats)s till.")
        if more
        else gettext("%(body)s: %(organisation)s får %(seats)s färre.")
    )
    return template, seats


TEXTS = {
    "added": _added_text,
    "closed": _closed_text,
    "renamed": _renamed_text,
    "moved": _moved_text,
    "kind": _kind_text,
    "support": _support_text,
    "composition": _composition_text,
    "meetings": _meetings_text,
    "seats": _seats_text,
}
