"""A save that loses to another saved at the same moment answers with the form and a
Swedish message, never a 500 — whatever the database refused it with."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection
from django.urls import reverse
from django.utils.html import escape

from members.models import Appointment
from tests.pages import management
from tests.test_admin_appointments import post_seat, seat_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def seat(make):
    period = make.period("2023–2026")
    return make.seat(make.body(period, "Kulturrådet"), make.organisation("Lindesbergs kommun"))


def typed(seat, person):
    return {
        "person": person.pk,
        "seat": seat.pk,
        "start": "2024-03-01",
        "end": "",
        "appointed_by": "Kommunfullmäktige 2024-02-12",
        "note": "Efterträder Anna",
        **management("officer_terms"),
    }


def refused_by(error):
    """Saves fail as the database would fail them had another save come first."""
    return mock.patch.object(Appointment, "save", autospec=True, side_effect=error)


def test_a_constraint_refusal_gives_the_form_back_with_what_was_typed(admin_client, make, seat):
    bo = make.person("Bo", "Ek")
    error = IntegrityError(
        'conflicting key value violates exclusion constraint "appointment_one_seat_per_body"'
    )
    with refused_by(error):
        response = admin_client.post(reverse("admin:members_appointment_add"), typed(seat, bo))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        escape(
            "En annan ändring sparades samtidigt, och med den skulle den här bryta mot regeln att "
            "en person har bara en plats i ett organ åt gången. Ingenting sparades; kontrollera "
            "uppgifterna och spara igen."
        )
        in page
    )
    assert 'value="Kommunfullmäktige 2024-02-12"' in page
    assert 'value="Efterträder Anna"' in page
    assert 'value="2024-03-01"' in page
    assert not Appointment.objects.exists()


def test_an_unnamed_constraint_refusal_gives_a_general_message(admin_client, make, seat):
    with refused_by(IntegrityError("UNIQUE constraint failed: members_appointment.id")):
        response = admin_client.post(
            reverse("admin:members_appointment_add"), typed(seat, make.person())
        )
    assert response.status_code == 200
    assert escape("En annan ändring sparades samtidigt och krockar med den här") in (
        response.content.decode()
    )


def test_a_locked_database_gives_the_form_back(admin_client, make, seat):
    with refused_by(OperationalError("database is locked")):
        response = admin_client.post(
            reverse("admin:members_appointment_add"), typed(seat, make.person())
        )
    assert response.status_code == 200
    assert escape("Databasen var upptagen av en annan ändring som sparades samtidigt.") in (
        response.content.decode()
    )


def test_a_refused_inline_row_gives_the_parent_form_back(admin_client, make, seat):
    bo = make.person("Bo", "Ek")
    row = {"person": bo.pk, "start": "2024-03-01", "appointed_by": "KF", "note": "Ny"}
    error = IntegrityError('violates exclusion constraint "appointment_no_overlap_in_seat"')
    with refused_by(error):
        response = post_seat(admin_client, seat, seat_data(seat, row, office_label="Kulturchef"))
    assert response.status_code == 200
    page = response.content.decode()
    assert escape("regeln att uppdrag på samma plats får inte överlappa varandra.") in page
    assert 'value="Kulturchef"' in page
    seat.refresh_from_db()
    assert seat.office_label == ""


def test_any_other_database_error_is_not_hidden(admin_client, make, seat):
    missing = OperationalError("no such table: members_appointment")
    with refused_by(missing), pytest.raises(OperationalError):
        admin_client.post(reverse("admin:members_appointment_add"), typed(seat, make.person()))


def test_sqlite_writers_wait_for_each_other_instead_of_failing():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert connection.transaction_mode == "IMMEDIATE"
