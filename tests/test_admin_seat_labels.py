"""Seats in the admin say which seat they are: body, period, organisation, number, holder."""

import datetime

import pytest
from django.urls import reverse

from bodies.models import Seat

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def council(make):
    period = make.period("2023–2026")
    nora = make.organisation("Nora kommun")
    body = make.body(period, "Regionala samverkansrådet", short_name="RSR")
    first = make.seat(body, nora)
    second = make.seat(body, nora)
    substitute = make.seat(body, nora, role=Seat.Role.SUBSTITUTE, backs=second)
    tom = make.person("Tom", "Rymoén", organisation=nora)
    make.appointment(tom, second, start=D(2023, 1, 1))
    return body, first, second, substitute


def autocomplete(client, term, field="seat", model="appointment", app="members"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app, "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_a_seat_is_named_by_body_period_organisation_number_and_holder(council):
    _body, first, second, substitute = council

    assert str(first) == "RSR 2023–2026 · Nora kommun · ordinarie 1 (vakant)"
    assert str(second) == "RSR 2023–2026 · Nora kommun · ordinarie 2 (Tom Rymoén)"
    assert str(substitute) == (
        "RSR 2023–2026 · Nora kommun · ersättare 1 (vakant) för ordinarie 2 (Tom Rymoén)"
    )


def test_labelled_seats_need_one_query_for_the_whole_list(council, django_assert_num_queries):
    with django_assert_num_queries(1):
        labels = [seat.label() for seat in Seat.objects.labelled()]
    assert labels == [str(seat) for seat in Seat.objects.all()]


def test_the_number_stays_when_the_list_is_searched(council):
    found = Seat.objects.labelled().search("Rymoén")
    assert [seat.label() for seat in found] == [
        "RSR 2023–2026 · Nora kommun · ordinarie 2 (Tom Rymoén)"
    ]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("rymoén", 1),  # holder
        ("RSR nora", 3),  # body short name and organisation
        ("2023 ersättare", 1),  # period and role
        ("samverkansrådet ordinarie", 2),  # body name and role
        ("Askersund", 0),
    ],
)
def test_the_seat_autocomplete_searches_body_period_organisation_role_and_holder(
    council, admin_client, term, expected
):
    assert len(autocomplete(admin_client, term)) == expected


def test_the_autocomplete_shows_the_full_label(council, admin_client):
    assert autocomplete(admin_client, "Rymoén") == [
        "RSR 2023–2026 · Nora kommun · ordinarie 2 (Tom Rymoén)"
    ]


def test_an_editor_finds_only_the_seats_of_their_organisation(council, make, roles, client):
    body, first, *_ = council
    make.seat(body, make.organisation("Lindesbergs kommun"))
    nora = first.organisation
    client.force_login(roles("nora-red", organisations=[nora]))

    found = autocomplete(client, "RSR")

    assert len(found) == 3
    assert all("Nora kommun" in label for label in found)


def test_substitute_choices_say_whom_they_back(council, admin_client):
    body, _first, _second, substitute = council

    page = admin_client.get(reverse("admin:bodies_seat_change", args=[substitute.pk]))

    assert page.status_code == 200
    assert "Nora kommun · ordinarie 1 (vakant)" in page.text
    assert "Nora kommun · ordinarie 2 (Tom Rymoén)" in page.text
    body_page = admin_client.get(reverse("admin:bodies_body_change", args=[body.pk]))
    assert "Nora kommun · ordinarie 2 (Tom Rymoén)" in body_page.text


def test_the_appointment_form_names_the_chosen_seat(council, admin_client, make):
    _body, _first, second, _substitute = council
    appointment = second.appointments.get()

    page = admin_client.get(reverse("admin:members_appointment_change", args=[appointment.pk]))

    assert "RSR 2023–2026 · Nora kommun · ordinarie 2 (Tom Rymoén)" in page.text
