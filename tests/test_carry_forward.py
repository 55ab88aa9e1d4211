"""Carrying a period's structure forward into the next (proposed) period."""

import datetime
import threading
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from bodies import services
from bodies.models import Body, MandatePeriod, Seat
from members.models import Appointment

pytestmark = pytest.mark.django_db

D = datetime.date


def tree(period):
    """The forest as a compact string, with kind, support link and seats per body."""
    lines = []
    for body in period.bodies.order_by("tree_id", "lft").select_related("supports"):
        seats = ",".join(
            f"{s.organisation.slug}:{s.role[0]}{'>' if s.backs_id else ''}"
            for s in body.seats.select_related("organisation").order_by("order", "pk")
        )
        support = f" stöd:{body.supports.slug}" if body.supports_id else ""
        lines.append(f"{'  ' * body.level}{body.slug} [{body.kind}]{support} {seats}")
    return "\n".join(lines)


@pytest.fixture
def structure(make):
    period = make.period("2023–2026")
    region = make.organisation("Region", kind="region")
    nora = make.organisation("Nora kommun")
    top = make.body(period, "Regionala rådet", min_meetings_per_year=4)
    top.member_organisations.set([region, nora])
    make.rule(top, ordinary=1, substitutes=1)
    council = make.body(period, "Kulturrådet", parent=top)
    group = make.body(
        period, "Chefsgrupp", kind=Body.Kind.OFFICIALS_GROUP, parent=top, supports=council
    )
    make.body(period, "Nätverket", kind=Body.Kind.NETWORK, parent=group)
    make.body(period, "Partnerskapet", kind=Body.Kind.PARTNERSHIP)
    ordinary = make.seat(top, nora)
    make.seat(top, nora, role=Seat.Role.SUBSTITUTE, backs=ordinary)
    make.seat(top, region, position=Seat.Position.CHAIR)
    leaving = make.appointment(make.person(), ordinary, start=D(2023, 1, 1), end=D(2024, 6, 30))
    staying = make.appointment(make.person(), ordinary, start=D(2024, 7, 1))
    return period, leaving, staying


def test_it_copies_the_tree_exactly_and_links_predecessors(structure):
    period, *_ = structure
    new = services.carry_forward(period, name="2027–2030", slug="2027-2030")
    assert (new.start, new.end, new.status) == (
        D(2027, 1, 1),
        D(2030, 12, 31),
        MandatePeriod.Status.PROPOSED,
    )
    assert tree(new) == tree(period)
    for body in new.bodies.select_related("predecessor"):
        assert body.predecessor.period == period
        assert body.predecessor.slug == body.slug
    copied = new.bodies.get(slug="regionala-radet")
    assert copied.min_meetings_per_year == 4
    assert copied.rules.get().substitutes == 1
    assert copied.member_organisations.count() == 2
    substitute = copied.seats.get(role=Seat.Role.SUBSTITUTE)
    assert substitute.backs.body == copied


def test_it_copies_no_appointments_unless_asked(structure):
    period, *_ = structure
    new = services.carry_forward(period, name="2027–2030", slug="2027-2030")
    assert not Appointment.objects.filter(seat__body__period=new).exists()


def test_it_copies_running_appointments_redated_when_asked(structure):
    period, leaving, staying = structure
    new = services.carry_forward(period, name="2027–2030", slug="2027-2030", with_appointments=True)
    copied = Appointment.objects.get(seat__body__period=new)
    assert copied.person == staying.person
    assert (copied.start, copied.end) == (D(2027, 1, 1), None)


def test_it_is_atomic_nothing_is_created_when_a_step_fails(structure):
    period, *_ = structure
    bodies_before, seats_before = Body.objects.count(), Seat.objects.count()
    real_save = services._save
    calls = {"n": 0}

    def failing_save(obj):
        calls["n"] += 1
        if calls["n"] == 6:  # midway: after the period and a few bodies
            raise ValidationError("simulerat fel")
        return real_save(obj)

    with mock.patch.object(services, "_save", failing_save), pytest.raises(ValidationError):
        services.carry_forward(period, name="2027–2030", slug="2027-2030")
    assert not MandatePeriod.objects.filter(slug="2027-2030").exists()
    assert (Body.objects.count(), Seat.objects.count()) == (bodies_before, seats_before)


def test_it_refuses_a_new_period_that_overlaps_the_old(structure):
    period, *_ = structure
    with pytest.raises(ValidationError) as error:
        services.carry_forward(period, name="2025–2028", slug="2025-2028", start=D(2025, 1, 1))
    assert "Den nya perioden måste börja efter 2023–2026." in error.value.messages
    assert MandatePeriod.objects.count() == 1


def test_a_proposal_becomes_current_only_when_marked_decided(structure):
    period, *_ = structure
    new = services.carry_forward(period, name="2027–2030", slug="2027-2030")
    assert MandatePeriod.objects.current(on=D(2027, 3, 1)) is None
    with pytest.raises(ValidationError):
        new.mark_decided("", None)
    new.mark_decided("Regionala samverkansrådet 2026-10-15 § 4", D(2026, 10, 15))
    assert MandatePeriod.objects.current(on=D(2027, 3, 1)) == new


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_carry_forwards_make_one_period(make):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and two connections need PostgreSQL")
    period = make.period("2023–2026")
    make.body(period, "Regionala rådet")
    save = services._save

    def slow_save(obj):
        # Widen the race: validate, wait, then insert — as a slow server would.
        if isinstance(obj, MandatePeriod):
            obj.full_clean()
            time.sleep(0.5)
        return save(obj)

    start = threading.Barrier(2)
    outcomes = {}

    def run(name, slug):
        try:
            start.wait()
            services.carry_forward(period, name=name, slug=slug)
            outcomes[name] = "skapad"
        except ValidationError as error:
            outcomes[name] = " ".join(error.messages)
        except IntegrityError as error:
            outcomes[name] = f"IntegrityError {error}"
        finally:
            connections.close_all()

    names = {"2027–2030": "2027-2030", "Nästa period": "nasta-period"}
    with mock.patch("bodies.services._save", slow_save):
        threads = [threading.Thread(target=run, args=item) for item in names.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    winner = next(name for name, outcome in outcomes.items() if outcome == "skapad")
    loser = next(name for name in names if name != winner)
    # The loser waited for the winner's lock, then its validation saw the new period.
    assert outcomes[loser] == f"Perioden överlappar {winner}."
    assert MandatePeriod.objects.count() == 2


@pytest.mark.postgresql
def test_the_database_refuses_overlapping_periods_on_postgresql(make):
    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints need PostgreSQL")
    make.period("2023–2026")
    with pytest.raises(IntegrityError, match="mandate_period_no_overlap"), transaction.atomic():
        MandatePeriod.objects.create(
            name="Överlappande", slug="overlappande", start=D(2026, 1, 1), end=D(2029, 12, 31)
        )
