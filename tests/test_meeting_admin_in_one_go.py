"""Recording a meeting in one go: body and date first, the attendance list filled at once."""

import datetime

import pytest
from django.urls import reverse

from bodies.models import Seat
from meetings.models import Attendance, Meeting
from members.models import Appointment, Person
from tests.clicks import Journey

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def council(make):
    period = make.period("2023–2026")
    body = make.body(period, "Rådet")
    town = make.organisation("Nora kommun")
    seat = make.seat(body, town)
    tom = make.person("Tom", "Rymoén", organisation=town)
    make.appointment(tom, seat, start=D(2023, 1, 1))
    return body, tom


def big_council(make, size):
    """A body with ``size`` seats, each held (bulk: the history is not the point here)."""
    period = make.period("2023–2026")
    body = make.body(period, "Stora rådet")
    town = make.organisation("Nora kommun")
    seats = Seat.objects.bulk_create(
        Seat(body=body, organisation=town, order=number) for number in range(size)
    )
    people = Person.objects.bulk_create(
        Person(first_name="Ledamot", last_name=f"Nummer {n}", slug=f"ledamot-{n}")
        for n in range(size)
    )
    Appointment.objects.bulk_create(
        Appointment(person=person, seat=seat, body=seat.body, start=D(2023, 1, 1))
        for person, seat in zip(people, seats, strict=True)
    )
    return body


def test_a_new_meeting_starts_by_choosing_body_and_date(council, admin_client):
    body, tom = council
    journey = Journey(admin_client).open(reverse("admin:meetings_meeting_changelist"))

    journey.click("Lägg till möte")
    assert "välj organ och datum" in journey.response.text
    journey.submit({"body": body.pk, "datum": "2024-03-14"})

    assert 'name="attendances-TOTAL_FORMS" value="4"' in journey.response.text  # Tom + 3 blank
    journey.submit({"place": "Örebro"})
    meeting = Meeting.objects.get()
    assert meeting.day == D(2024, 3, 14)
    assert [(a.person, a.status) for a in meeting.attendances.all()] == [
        (tom, Attendance.Status.PRESENT)
    ]
    assert (journey.clicks, journey.page_loads) == (3, 5)


def test_the_body_page_registers_a_meeting_with_the_roster_in_two_clicks(council, admin_client):
    body, tom = council
    journey = Journey(admin_client).open(reverse("admin:bodies_body_change", args=[body.pk]))

    journey.click("Registrera möte")
    journey.submit({"place": "Örebro"})

    assert Meeting.objects.get().attendances.get().person == tom
    assert journey.clicks == 2


def test_a_warning_when_the_chair_is_not_on_the_list(council, admin_client, make):
    body, tom = council
    chair = make.person("Ingrid", "Ordförande")
    meeting = make.meeting(body, start=None, chair=chair)
    make.attendance(meeting, tom)

    page = admin_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))

    assert "Ordföranden Ingrid Ordförande finns inte med på närvarolistan." in page.text


def test_a_meeting_of_400_attendees_is_saved_from_the_prefilled_list(make, admin_client):
    body = big_council(make, 400)
    journey = Journey(admin_client).open(
        reverse("admin:meetings_meeting_add") + f"?body={body.pk}&datum=2024-03-14"
    )
    assert 'name="attendances-TOTAL_FORMS" value="403"' in journey.response.text

    journey.submit({"place": "Örebro"})

    assert journey.response.status_code == 200
    assert Meeting.objects.get().attendances.count() == 400


def test_a_refused_save_of_400_rows_keeps_what_was_typed(make, admin_client):
    body = big_council(make, 400)
    journey = Journey(admin_client).open(
        reverse("admin:meetings_meeting_add") + f"?body={body.pk}&datum=2024-03-14"
    )

    journey.submit({"place": "Typad plats", "attendances-399-status": "serving"})

    assert journey.response.status_code == 200  # not a bare 400: the form again
    assert 'value="Typad plats"' in journey.response.text
    assert 'name="attendances-TOTAL_FORMS" value="403"' in journey.response.text
    assert not Meeting.objects.exists()
