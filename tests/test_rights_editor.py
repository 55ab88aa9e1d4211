"""What an organisation editor of Nora kommun can do: appoint Nora's people to Nora's seats
in an open period, correct an appointment, and nothing in a locked period; an ended
appointment is history and stays."""

import datetime

import pytest
from django.urls import reverse

from bodies.models import MandatePeriod, Organisation, Seat
from members.models import Appointment, Person
from tests.pages import freeze_today, management

pytestmark = pytest.mark.django_db


@pytest.fixture
def nora(orebro, monkeypatch):
    freeze_today(monkeypatch)  # 22 November 2026: 2023–2026 is open, 2019–2022 has ended
    return Organisation.objects.get(slug="nora-kommun")


@pytest.fixture
def editor(client, nora, roles):
    user = roles("nora", organisations=[nora])
    client.force_login(user)
    client.user = user
    return client


def nora_seat(period_slug, nora):
    return Seat.objects.filter(
        organisation=nora, body__period__slug=period_slug, role=Seat.Role.ORDINARY
    ).first()


@pytest.fixture
def nora_person(nora, make):
    return make.person("Nils", "Noraström", organisation=nora)


def appointment_form(person, seat, start, end=""):
    return {
        "person": person.pk,
        "seat": seat.pk,
        "start": start,
        "end": end,
        "appointed_by": "Kommunfullmäktige i Nora",
        "note": "",
        # The dated officer roles inline, shown to the registry secretary only.
        **management("officer_terms"),
    }


def test_an_editor_appoints_a_nora_person_to_a_nora_seat_in_an_open_period(
    editor, nora, nora_person
):
    seat = nora_seat("2023-2026", nora)

    response = editor.post(
        reverse("admin:members_appointment_add"),
        appointment_form(nora_person, seat, "2026-01-15"),
    )

    assert response.status_code == 302
    appointment = Appointment.objects.get(person=nora_person, seat=seat)
    record = appointment.history.get()
    assert (record.history_type, record.history_user) == ("+", editor.user)


def test_the_seat_choice_offers_only_noras_seats_in_open_periods(editor, nora):
    response = editor.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "appointment", "field_name": "seat", "term": ""},
    )
    offered = Seat.objects.filter(pk__in=[int(r["id"]) for r in response.json()["results"]])

    assert offered.exists()
    assert {seat.organisation_id for seat in offered} == {nora.pk}
    # The ended 2019–2022 is not offered; the open proposal 2027–2030 is.
    assert {seat.body.period.slug for seat in offered} == {"2023-2026", "2027-2030"}


def test_no_appointment_in_a_locked_period_but_the_registry_secretary_may(
    editor, nora, nora_person, admin_client
):
    MandatePeriod.objects.get(slug="2027-2030").lock(reason="Förslaget granskas")
    seat = nora_seat("2027-2030", nora)
    data = appointment_form(nora_person, seat, "2027-01-01")

    refused = editor.post(reverse("admin:members_appointment_add"), data)

    assert refused.status_code == 200  # the form again, with the seat refused
    assert "Välj ett giltigt alternativ" in refused.text
    assert not Appointment.objects.filter(seat=seat).exists()
    page = editor.get(reverse("admin:bodies_seat_change", args=[seat.pk]))
    assert page.status_code == 403

    admin_client.post(reverse("admin:members_appointment_add"), data)
    assert Appointment.objects.filter(seat=seat, person=nora_person).exists()


def test_no_appointment_in_an_ended_period(editor, nora, nora_person):
    seat = nora_seat("2019-2022", nora)
    response = editor.post(
        reverse("admin:members_appointment_add"),
        appointment_form(nora_person, seat, "2022-01-01"),
    )
    assert response.status_code == 200
    assert not Appointment.objects.filter(seat=seat, person=nora_person).exists()


@pytest.fixture
def ended(nora, nora_person, make):
    """Nils held a Nora seat in the open period until the spring."""
    return make.appointment(
        nora_person,
        nora_seat("2023-2026", nora),
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2026, 4, 30),
    )


def test_an_ended_appointment_cannot_be_deleted_by_an_editor(editor, ended):
    url = reverse("admin:members_appointment_delete", args=[ended.pk])

    assert editor.get(url).status_code == 403
    assert editor.post(url, {"post": "yes"}).status_code == 403
    assert Appointment.objects.filter(pk=ended.pk).exists()


