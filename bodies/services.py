"""Writes that span the whole structure of a period (and the members app)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from bodies.history import ChangeSet, change_set
from bodies.models import (
    Body,
    CompositionRule,
    MandatePeriod,
    Membership,
    Seat,
    appointment_model,
)


def next_period_dates(period):
    """The period after ``period``, as long as it: 2023–2026 gives 2027-01-01 – 2030-12-31."""
    return _period_after(period.end, period.end.year - period.start.year + 1)


def _period_after(day, years):
    start = day + datetime.timedelta(days=1)
    return start, start.replace(year=start.year + years) - datetime.timedelta(days=1)


def next_free_period_dates(period):
    """The first period after ``period``, as long as it, that overlaps no existing period.

    From 2023–2026 with the proposal 2027–2030 already made: 2031-01-01 – 2034-12-31.
    """
    years = period.end.year - period.start.year + 1
    start, end = _period_after(period.end, years)
    while True:
        taken = MandatePeriod.objects.filter(start__lte=end, end__gte=start).order_by("-end")
        latest = taken.first()
        if latest is None:
            return start, end
        start, end = _period_after(latest.end, years)


def later_periods(period):
    """Periods after ``period`` already made (a proposal, say), nearest first, with body counts."""
    return MandatePeriod.objects.filter(start__gt=period.end).with_body_counts().order_by("start")


@transaction.atomic
def carry_forward(
    period, *, name, slug, start=None, end=None, with_appointments=False, actor=None, reason=""
):
    """Create the next mandate period as a proposal with a copy of ``period``'s structure.

    Every body is copied with its place in the tree, support link, purpose, rules,
    member organisations and seats, and names its original as predecessor, so the two
    periods can be compared. Appointments are copied only on request, and then only
    those still running when ``period`` ends, re-dated to start with the new period.
    Runs in one transaction: any validation error leaves the database untouched.
    Everything written is one change set of ``actor``, found from the new period.
    """
    lock_periods()
    reason = reason or gettext("Ny period från %(period)s.") % {"period": period.name}
    with change_set(actor, ChangeSet.Kind.CARRY_FORWARD, reason) as change:
        new_period = _carry_forward(period, name, slug, start, end, with_appointments)
        change.period = new_period
    return new_period


def lock_periods():
    """Hold every mandate period row until the transaction ends (PostgreSQL).

    Two carry-forwards at once then run one after the other: the second waits
    here, and its validation sees the period the first created and refuses the
    overlap with a message. (SQLite lets one writer in at a time anyway: see the
    ``transaction_mode`` in the settings.)
    """
    list(MandatePeriod.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def _carry_forward(period, name, slug, start, end, with_appointments):
    default_start, default_end = next_period_dates(period)
    new_period = MandatePeriod(
        name=name,
        slug=slug,
        start=start or default_start,
        end=end or default_end,
        status=MandatePeriod.Status.PROPOSED,
    )
    if new_period.start <= period.end:
        raise ValidationError(
            gettext("Den nya perioden måste börja efter %(period)s.") % {"period": period.name}
        )
    _save(new_period)

    bodies = {}
    originals = list(
        period.bodies.order_by("tree_id", "lft").prefetch_related(
            "member_organisations", "rules", "seats"
        )
    )
    for original in originals:
        copy = Body(
            period=new_period,
            parent=bodies.get(original.parent_id),
            predecessor=original,
            **_fields(original, Body, exclude={"period", "parent", "predecessor", "supports"}),
        )
        bodies[original.pk] = _save(copy)
        # One by one, not .set(): each membership gets its historical record.
        for organisation in original.member_organisations.all():
            _save(Membership(body=copy, organisation=organisation))
        for rule in original.rules.all():
            _save(CompositionRule(body=copy, **_fields(rule, CompositionRule, exclude={"body"})))
    seats = {}
    for original in originals:
        copy = bodies[original.pk]
        if original.supports_id:
            copy.supports = bodies[original.supports_id]
            _save(copy)
        originals_seats = sorted(original.seats.all(), key=lambda seat: (seat.order, seat.pk))
        for seat in originals_seats:
            seats[seat.pk] = _save(
                Seat(body=copy, **_fields(seat, Seat, exclude={"body", "backs"}))
            )
        for seat in originals_seats:
            if seat.backs_id:  # second pass: the backed seat may come later in the order
                seats[seat.pk].backs = seats[seat.backs_id]
                _save(seats[seat.pk])
    if with_appointments:
        Appointment = appointment_model()  # members builds on bodies: see appointment_model
        running = Appointment.objects.filter(seat__body__period=period).current(on=period.end)
        for appointment in running:
            _save(
                Appointment(
                    person_id=appointment.person_id,
                    seat=seats[appointment.seat_id],
                    start=new_period.start,
                    appointed_by=appointment.appointed_by,
                    note=appointment.note,
                )
            )
    return new_period


def _fields(instance, model, exclude):
    """The plain (non-key, non-tree) field values of ``instance``."""
    skip = {"id", "lft", "rght", "tree_id", "level", *exclude}
    return {
        field.attname: getattr(instance, field.attname)
        for field in model._meta.concrete_fields
        if field.name not in skip
    }


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj
