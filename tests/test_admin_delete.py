"""Deleting in the admin never removes history: protected objects get Django's explanation."""

import datetime

import pytest
from django.urls import reverse

from bodies.models import Body, MandatePeriod, Seat
from meetings.models import Adjuster
from members.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make):
    period = make.period("2023–2026")
    body = make.body(period, "Kulturrådet")
    seat = make.seat(body, make.organisation("Lindesbergs kommun"))
    person = make.person("Anna", "Berg")
    make.appointment(person, seat)
    return period, body, seat, person


def assert_protected_page(response, *related):
    assert response.status_code == 200
    assert response.context["protected"], "expected Django's protected-objects page"
    content = response.content.decode()
    for text in related:
        assert text in content


def test_a_person_with_appointments_cannot_be_deleted(admin_client, history):
    *_rest, person = history
    url = reverse("admin:members_person_delete", args=[person.pk])
    assert_protected_page(admin_client.get(url), "Anna Berg – Kulturrådet")
    assert_protected_page(admin_client.post(url, {"post": "yes"}))
    assert Person.objects.filter(pk=person.pk).exists()


@pytest.fixture
def adjusted(make):
    """A meeting whose minutes Tom Rymoén adjusted."""
    body = make.body(make.period("2019–2022"), "Rådet")
    meeting = make.meeting(body, datetime.datetime(2022, 12, 22, 9))
    person = make.person("Tom", "Rymoén")
    meeting.adjusters.add(person)
    return meeting, person


def test_a_person_who_approved_minutes_cannot_be_deleted(admin_client, adjusted):
    # Adjusting minutes is history too: deleting the person would erase who approved them.
    meeting, person = adjusted
    url = reverse("admin:members_person_delete", args=[person.pk])
    assert_protected_page(admin_client.get(url), "Justerare: Tom Rymoén – Rådet")
    assert_protected_page(admin_client.post(url, {"post": "yes"}))
    assert list(meeting.adjusters.all()) == [person]


def test_deleting_a_meeting_removes_its_adjusters_but_not_the_people(admin_client, adjusted):
    meeting, person = adjusted
    url = reverse("admin:meetings_meeting_delete", args=[meeting.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Adjuster.objects.exists()
    assert Person.objects.filter(pk=person.pk).exists()


def test_an_organisation_listed_as_a_member_cannot_be_deleted(admin_client, make):
    # Listed among a body's member organisations, even without a seat, is history too.
    body = make.body(make.period("2019–2022"), "Rådet")
    county = make.organisation("Länsstyrelsen i Örebro län")
    body.member_organisations.add(county)
    url = reverse("admin:bodies_organisation_delete", args=[county.pk])
    assert_protected_page(
        admin_client.get(url), "Medlemsorganisation: Länsstyrelsen i Örebro län – Rådet"
    )
    assert_protected_page(admin_client.post(url, {"post": "yes"}))
    assert list(body.member_organisations.all()) == [county]


def test_a_body_with_seats_cannot_be_deleted(admin_client, history):
    _period, body, _seat, _person = history
    url = reverse("admin:bodies_body_delete", args=[body.pk])
    assert_protected_page(admin_client.get(url), "Lindesbergs kommun")
    assert_protected_page(admin_client.post(url, {"post": "yes"}))
    assert Body.objects.filter(pk=body.pk).exists()


def test_a_seat_with_appointments_and_a_period_with_bodies_cannot_be_deleted(admin_client, history):
    period, _body, seat, _person = history
    for url in (
        reverse("admin:bodies_seat_delete", args=[seat.pk]),
        reverse("admin:bodies_mandateperiod_delete", args=[period.pk]),
    ):
        assert_protected_page(admin_client.post(url, {"post": "yes"}))
    assert Seat.objects.filter(pk=seat.pk).exists()
    assert MandatePeriod.objects.filter(pk=period.pk).exists()


def test_deleting_selected_bodies_in_the_tree_is_refused_for_protected_ones(admin_client, history):
    _period, body, _seat, _person = history
    response = admin_client.post(
        reverse("admin:bodies_body_changelist") + "?period=all",
        {"action": "delete_selected", "_selected_action": [body.pk], "post": "yes"},
    )
    assert_protected_page(response)
    assert Body.objects.filter(pk=body.pk).exists()


def test_a_body_without_history_can_be_deleted(admin_client, make):
    period = make.period("2023–2026")
    body = make.body(period, "Felstavat råd")
    make.rule(body)
    response = admin_client.post(
        reverse("admin:bodies_body_delete", args=[body.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Body.objects.exists()


def test_deleting_selected_bodies_without_history_works(admin_client, make):
    period = make.period("2023–2026")
    keep = make.body(period, "Rådet")
    first = make.body(period, "Fel ett")
    second = make.body(period, "Fel två", parent=keep)
    response = admin_client.post(
        reverse("admin:bodies_body_changelist") + "?period=all",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(Body.objects.all()) == [keep]
    keep.refresh_from_db()
    assert keep.is_leaf_node()
