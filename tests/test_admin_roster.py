"""The roster screen of a body: every seat, appoint, replace and add substitutes in place."""

import datetime

import pytest
from django.urls import reverse

from bodies.history import ChangeSet
from bodies.models import MandatePeriod, Seat
from members.models import Appointment, Person
from tests.clicks import Journey

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = datetime.date.today()


@pytest.fixture
def rsr(make):
    period = make.period("2023–2026", end=max(D(2026, 12, 31), TODAY + datetime.timedelta(days=30)))
    nora = make.organisation("Nora kommun")
    lindesberg = make.organisation("Lindesbergs kommun")
    body = make.body(period, "Regionala samverkansrådet", short_name="RSR")
    make.rule(body, ordinary=2)
    body.member_organisations.set([nora, lindesberg])
    first = make.seat(body, nora, order=1)
    second = make.seat(body, nora, order=2)
    make.seat(body, lindesberg)
    tom = make.person("Tom", "Rymoén", organisation=nora)
    make.appointment(tom, second, start=period.start)
    return body, first, second


def roster_url(body, **params):
    url = reverse("admin:bodies_body_roster", args=[body.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_screen_shows_every_seat_by_organisation_with_its_holder(rsr, admin_client):
    body, *_ = rsr

    page = admin_client.get(roster_url(body))

    assert page.status_code == 200
    text = page.text
    assert "Tom Rymoén" in text
    assert text.index("Lindesbergs kommun") < text.index("Nora kommun")
    assert text.count("Tillsätt<span") == 2  # Nora's first seat and Lindesberg's
    assert "Saknas: Lindesbergs kommun – 1 ordinarie" in text  # the composition check


def test_new_person_as_substitute_for_a_given_member_in_at_most_six_clicks(rsr, admin_client):
    body, _first, second = rsr
    journey = Journey(admin_client).open(reverse("admin:index"))

    journey.click("Organ")
    journey.click("Ledamöter och ersättare – Regionala samverkansrådet")
    journey.click("Lägg till ersättare – Nora kommun ordinarie 2")
    journey.submit({"first_name": "Anna", "last_name": "Berg"})

    assert journey.clicks <= 6
    assert (journey.clicks, journey.page_loads) == (4, 6)
    substitute = Seat.objects.get(backs=second)
    assert substitute.role == Seat.Role.SUBSTITUTE
    assert substitute.appointments.get().person.full_name == "Anna Berg"
    assert "Anna Berg ersättare för RSR 2023–2026 · Nora kommun · ordinarie 2 (Tom Rymoén)" in (
        journey.response.text
    )
    assert journey.url.startswith(roster_url(body))


def test_replacing_ends_the_holder_the_day_before_and_records_one_change_set(
    rsr, admin_client, make
):
    body, _first, second = rsr
    bo = make.person("Bo", "Ek")
    day = body.period.start + datetime.timedelta(days=100)

    response = admin_client.post(
        roster_url(body),
        {"atgard": "byt", "plats": second.pk, "person": bo.pk, "start": day.isoformat()},
    )

    assert response.status_code == 302
    old, new = second.appointments.order_by("start")
    assert (old.person.last_name, old.end) == ("Rymoén", day - datetime.timedelta(days=1))
    assert (new.person, new.start, new.end) == (bo, day, None)
    change = ChangeSet.objects.get()
    assert change.period == body.period
    assert "Bo Ek ersätter innehavaren av" in change.reason
    assert old.history.first().change_set == change
    assert new.history.get().change_set == change


def test_appointing_to_a_vacant_seat(rsr, admin_client, make):
    body, first, _second = rsr
    anna = make.person("Anna", "Berg")

    admin_client.post(
        roster_url(body),
        {"atgard": "tillsatt", "plats": first.pk, "person": anna.pk, "start": "2025-02-01"},
    )

    assert first.appointments.get().person == anna


def test_a_refused_write_keeps_what_was_typed_and_names_the_field(rsr, admin_client):
    body, _first, second = rsr

    response = admin_client.post(
        roster_url(body),
        {
            "atgard": "tillsatt",
            "plats": second.pk,
            "first_name": "Anna",
            "last_name": "Berg",
            "start": "2030-01-01",
        },
    )

    assert response.status_code == 200
    assert 'value="Anna"' in response.text
    assert response.context["form"].errors["start"]
    assert not Person.objects.filter(last_name="Berg").exists()
    assert not ChangeSet.objects.exists()


def test_a_person_must_be_chosen_or_typed(rsr, admin_client):
    body, first, _second = rsr
    response = admin_client.post(
        roster_url(body), {"atgard": "tillsatt", "plats": first.pk, "start": "2025-01-01"}
    )
    assert response.context["form"].errors["person"] == [
        "Välj en person eller skriv namnet på en ny."
    ]


def test_an_editor_fills_only_the_seats_of_their_organisation(rsr, roles, client):
    body, first, _second = rsr
    nora = first.organisation
    lindesberg_seat = body.seats.exclude(organisation=nora).get()
    client.force_login(roles("nora-red", organisations=[nora]))

    page = client.get(roster_url(body))
    assert page.status_code == 200
    assert page.text.count("Tillsätt<span") == 1  # Nora's vacant seat, not Lindesberg's

    refused = client.post(
        roster_url(body),
        {
            "atgard": "tillsatt",
            "plats": lindesberg_seat.pk,
            "first_name": "X",
            "last_name": "Y",
            "start": "2025-01-01",
        },
    )
    assert refused.status_code == 403

    done = client.post(
        roster_url(body),
        {
            "atgard": "tillsatt",
            "plats": first.pk,
            "first_name": "Eva",
            "last_name": "Nilsson",
            "start": "2025-01-01",
        },
    )
    assert done.status_code == 302
    eva = Appointment.objects.get(seat=first).person
    assert eva.organisation == nora


def test_an_editor_cannot_add_a_substitute_seat_but_fills_a_vacant_one(rsr, roles, client, make):
    body, first, second = rsr
    client.force_login(roles("nora-red", organisations=[first.organisation]))
    data = {
        "atgard": "ersattare",
        "plats": second.pk,
        "first_name": "Eva",
        "last_name": "Nilsson",
        "start": "2025-01-01",
    }

    refused = client.post(roster_url(body), data)
    assert "Det finns ingen ledig ersättarplats" in refused.text

    vacant = make.seat(body, first.organisation, role=Seat.Role.SUBSTITUTE, backs=second)
    assert client.post(roster_url(body), data).status_code == 302
    assert vacant.appointments.get().person.full_name == "Eva Nilsson"


def test_others_and_closed_periods_get_403(rsr, roles, client):
    body, first, _second = rsr
    client.force_login(roles("lindesberg-red", organisations=[]))
    assert client.get(roster_url(body)).status_code == 403

    client.force_login(roles("nora-red", organisations=[first.organisation]))
    MandatePeriod.objects.filter(pk=body.period_id).update(
        locked_at=datetime.datetime.now(datetime.UTC)
    )
    assert client.get(roster_url(body)).status_code == 403


def test_the_screen_needs_few_queries_for_many_seats(
    rsr, admin_client, make, django_assert_max_num_queries
):
    body, *_ = rsr
    for _number in range(60):
        organisation = make.organisation()
        make.appointment(make.person(), make.seat(body, organisation), start=body.period.start)
    with django_assert_max_num_queries(30):
        page = admin_client.get(roster_url(body))
    assert page.status_code == 200


def test_the_body_page_and_list_link_to_the_roster(rsr, admin_client):
    body, *_ = rsr
    change = admin_client.get(reverse("admin:bodies_body_change", args=[body.pk]))
    assert roster_url(body) in change.text
    assert f"/admin/meetings/meeting/add/?body={body.pk}" in change.text
    listing = admin_client.get(
        reverse("admin:bodies_body_changelist") + f"?period={body.period_id}"
    )
    assert roster_url(body) in listing.text


def test_the_person_is_searched_for_among_those_the_user_may_appoint(rsr, roles, client, make):
    body, first, _second = rsr
    make.person("Bo", "Ekström", organisation=make.organisation("Örebro kommun"))
    client.force_login(roles("nora-red", organisations=[first.organisation]))

    page = client.get(roster_url(body, atgard="tillsatt", plats=first.pk))

    assert page.status_code == 200
    assert "admin-autocomplete" in page.text
    assert "Ekström" not in page.text  # no list of every person in the page

    def search(term):
        found = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "members",
                "model_name": "appointment",
                "field_name": "person",
                "term": term,
            },
        )
        return [item["text"] for item in found.json()["results"]]

    assert search("Rymo") == ["Tom Rymoén"]
    assert search("Ekström") == []
