"""Where an organisation, or the municipalities of a county part, sit: seats by period.

The current period comes first (what a politician from Kumla looks for), then the
periods still to come (the proposal), then the earlier ones. Within a period each
ordinary seat stands beside the substitute seats that back it, as on a body's roster.
Everything is built in Python from one list of seats (``Seat.objects.with_appointments()``
with ``body__period``), so a page stays at a fixed number of queries.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from bodies.models import Body, Completeness, MandatePeriod, Organisation, RosterCell, Seat


@dataclass
class SeatRow:
    """An ordinary seat of one body beside the substitute seats backing it."""

    body: Body
    organisation: Organisation
    ordinary: RosterCell | None = None
    substitutes: list = field(default_factory=list)


@dataclass
class PeriodSeats:
    """The seats of one period, read on the day its rosters show (``default_day``)."""

    period: MandatePeriod
    on: object
    is_current: bool
    rows: list = field(default_factory=list)
    completeness: Completeness | None = None

    @property
    def is_coming(self):
        return self.period.start > timezone.localdate()


def by_period(seats, current=None):
    """``PeriodSeats`` for the seats: current period, then later ones, then earlier ones."""
    today = timezone.localdate()
    grouped = {}
    for seat in seats:
        period = seat.body.period
        grouped.setdefault(period.pk, (period, []))[1].append(seat)

    def order(item):
        period = item[0]
        if current is not None and period.pk == current.pk:
            return (0, 0)
        if period.start > today:
            return (1, period.start.toordinal())
        return (2, -period.start.toordinal())

    return [
        _period_seats(period, period_seats, current)
        for period, period_seats in sorted(grouped.values(), key=order)
    ]


def _period_seats(period, seats, current):
    on = period.default_day()
    ordinary_ids = {seat.pk for seat in seats if seat.role == Seat.Role.ORDINARY}
    rows = []
    beside = {}

    def row_of(seat_pk, seat):
        # A substitute may come before the seat it backs: the row is made at first touch.
        if seat_pk not in beside:
            beside[seat_pk] = SeatRow(body=seat.body, organisation=seat.organisation)
            rows.append(beside[seat_pk])
        return beside[seat_pk]

    cells = []
    for seat in seats:
        cell = RosterCell(seat, on)
        cells.append(cell)
        if seat.role == Seat.Role.ORDINARY:
            row = row_of(seat.pk, seat)
            row.ordinary, row.organisation = cell, seat.organisation
        elif seat.backs_id in ordinary_ids:
            row_of(seat.backs_id, seat).substitutes.append(cell)
        else:
            rows.append(SeatRow(body=seat.body, organisation=seat.organisation, substitutes=[cell]))
    return PeriodSeats(
        period=period,
        on=on,
        is_current=current is not None and period.pk == current.pk,
        rows=rows,
        completeness=Completeness.of(cell.state for cell in cells),
    )
