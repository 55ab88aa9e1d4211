"""Appointments typed into the admin are checked, with Swedish messages, and nothing is lost."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from bodies.models import Seat
from members.models import Appointment
from tests.pages import management

pytestmark = pytest.mark.django_db

OVERLAP_IN_FORM = "Uppdraget överlappar ett annat uppdrag på samma plats i formuläret"


@pytest.fixture
def seat(make):
    period = make.period("2023–2026")
    return make.seat(make.body(period, "Kulturrådet"), make.organisation("Lindesbergs kommun"))


@pytest.fixture
def anna(make):
    return make.person("Anna", "Berg")


@pytest.fixture
def bo(make):
    return make.person("Bo", "Ek")


def seat_data(seat, *rows, initial=0, **fields):
    """The seat change form with appointment rows: dicts of field → value."""
    data = {
        "organisation": seat.organisation_id,
        "role": seat.role,
        "position": seat.position,
        "office_label": seat.office_label,
        "order": seat.order,
        **management("appointments", total=len(rows), initial=initial),
        **fields,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"appointments-{index}-{name}"] = "" if value is None else value
        data.setdefault(f"appointments-{index}-seat", seat.pk)
    return data


def post_seat(client, seat, data):
    return client.post(reverse("admin:bodies_seat_change", args=[seat.pk]), data)


def existing(appointment):
    return {
        "id": appointment.pk,
        "person": appointment.person_id,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat() if appointment.end else "",
        "appointed_by": appointment.appointed_by,
        "note": appointment.note,
    }


def test_an_overlapping_appointment_is_refused_and_what_was_typed_is_kept(
    admin_client, make, seat, anna, bo
):
    current = make.appointment(anna, seat, start=datetime.date(2023, 1, 1))
    data = seat_data(
        seat,
        existing(current),
        {
            "person": bo.pk,
            "start": "2024-03-01",
            "appointed_by": "Kommunfullmäktige 2024-02-12",
            "note": "Efterträder Anna",
        },
        initial=1,
        office_label="Kulturchef",
    )
    response = post_seat(admin_client, seat, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert (
        escape(
            "Platsen innehas redan av Anna Berg från 1 januari 2023. "
            "Avsluta det uppdraget först eller välj andra datum."
        )
        in content
    )
    # Nothing was saved …
    assert list(Appointment.objects.all()) == [current]
    seat.refresh_from_db()
    assert seat.office_label == ""
    # … and everything typed is shown again.
    assert 'value="Kommunfullmäktige 2024-02-12"' in content
    assert 'value="Efterträder Anna"' in content
    assert 'value="2024-03-01"' in content
    assert 'value="Kulturchef"' in content


def test_an_appointment_outside_the_period_is_refused(admin_client, seat, anna):
    data = seat_data(seat, {"person": anna.pk, "start": "2022-12-01"})
    response = post_seat(admin_client, seat, data)

    assert response.status_code == 200
    assert "Uppdraget måste ligga inom mandatperioden 2023–2026" in response.content.decode()
    assert not Appointment.objects.exists()


def test_an_appointment_ending_before_it_starts_is_refused(admin_client, seat, anna):
    data = seat_data(seat, {"person": anna.pk, "start": "2024-01-01", "end": "2023-06-30"})
    response = post_seat(admin_client, seat, data)

    assert response.status_code == 200
    assert "Ett uppdrag kan inte sluta innan det börjar." in response.content.decode()
    assert not Appointment.objects.exists()


def test_two_new_overlapping_rows_are_refused(admin_client, seat, anna, bo):
    data = seat_data(
        seat,
        {"person": anna.pk, "start": "2023-01-01", "end": "2024-12-31"},
        {"person": bo.pk, "start": "2024-06-01", "end": ""},
    )
    response = post_seat(admin_client, seat, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert OVERLAP_IN_FORM in content
    assert "Anna Berg från 1 januari 2023" in content
    assert not Appointment.objects.exists()


def test_two_new_open_ended_rows_are_refused(admin_client, seat, anna, bo):
    data = seat_data(
        seat,
        {"person": anna.pk, "start": "2024-01-01"},
        {"person": bo.pk, "start": "2023-01-01", "end": "2023-12-31"},
        {"person": bo.pk, "start": "2025-01-01"},
    )
    response = post_seat(admin_client, seat, data)

    assert response.status_code == 200
    assert OVERLAP_IN_FORM in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_changed_row_overlapping_a_new_row_is_refused(admin_client, make, seat, anna, bo):
    first = make.appointment(
        anna, seat, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31)
    )
    # Anna's appointment is extended while Bo is added from 2024: they would overlap.
    data = seat_data(
        seat,
        {**existing(first), "end": "2024-06-30"},
        {"person": bo.pk, "start": "2024-01-01"},
        initial=1,
    )
    response = post_seat(admin_client, seat, data)

    assert response.status_code == 200
    assert OVERLAP_IN_FORM in response.content.decode()
    first.refresh_from_db()
    assert first.end == datetime.date(2023, 12, 31)
    assert Appointment.objects.count() == 1


def test_ending_an_appointment_and_adding_the_successor_in_one_save(
    admin_client, make, seat, anna, bo
):
    current = make.appointment(anna, seat, start=datetime.date(2023, 1, 1))
    data = seat_data(
        seat,
        {**existing(current), "end": "2024-02-29"},
        {"person": bo.pk, "start": "2024-03-01"},
        initial=1,
    )
    response = post_seat(admin_client, seat, data)

    assert response.status_code == 302, response.context["errors"]
    assert [(a.person, a.start, a.end) for a in seat.appointments.order_by("start")] == [
        (anna, datetime.date(2023, 1, 1), datetime.date(2024, 2, 29)),
        (bo, datetime.date(2024, 3, 1), None),
    ]


def test_replacing_an_appointment_by_deleting_it_in_the_same_save(
    admin_client, make, seat, anna, bo
):
    wrong = make.appointment(anna, seat, start=datetime.date(2023, 1, 1))
    data = seat_data(
        seat,
        {**existing(wrong), "DELETE": "on"},
        {"person": bo.pk, "start": "2023-01-01"},
        initial=1,
    )
    response = post_seat(admin_client, seat, data)

    assert response.status_code == 302, response.context["errors"]
    assert [a.person for a in seat.appointments.all()] == [bo]


def test_a_new_seat_with_an_appointment_outside_the_period_is_refused(admin_client, make, anna):
    period = make.period("2023–2026")
    body = make.body(period)
    data = {
        "body": body.pk,
        "organisation": make.organisation().pk,
        "role": Seat.Role.ORDINARY,
        "position": Seat.Position.MEMBER,
        "order": "0",
        **management("appointments", total=1),
        "appointments-0-person": anna.pk,
        "appointments-0-start": "2027-01-01",
    }
    response = admin_client.post(reverse("admin:bodies_seat_add"), data)

    assert response.status_code == 200
    assert "Uppdraget måste ligga inom mandatperioden 2023–2026" in response.content.decode()
    assert not Seat.objects.exists()


def person_data(person, *rows, initial=0):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "slug": person.slug,
        "is_published": "on",
        **management("appointments", total=len(rows), initial=initial),
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"appointments-{index}-{name}"] = "" if value is None else value
        data[f"appointments-{index}-person"] = person.pk
    return data


def test_a_person_gets_appointments_on_their_own_page(admin_client, make, seat, anna):
    other_seat = make.seat(seat.body, seat.organisation, role=Seat.Role.SUBSTITUTE)
    data = person_data(
        anna,
        {"seat": seat.pk, "start": "2023-01-01", "end": "2023-12-31"},
        {"seat": other_seat.pk, "start": "2024-01-01"},
    )
    response = admin_client.post(reverse("admin:members_person_change", args=[anna.pk]), data)

    assert response.status_code == 302, response.context["errors"]
    assert anna.appointments.count() == 2


def test_a_person_cannot_get_two_overlapping_new_seats_of_one_body(admin_client, make, seat, anna):
    other_seat = make.seat(seat.body, seat.organisation, role=Seat.Role.SUBSTITUTE)
    data = person_data(
        anna,
        {"seat": seat.pk, "start": "2023-01-01", "end": "2023-12-31"},
        {"seat": other_seat.pk, "start": "2023-06-01", "appointed_by": "KF 2023-05-20"},
    )
    response = admin_client.post(reverse("admin:members_person_change", args=[anna.pk]), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        escape(
            "Anna Berg har redan en plats i Kulturrådet i formuläret (från 1 januari 2023). En "
            "person kan ha bara en plats i ett organ åt gången"
        )
        in page
    )
    assert 'value="KF 2023-05-20"' in page
    assert not Appointment.objects.exists()


def test_a_person_cannot_get_two_overlapping_new_rows_for_one_seat(admin_client, seat, anna):
    data = person_data(
        anna,
        {"seat": seat.pk, "start": "2023-01-01", "end": "2023-12-31"},
        {"seat": seat.pk, "start": "2023-06-01"},
    )
    response = admin_client.post(reverse("admin:members_person_change", args=[anna.pk]), data)

    assert response.status_code == 200
    assert OVERLAP_IN_FORM in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_person_row_overlapping_someone_elses_appointment_is_refused(
    admin_client, make, seat, anna, bo
):
    make.appointment(bo, seat, start=datetime.date(2023, 1, 1))
    data = person_data(anna, {"seat": seat.pk, "start": "2024-01-01"})
    response = admin_client.post(reverse("admin:members_person_change", args=[anna.pk]), data)

    assert response.status_code == 200
    assert "Platsen innehas redan av Bo Ek" in response.content.decode()
    assert not anna.appointments.exists()


def test_the_appointment_admin_refuses_an_overlap(admin_client, make, seat, anna, bo):
    make.appointment(bo, seat, start=datetime.date(2023, 1, 1))
    data = {"person": anna.pk, "seat": seat.pk, "start": "2024-01-01", "note": "Ny ledamot"}
    response = admin_client.post(reverse("admin:members_appointment_add"), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Platsen innehas redan av Bo Ek" in content
    assert 'value="Ny ledamot"' in content
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("first_end", "second_start"),
    [("2024-12-31", "2025-01-01"), ("2023-12-31", "2024-01-01")],
    ids=["later", "earlier"],
)
def test_moving_a_changeover_between_two_appointments_in_one_save(
    admin_client, make, seat, anna, bo, first_end, second_start
):
    # On PostgreSQL each UPDATE is checked against the exclusion constraint, so the
    # rows have to be saved in an order that never overlaps on the way.
    first = make.appointment(
        anna, seat, start=datetime.date(2023, 1, 1), end=datetime.date(2024, 6, 30)
    )
    second = make.appointment(bo, seat, start=datetime.date(2024, 7, 1))
    data = seat_data(
        seat,
        {**existing(first), "end": first_end},
        {**existing(second), "start": second_start},
        initial=2,
    )
    response = post_seat(admin_client, seat, data)

    assert response.status_code == 302, response.context["errors"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.end.isoformat() == first_end
    assert second.start.isoformat() == second_start