def test_an_ended_appointment_cannot_be_deleted_in_the_seat_form_either(editor, ended):
    seat = ended.seat
    prefix = "appointments"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": ended.pk,
        f"{prefix}-0-seat": seat.pk,
        f"{prefix}-0-person": ended.person_id,
        f"{prefix}-0-start": "2023-01-01",
        f"{prefix}-0-end": "2026-04-30",
        f"{prefix}-0-appointed_by": "",
        f"{prefix}-0-note": "",
        f"{prefix}-0-DELETE": "on",
    }

    response = editor.post(reverse("admin:bodies_seat_change", args=[seat.pk]), data)

    assert response.status_code == 200
    assert "har avslutats och är historik" in response.text
    assert Appointment.objects.filter(pk=ended.pk).exists()


def test_an_editor_corrects_an_ended_appointment_and_the_correction_is_recorded(editor, ended):
    data = appointment_form(ended.person, ended.seat, "2023-01-01", "2026-05-31")
    data["change_reason"] = "Fel slutdatum i beslutet"

    response = editor.post(reverse("admin:members_appointment_change", args=[ended.pk]), data)

    assert response.status_code == 302
    ended.refresh_from_db()
    assert ended.end == datetime.date(2026, 5, 31)
    latest = ended.history.first()
    assert latest.history_user == editor.user
    assert latest.history_change_reason == "Fel slutdatum i beslutet"
    assert latest.prev_record.end == datetime.date(2026, 4, 30)


def test_an_editor_cannot_move_a_person_to_another_organisation(editor, nora_person):
    other = Organisation.objects.exclude(slug="nora-kommun").first()
    data = {
        "first_name": "Nils",
        "last_name": "Noraström",
        "slug": nora_person.slug,
        "party": "",
        "organisation": other.pk,
        "title": "",
        "email": "",
        "phone": "",
        "is_published": "on",
        "note": "",
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
        "appointments-MIN_NUM_FORMS": "0",
        "appointments-MAX_NUM_FORMS": "1000",
    }
    response = editor.post(reverse("admin:members_person_change", args=[nora_person.pk]), data)
    assert response.status_code == 200  # the form again: the organisation is not offered
    assert Person.objects.get(pk=nora_person.pk).organisation.slug == "nora-kommun"


def test_an_editor_appoints_on_the_seat_page_and_lands_on_a_page_they_may_see(
    editor, nora, nora_person
):
    seat = Seat.objects.filter(
        organisation=nora, body__period__slug="2023-2026", appointments__isnull=True
    ).first()
    prefix = "appointments"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-seat": seat.pk,
        f"{prefix}-0-person": nora_person.pk,
        f"{prefix}-0-start": "2026-11-01",
        f"{prefix}-0-end": "",
        f"{prefix}-0-appointed_by": "Kommunfullmäktige",
        f"{prefix}-0-note": "",
        "change_reason": "Fyllnadsval",
    }

    response = editor.post(reverse("admin:bodies_seat_change", args=[seat.pk]), data, follow=True)

    assert response.status_code == 200
    assert Appointment.objects.get(seat=seat).person == nora_person


def test_an_editor_saves_a_person_who_also_held_a_seat_of_an_ended_period(
    editor, nora, nora_person, make
):
    free = Seat.objects.filter(
        organisation=nora, body__period__slug="2019-2022", appointments__isnull=True
    ).first()
    old = make.appointment(
        nora_person,
        free,
        start=datetime.date(2019, 1, 1),
        end=datetime.date(2022, 12, 31),
    )
    prefix = "appointments"
    data = {
        "first_name": "Nils",
        "last_name": "Noraström",
        "slug": nora_person.slug,
        "party": "",
        "organisation": nora.pk,
        "title": "Kommunalråd",
        "email": "",
        "phone": "",
        "is_published": "on",
        "note": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": old.pk,
        f"{prefix}-0-person": nora_person.pk,
        f"{prefix}-0-seat": old.seat_id,
        f"{prefix}-0-start": "2019-01-01",
        f"{prefix}-0-end": "2022-12-31",
        f"{prefix}-0-appointed_by": "",
        f"{prefix}-0-note": "",
    }
    url = reverse("admin:members_person_change", args=[nora_person.pk])

    assert editor.post(url, data).status_code == 302
    assert Person.objects.get(pk=nora_person.pk).title == "Kommunalråd"

    # The old appointment itself stays as it was: its period has ended.
    data[f"{prefix}-0-end"] = "2022-06-30"
    refused = editor.post(url, data)
    assert refused.status_code == 200
    assert "Du får inte ändra" in refused.text
    old.refresh_from_db()
    assert old.end == datetime.date(2022, 12, 31)
