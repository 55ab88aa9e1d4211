"""Appointments: within the period, never overlapping in one seat, one seat of a body at a time."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from members.models import Appointment

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def seat(make):
    return make.seat(make.body(make.period("2023–2026")), make.organisation("Nora kommun"))


def test_an_appointment_must_lie_within_the_mandate_period(make, seat):
    appointment = Appointment(person=make.person(), seat=seat, start=D(2022, 6, 1))
    with pytest.raises(ValidationError) as error:
        appointment.full_clean()
    assert error.value.messages == [
        "Uppdraget måste ligga inom mandatperioden 2023–2026 (1 januari 2023–31 december 2026)."
    ]


def test_an_appointment_cannot_end_before_it_starts(make, seat):
    appointment = Appointment(
        person=make.person(), seat=seat, start=D(2024, 6, 1), end=D(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        appointment.full_clean()
    assert "Ett uppdrag kan inte sluta innan det börjar." in error.value.messages


def test_overlapping_appointments_to_one_seat_are_refused_with_the_holders_name(make, seat):
    make.appointment(make.person("Tom", "Rymoén"), seat, start=D(2023, 1, 1), end=D(2024, 6, 30))
    clash = Appointment(person=make.person(), seat=seat, start=D(2024, 6, 30))
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert error.value.messages == [
        "Platsen innehas redan av Tom Rymoén från 1 januari 2023 till 30 juni 2024. "
        "Avsluta det uppdraget först eller välj andra datum."
    ]


def test_an_open_ended_appointment_blocks_every_later_start(make, seat):
    make.appointment(make.person(), seat, start=D(2023, 1, 1), end=None)
    with pytest.raises(ValidationError):
        Appointment(person=make.person(), seat=seat, start=D(2026, 12, 1)).full_clean()


def test_consecutive_appointments_are_allowed(make, seat):
    make.appointment(make.person(), seat, start=D(2023, 1, 1), end=D(2024, 6, 30))
    Appointment(person=make.person(), seat=seat, start=D(2024, 7, 1)).full_clean()


def test_current_appointments_follow_the_date(make, seat):
    first = make.appointment(make.person(), seat, start=D(2023, 1, 1), end=D(2024, 6, 30))
    second = make.appointment(make.person(), seat, start=D(2024, 7, 1))
    assert list(Appointment.objects.current(on=D(2024, 6, 30))) == [first]
    assert list(Appointment.objects.current(on=D(2024, 7, 1))) == [second]


def test_a_person_with_appointments_cannot_be_deleted(make, seat):
    person = make.person()
    make.appointment(person, seat)
    with pytest.raises(ProtectedError):
        person.delete()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_overlaps_on_postgresql(make, seat):
    """Bypassing validation (as a race between two saves would) still cannot overlap."""
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    make.appointment(make.person(), seat, start=D(2023, 1, 1), end=D(2024, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(person=make.person(), seat=seat, start=D(2024, 12, 31))
    # Touching ends are an overlap too (both days inclusive); the next day is free.
    Appointment.objects.create(person=make.person(), seat=seat, start=D(2025, 1, 1))


@pytest.mark.django_db(transaction=True)
def test_two_appointments_can_swap_dates_in_one_save_on_postgresql(make, seat):
    """The constraint is checked at commit: a swap overlaps only halfway through."""
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    first = make.appointment(make.person(), seat, start=D(2023, 1, 1), end=D(2023, 12, 31))
    second = make.appointment(make.person(), seat, start=D(2024, 1, 1), end=D(2024, 12, 31))

    with transaction.atomic():
        Appointment.objects.filter(pk=first.pk).update(start=D(2024, 1, 1), end=D(2024, 12, 31))
        Appointment.objects.filter(pk=second.pk).update(start=D(2023, 1, 1), end=D(2023, 12, 31))

    first.refresh_from_db()
    assert first.start == D(2024, 1, 1)


def test_the_database_allows_same_dates_in_different_seats_on_postgresql(make, seat):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    other = make.seat(seat.body, seat.organisation)
    Appointment.objects.create(person=make.person(), seat=seat, start=D(2023, 1, 1))
    Appointment.objects.create(person=make.person(), seat=other, start=D(2023, 1, 1))
    assert Appointment.objects.count() == 2


# --- One person, one seat of a body at a time ------------------------------------------


def test_a_person_cannot_hold_two_seats_of_one_body_at_once(make, seat):
    person = make.person("Tom", "Rymoén")
    make.appointment(person, seat, start=D(2023, 1, 1), end=D(2024, 12, 31))
    substitute = make.seat(seat.body, make.organisation("Laxå kommun"), role="substitute")
    second = Appointment(person=person, seat=substitute, start=D(2024, 6, 1))
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    body = seat.body.display_name
    assert error.value.messages == [
        f"Tom Rymoén har redan en plats i {body} (Nora kommun, ordinarie ledamot) från "
        "1 januari 2023 till 31 december 2024. En person kan ha bara en plats i ett organ åt "
        "gången: avsluta det uppdraget först eller välj andra datum."
    ]


def test_a_person_may_change_seats_of_a_body_one_after_the_other(make, seat):
    person = make.person()
    make.appointment(person, seat, start=D(2023, 1, 1), end=D(2024, 12, 31))
    other = make.seat(seat.body, seat.organisation, role="substitute")
    Appointment(person=person, seat=other, start=D(2025, 1, 1)).full_clean()


def test_a_person_may_hold_seats_of_different_bodies_at_once(make, seat):
    person = make.person()
    make.appointment(person, seat)
    elsewhere = make.seat(make.body(seat.body.period, "Kulturrådet"), seat.organisation)
    Appointment(person=person, seat=elsewhere, start=seat.body.period.start).full_clean()


def test_the_appointment_keeps_its_seats_body(make, seat):
    appointment = make.appointment(make.person(), seat)
    assert appointment.body == seat.body
    moved_to = make.body(seat.body.period, "Kulturrådet")
    seat.body = moved_to
    seat.save()
    appointment.refresh_from_db()
    assert appointment.body == moved_to


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_two_seats_of_one_body_on_postgresql(make, seat):
    """Bypassing validation (as a race between two saves would) still cannot seat twice."""
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    person = make.person()
    make.appointment(person, seat, start=D(2023, 1, 1), end=D(2024, 12, 31))
    other = make.seat(seat.body, seat.organisation, role="substitute")
    with (
        pytest.raises(IntegrityError, match="appointment_one_seat_per_body"),
        transaction.atomic(),
    ):
        Appointment.objects.create(person=person, seat=other, start=D(2024, 12, 31))
    Appointment.objects.create(person=person, seat=other, start=D(2025, 1, 1))
