import datetime

import pytest

from bodies.models import Organisation, Seat
from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def anna(make):
    old, current = make.period("2019–2022"), make.period("2023–2026")
    town = make.organisation("Åby kommun")
    region = make.organisation("Region Testlän", kind=Organisation.Kind.REGION)
    anna = make.person(
        "Anna",
        "Åberg",
        party=make.party("S"),
        organisation=town,
        title="Kommunstyrelsens ordförande",
        email="anna.aberg@example.se",
        phone="070-111 22 33",
        note="Vill inte bli kontaktad på fredagar.",
    )
    make.appointment(anna, make.seat(make.body(old, "Gamla rådet"), town))
    council = make.body(current, "Regionala rådet")
    chair = make.seat(council, town, position=Seat.Position.CHAIR)
    make.appointment(anna, chair, end=datetime.date(2024, 6, 30))
    make.appointment(
        anna, make.seat(make.body(current, "Kulturrådet"), region, role=Seat.Role.SUBSTITUTE)
    )
    return anna


def test_it_shows_who_the_person_is(client, anna):
    page = get(client, anna.get_absolute_url())

    assert page.h1 == ["Anna Åberg"]
    assert "Arbetarepartiet-Socialdemokraterna (S)" in page.text
    assert "Åby kommun" in page.text
    assert "Kommunstyrelsens ordförande" in page.text


def test_it_lists_every_seat_held_or_previously_held_by_period(client, anna):
    page = get(client, anna.get_absolute_url())
    text = page.text

    assert text.index("Mandatperiod 2023–2026") < text.index("Mandatperiod 2019–2022")
    assert (
        "Regionala rådet Åby kommun Ordinarie ledamot, ordförande 1 januari 2023 – 30 juni 2024"
        in page.rows()
    )
    assert "Kulturrådet Region Testlän Ersättare från 1 januari 2023" in page.rows()
    assert "Gamla rådet Åby kommun Ordinarie ledamot från 1 januari 2019" in page.rows()


def test_it_never_shows_contact_details_or_internal_notes(client, anna):
    page = get(client, anna.get_absolute_url())

    assert "anna.aberg@example.se" not in page.html
    assert "070-111 22 33" not in page.html
    assert "fredagar" not in page.html


def test_an_unpublished_person_has_no_page(client, anna):
    anna.is_published = False
    anna.save()

    get(client, anna.get_absolute_url(), status=404)


def test_an_unknown_person_is_404(client, anna):
    get(client, "/personer/ingen-alls/", status=404)


def test_a_secretary_is_called_secretary_not_member(client, make):
    council = make.body(make.period("2023–2026"), "Regionala rådet")
    region = make.organisation("Region Testlän", kind=Organisation.Kind.REGION)
    tommy = make.person("Tommy", "Sekr")
    make.appointment(tommy, make.seat(council, region, position=Seat.Position.SECRETARY))

    assert "Regionala rådet Region Testlän Sekreterare från 1 januari 2023" in (
        get(client, tommy.get_absolute_url()).rows()
    )


def test_current_seats_come_first_and_the_rest_is_paged_without_javascript(client, make, anna):
    old = make.period("2015–2018")
    town = make.organisation("Boby kommun")
    for n in range(55):
        body = make.body(old, f"Grupp {n:02d}")
        make.appointment(anna, make.seat(body, town), end=datetime.date(2016, 6, 30))
    for n in range(53):
        meeting = make.meeting(make.body(old, f"Nätverk {n:02d}"), datetime.date(2016, 3, 1))
        make.attendance(meeting, anna)

    page = get(client, anna.get_absolute_url())
    current = page.section("current-heading")
    assert "Kulturrådet" in current and "Regionala rådet" not in current
    other = page.section("other-heading")
    assert "Regionala rådet" in other and "Kulturrådet" not in other
    assert other.count("Grupp ") == 50 - 2  # the two other seats come first
    assert "Sida 1 av 2" in other
    assert 'href="?uppdragssida=2#other-heading"' in page.html
    attendance = page.section("attendance-heading")
    assert attendance.count("Nätverk ") == 50
    assert "Närvarande eller tjänstgörande vid 53 av 53 möten" in attendance
    assert 'href="?motessida=2#attendance-heading"' in page.html

    second = get(client, anna.get_absolute_url() + "?uppdragssida=2&motessida=2")
    assert second.section("other-heading").count("Grupp ") == 7
    assert "Mandatperiod 2015–2018" in second.section("other-heading")
    assert second.section("attendance-heading").count("Nätverk ") == 3
    # Each set of links keeps the other list's page.
    assert 'href="?motessida=2&amp;uppdragssida=1#other-heading"' in second.html
    assert 'href="?uppdragssida=2&amp;motessida=1#attendance-heading"' in second.html
