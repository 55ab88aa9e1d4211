"""Vacant or not known: a seat is vacant only when the secretary says so, or when its
holder left and nobody took over; an empty seat the registry knows nothing about is
"uppgift saknas". Each body and period says how complete its roster is."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bodies.models import Completeness, Seat, SeatState
from tests.pages import STAMP_QUERIES, freeze_today, get

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def council(make):
    """Four seats on 22 November 2026: held, left in June, reported vacant, never filled."""
    period = make.period("2023–2026")
    town = make.organisation("Åby kommun")
    body = make.body(period, "Regionala rådet")
    held = make.seat(body, town, order=1)
    make.appointment(make.person("Anna", "Åberg"), held)
    left = make.seat(body, town, order=2)
    make.appointment(make.person("Bo", "Borta"), left, end=D(2026, 6, 30))
    make.seat(body, town, order=3, vacant_since=D(2025, 3, 1))
    make.seat(body, town, role=Seat.Role.SUBSTITUTE, backs=held, order=4)
    return body


def states(body, day):
    seats = Seat.objects.filter(body=body).with_appointments().order_by("order", "pk")
    return [seat.state_on(day) for seat in seats]


def test_a_seat_is_vacant_only_when_known_to_be_empty(council):
    assert states(council, D(2026, 11, 22)) == [
        SeatState.FILLED,
        SeatState.VACANT,  # the holder left and nobody took over
        SeatState.VACANT,  # reported vacant
        SeatState.UNKNOWN,  # nobody registered, nothing reported
    ]


def test_before_the_report_or_the_departure_nothing_is_known(council):
    assert states(council, D(2025, 1, 1)) == [
        SeatState.FILLED,
        SeatState.FILLED,
        SeatState.UNKNOWN,
        SeatState.UNKNOWN,
    ]


def test_the_report_date_must_lie_within_the_period(council):
    seat = council.seats.get(order=3)
    seat.vacant_since = D(2027, 1, 1)
    with pytest.raises(ValidationError) as error:
        seat.full_clean()
    assert error.value.message_dict["vacant_since"] == [
        "Datumet måste ligga inom mandatperioden 2023–2026 (1 januari 2023–31 december 2026)."
    ]


def test_the_database_counts_completeness_as_the_roster_does_in_one_query(
    council, django_assert_num_queries
):
    for day in (D(2023, 6, 1), D(2025, 6, 1), D(2026, 11, 22)):
        expected = Completeness.of(states(council, day))
        with django_assert_num_queries(1):
            counted = Seat.objects.filter(body=council).completeness(day)
        assert counted == expected
    assert counted == Completeness(total=4, registered=3, vacant=2)


def test_the_body_page_tells_vacant_from_not_known_in_words(client, council):
    page = get(client, council.get_absolute_url())

    roster = page.section("roster-heading")
    assert roster.count("Vakant") == 2
    assert "Vakant sedan 1 mars 2025" in roster
    assert "Uppgift saknas" in roster
    composition = page.section("composition-heading")
    assert "2 platser är vakanta." in composition
    assert "För 1 plats saknas uppgift om innehavare." in composition
    assert "3 av 4 platser registrerade (2 vakanta)." in composition


def test_the_period_page_says_how_complete_its_rosters_are_in_one_query(
    client, council, make, django_assert_max_num_queries
):
    other = make.body(council.period, "Nätverket")
    make.seat(other, make.organisation("Borga kommun"))
    with django_assert_max_num_queries(STAMP_QUERIES + 4):
        page = get(client, council.period.get_absolute_url())

    assert (
        "Ledamöter och ersättare den 22 november 2026: 3 av 5 platser registrerade (2 vakanta)."
        in page.text
    )


def test_the_api_gives_each_post_its_status_and_report_date(client, council):
    posts = client.get("/api/v1/posts/").json()["results"]

    assert [(post["status"], post["vacant_since"]) for post in posts] == [
        ("filled", None),
        ("vacant", None),
        ("vacant", "2025-03-01"),
        ("unknown", None),
    ]


def test_the_spreadsheet_tells_vacant_from_not_known(client, council):
    rows = client.get(council.get_absolute_url() + "ledamoter.csv").content.decode()

    assert rows.count("Vakant") == 2
    assert rows.count("Uppgift saknas") == 1


def test_the_secretary_marks_a_seat_vacant_on_the_roster_screen(admin_client, council):
    seat = council.seats.get(role=Seat.Role.SUBSTITUTE)
    url = reverse("admin:bodies_body_roster", args=[council.pk])
    form = admin_client.get(url, {"atgard": "vakant", "plats": seat.pk})
    assert "Markera" in form.content.decode()
    assert "Vakant sedan" in form.content.decode()

    response = admin_client.post(
        url, {"atgard": "vakant", "plats": seat.pk, "vacant_since": "2026-10-01"}
    )

    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.vacant_since == D(2026, 10, 1)
    assert seat.history.latest().vacant_since == D(2026, 10, 1)
    page = admin_client.get(url).content.decode()
    assert "vakant sedan 2026-10-01" in page


def test_the_roster_screen_refuses_a_date_outside_the_period(admin_client, council):
    seat = council.seats.get(role=Seat.Role.SUBSTITUTE)
    url = reverse("admin:bodies_body_roster", args=[council.pk])

    response = admin_client.post(
        url, {"atgard": "vakant", "plats": seat.pk, "vacant_since": "2030-01-01"}
    )

    assert response.status_code == 200
    assert "Datumet måste ligga inom mandatperioden 2023–2026" in response.content.decode()
    seat.refresh_from_db()
    assert seat.vacant_since is None


def test_the_seat_form_has_the_vacancy_date(admin_client, council):
    seat = council.seats.get(order=3)
    page = admin_client.get(reverse("admin:bodies_seat_change", args=[seat.pk])).content.decode()

    assert 'name="vacant_since"' in page
    assert 'value="2025-03-01"' in page


def test_the_orebro_council_is_not_a_wall_of_vacancies(client, orebro):
    page = get(client, "/perioder/2023-2026/regionala-samverkansradet/")

    roster = page.section("roster-heading")
    # Nobody is registered in the current period and nobody reported a vacancy.
    assert "Vakant" not in roster
    assert roster.count("Uppgift saknas") > 30
