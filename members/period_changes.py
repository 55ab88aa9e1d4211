"""What changed in the registry, read from the history for the public pages.

Bodies, seats and appointments of a period, newest first: the "Ändringar" page of a
period, its Atom feed, and a body's "Senast ändrad". Lives in members because the
roster is members' (appointments) and members may read bodies, not the other way.

Privacy is decided when the page is read, not when the change was made: an
appointment appears only while its person is published today, with the name and
nothing else of the person; a person's own history (with contact details) is never
read here.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery, Value
from django.db.models.fields import CharField
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext

from bodies.models import Body, CompositionRule, MandatePeriod, Membership, Seat
from members.models import Appointment

# Fields of no interest to a reader of the changes (tree bookkeeping, ordering).
QUIET_FIELDS = {"lft", "rght", "tree_id", "level", "order", "slug"}


def body_last_changed(body: Body) -> datetime.datetime | None:
    """When the body's structure or roster last changed: one query.

    The body itself, its seats, composition rules and member organisations, and the
    appointments to its seats of people published today.
    """

    def latest(queryset):
        return Subquery(queryset.order_by("-history_date").values("history_date")[:1])

    dates = (
        Body.objects.filter(pk=body.pk)
        .annotate(
            changed_body=latest(Body.history.filter(id=OuterRef("pk"))),
            changed_seats=latest(Seat.history.filter(body_id=OuterRef("pk"))),
            changed_rules=latest(CompositionRule.history.filter(body_id=OuterRef("pk"))),
            changed_members=latest(Membership.history.filter(body_id=OuterRef("pk"))),
            changed_roster=latest(
                Appointment.history.filter(seat__body_id=OuterRef("pk"), person__is_published=True)
            ),
        )
        .values(
            "changed_body", "changed_seats", "changed_rules", "changed_members", "changed_roster"
        )
        .first()
    )
    found = [day for day in (dates or {}).values() if day is not None]
    return max(found) if found else None


@dataclass
class Change:
    """One change to a body, seat or appointment, as a reader sees it."""

    when: datetime.datetime
    kind: str  # "body", "seat" or "appointment"
    action: str  # "+", "~" or "-"
    title: str
    url: str = ""
    fields: list[str] = field(default_factory=list)
    history_id: int = 0

    @property
    def action_label(self) -> str:
        return {
            "+": gettext("Tillagd"),
            "-": gettext("Borttagen"),
        }.get(self.action, gettext("Ändrad"))


def _histories(period: MandatePeriod):
    """The three histories of a period, published appointments only."""
    bodies = Body.history.filter(period_id=period.pk)
    seats = Seat.history.filter(body__period_id=period.pk)
    appointments = Appointment.history.filter(
        seat__body__period_id=period.pk, person__is_published=True
    )
    return bodies, seats, appointments


class PeriodChanges:
    """The changes of a period between two days, newest first, pageable.

    Acts as a sequence for Django's Paginator: ``len()`` is one query, a slice is
    four (which rows, then each history with what its text needs and the versions
    before, for the changed fields), whatever the number of rows.
    """

    def __init__(self, period: MandatePeriod, start: datetime.datetime, end: datetime.datetime):
        self.period = period
        self.start, self.end = start, end

    def _union(self):
        bodies, seats, appointments = _histories(self.period)
        span = {"history_date__gte": self.start, "history_date__lt": self.end}

        def keys(queryset, kind):
            return (
                queryset.filter(**span)
                .order_by()  # the histories are ordered; a part of a UNION may not be
                .values_list("history_date", "history_id", Value(kind, output_field=CharField()))
            )

        return keys(bodies, "body").union(
            keys(seats, "seat"), keys(appointments, "appointment"), all=True
        )

    def __len__(self):
        return self._union().count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        keys = list(self._union().order_by("-history_date", "-history_id")[index])
        wanted = {"body": [], "seat": [], "appointment": []}
        for _when, history_id, kind in keys:
            wanted[kind].append(history_id)
        found = {
            **self._bodies(wanted["body"]),
            **self._seats(wanted["seat"]),
            **self._appointments(wanted["appointment"]),
        }
        changes = [found[(kind, history_id)] for _when, history_id, kind in keys]
        for change in changes:
            if not change.url:  # gone from the registry: point to the list itself
                change.url = reverse("members:period_changes", args=[self.period.slug])
        return changes

    def _with_previous(self, model, queryset):
        """The rows with the version before each, to name the fields that changed."""
        previous = model.history.filter(
            id=OuterRef("id"), history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        return queryset.annotate(previous_id=Subquery(previous.values("history_id")[:1]))

    def _changed_fields(self, model, row, before):
        if row.history_type != "~" or before is None:
            return []
        delta = row.diff_against(before, foreign_keys_are_objs=False)
        return [
            str(model._meta.get_field(change.field).verbose_name)
            for change in delta.changes
            if change.field not in QUIET_FIELDS
        ]

    def _rows(self, model, ids, *related):
        rows = self._with_previous(model, model.history.filter(history_id__in=ids))
        rows = list(rows.select_related(*related) if related else rows)
        previous = model.history.in_bulk([r.previous_id for r in rows if r.previous_id])
        return [(row, previous.get(row.previous_id)) for row in rows]

    def _bodies(self, ids):
        found = {}
        for row, before in self._rows(Body, ids):
            url = ""
            if row.history_type != "-":
                url = reverse("bodies:body", args=[self.period.slug, row.slug])
            found[("body", row.history_id)] = Change(
                when=row.history_date,
                kind="body",
                action=row.history_type,
                title=row.name,
                url=url,
                fields=self._changed_fields(Body, row, before),
                history_id=row.history_id,
            )
        return found

    def _seats(self, ids):
        found = {}
        for row, before in self._rows(Seat, ids, "body", "organisation"):
            body = row.body  # the body as it is now (a deleted one has gone)
            label = row.office_label or (row.organisation.name if row.organisation else "")
            role = dict(Seat.Role.choices).get(row.role, row.role)
            found[("seat", row.history_id)] = Change(
                when=row.history_date,
                kind="seat",
                action=row.history_type,
                title=gettext("%(body)s: plats för %(who)s (%(role)s)")
                % {"body": body.name if body else "–", "who": label, "role": role},
                url=reverse("bodies:body", args=[self.period.slug, body.slug]) if body else "",
                fields=self._changed_fields(Seat, row, before),
                history_id=row.history_id,
            )
        return found

    def _appointments(self, ids):
        found = {}
        rows = self._rows(Appointment, ids, "person", "seat__body", "seat__organisation")
        for row, before in rows:
            seat = row.seat
            dates = formats.date_format(row.start)
            if row.end:
                dates += " – " + formats.date_format(row.end)
            found[("appointment", row.history_id)] = Change(
                when=row.history_date,
                kind="appointment",
                action=row.history_type,
                title=gettext("%(person)s i %(body)s för %(organisation)s, %(dates)s")
                % {
                    "person": row.person.full_name,
                    "body": seat.body.name if seat else "–",
                    "organisation": seat.organisation.name if seat else "–",
                    "dates": dates,
                },
                url=reverse("bodies:body", args=[self.period.slug, seat.body.slug]) if seat else "",
                fields=self._changed_fields(Appointment, row, before),
                history_id=row.history_id,
            )
        return found


def latest_changes(period: MandatePeriod, limit: int = 50) -> list[Change]:
    """The newest changes of the period, whenever they were (for the feed)."""
    far_past = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
    far_future = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)
    return PeriodChanges(period, far_past, far_future)[:limit]
