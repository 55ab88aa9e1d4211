"""What changed between two mandate periods, in a fixed number of queries.

Bodies are matched through ``Body.predecessor``: a body of the later period whose
predecessor (or its predecessor's predecessor, across periods in between) belongs to
the earlier one is "the same body". Everything else is added (in the later period) or
closed (in the earlier one).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext, ngettext

from bodies.models import Body, CompositionRule, Seat


@dataclass
class Change:
    """One change to one body, with a sentence a reader understands."""

    kind: str  # added, closed, renamed, moved, kind, support, composition, meetings, seats
    old: Body | None
    new: Body | None
    text: str


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


def _bodies(period):
    return list(
        Body.objects.filter(period=period)
        .order_by("tree_id", "lft")
        .select_related("parent", "supports")
        .prefetch_related(
            Prefetch("rules", queryset=CompositionRule.objects.select_related("organisation")),
            Prefetch("seats", queryset=Seat.objects.select_related("organisation")),
        )
    )


def compare(old_period, new_period):
    old_bodies, new_bodies = _bodies(old_period), _bodies(new_period)
    result = PeriodComparison(old_period, new_period, old_bodies, new_bodies)
    old_by_id = {body.pk: body for body in old_bodies}
    origin = _origins(old_period, new_period, old_by_id)
    for body in new_bodies:
        body.origin_id = origin(body.pk)
    matched = {body.origin_id for body in new_bodies}
    # New bodies first, then closures, then changes: the order a decision memo uses.
    for new in new_bodies:
        if new.origin_id is None:
            result.changes.append(Change("added", None, new, _added_text(new)))
    for old in old_bodies:
        if old.pk not in matched:
            result.changes.append(Change("closed", old, None, _closed_text(old)))
    for new in new_bodies:
        if new.origin_id is not None:
            result.changes.extend(_differences(old_by_id[new.origin_id], new, origin))
    return result


def _origins(old_period, new_period, old_by_id):
    """A function giving, for a body id, its ancestor in the old period (or None).

    One query reads the predecessor links of every period from the old to the new one.
    """
    links = dict(
        Body.objects.filter(
            period__start__gte=old_period.start, period__start__lte=new_period.start
        ).values_list("pk", "predecessor_id")
    )

    def origin(pk):
        seen = set()
        while pk is not None and pk not in old_by_id and pk not in seen:
            seen.add(pk)
            pk = links.get(pk)
        return pk if pk in old_by_id else None

    return origin


def _closed_text(body):
    note = body.closing_note.strip().rstrip(".")
    if note:
        return gettext("%(body)s läggs ned; %(note)s.") % {
            "body": body.name,
            "note": note[0].lower() + note[1:],
        }
    return gettext("%(body)s läggs ned.") % {"body": body.name}


def _added_text(body):
    if body.parent_id:
        return gettext("%(body)s bildas och rapporterar till %(parent)s.") % {
            "body": body.name,
            "parent": body.parent.name,
        }
    return gettext("%(body)s bildas.") % {"body": body.name}


def _rules_text(body):
    parts = []
    for rule in body.rules.all():
        who = rule.organisation.name if rule.organisation_id else gettext("varje organisation")
        parts.append(
            gettext("%(who)s %(ordinary)s ordinarie och %(substitutes)s ersättare")
            % {"who": who, "ordinary": rule.ordinary, "substitutes": rule.substitutes}
        )
    if body.min_members:
        parts.append(gettext("minst %(count)s ledamöter") % {"count": body.min_members})
    return ", ".join(parts) or gettext("ingen regel")


def _rules_key(body):
    rules = {
        (r.organisation_id and r.organisation.name, r.ordinary, r.substitutes)
        for r in body.rules.all()
    }
    return frozenset(rules), body.min_members


def _seat_counts(body):
    return Counter(
        (seat.organisation.name, seat.role) for seat in body.seats.all() if seat.counts_as_member
    )


def _differences(old, new, origin):
    changes = []
    if old.name != new.name:
        changes.append(
            Change(
                "renamed",
                old,
                new,
                gettext("%(old)s byter namn till %(new)s.") % {"old": old.name, "new": new.name},
            )
        )
    if old.parent_id != origin(new.parent_id):
        changes.append(Change("moved", old, new, _moved_text(old, new)))
    if old.kind != new.kind:
        changes.append(
            Change(
                "kind",
                old,
                new,
                gettext("%(body)s blir %(new)s i stället för %(old)s.")
                % {
                    "body": new.name,
                    "new": new.get_kind_display(),
                    "old": old.get_kind_display(),
                },
            )
        )
    if old.supports_id != origin(new.supports_id):
        if new.supports_id:
            text = gettext("%(body)s blir tjänstepersonsstöd för %(supports)s.") % {
                "body": new.name,
                "supports": new.supports.name,
            }
        else:
            text = gettext("%(body)s är inte längre tjänstepersonsstöd för %(supports)s.") % {
                "body": new.name,
                "supports": old.supports.name,
            }
        changes.append(Change("support", old, new, text))
    if _rules_key(old) != _rules_key(new):
        changes.append(
            Change(
                "composition",
                old,
                new,
                gettext("%(body)s: sammansättningen ändras från %(old)s till %(new)s.")
                % {"body": new.name, "old": _rules_text(old), "new": _rules_text(new)},
            )
        )
    if old.min_meetings_per_year != new.min_meetings_per_year:
        changes.append(
            Change(
                "meetings",
                old,
                new,
                gettext("%(body)s: minst %(new)s möten per år i stället för %(old)s.")
                % {
                    "body": new.name,
                    "new": new.min_meetings_per_year or 0,
                    "old": old.min_meetings_per_year or 0,
                },
            )
        )
    changes.extend(_seat_changes(old, new))
    return changes


def _moved_text(old, new):
    if new.parent_id:
        return gettext("%(body)s rapporterar till %(new)s i stället för %(old)s.") % {
            "body": new.name,
            "new": new.parent.name,
            "old": old.parent.name if old.parent_id else gettext("ingen"),
        }
    return gettext("%(body)s rapporterar inte längre till %(old)s.") % {
        "body": new.name,
        "old": old.parent.name,
    }


def _seat_changes(old, new):
    before, after = _seat_counts(old), _seat_counts(new)
    changes = []
    for organisation, role in sorted(set(before) | set(after)):
        difference = after[(organisation, role)] - before[(organisation, role)]
        if not difference:
            continue
        label = (
            ngettext("%(count)s ordinarie plats", "%(count)s ordinarie platser", abs(difference))
            if role == Seat.Role.ORDINARY
            else ngettext("%(count)s ersättarplats", "%(count)s ersättarplatser", abs(difference))
        ) % {"count": abs(difference)}
        template = (
            gettext("%(body)s: %(organisation)s får %(seats)s till.")
            if difference > 0
            else gettext("%(body)s: %(organisation)s får %(seats)s färre.")
        )
        changes.append(
            Change(
                "seats",
                old,
                new,
                template % {"body": new.name, "organisation": organisation, "seats": label},
            )
        )
    return changes
