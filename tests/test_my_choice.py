"""Min kommun / min organisation: from the start page to all of an organisation's seats,
the current period first; remembered in a cookie only when the visitor asks."""

import pytest

from bodies.models import MandatePeriod, Seat
from tests.pages import STAMP_QUERIES, freeze_today, get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def kumla(make):
    old = make.period("2019–2022")
    current = make.period("2023–2026")
    proposal = make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)
    part = make.county_part("Södra länsdelen")
    kumla = make.organisation("Kumla kommun", county_part=part)
    make.organisation("Askersunds kommun", county_part=part)
    for period, name in ((old, "Gun Gammal"), (current, "Anna Åberg"), (proposal, None)):
        council = make.body(period, f"Regionala rådet {period.name}")
        ordinary = make.seat(council, kumla)
        substitute = make.seat(council, kumla, role=Seat.Role.SUBSTITUTE, backs=ordinary)
        if name:
            first, last = name.split()
            make.appointment(make.person(first, last), ordinary)
            make.appointment(make.person("Bertil", f"Backe{period.pk}"), substitute)
    return kumla


def test_the_start_page_offers_the_choice_without_setting_a_cookie(client, kumla):
    page = get(client, "/")

    assert '<label for="id_val">Kommun, organisation eller länsdel</label>' in page.html
    assert '<option value="org:kumla-kommun">Kumla kommun</option>' in page.html
    assert '<option value="lansdel:sodra-lansdelen">Södra länsdelen</option>' in page.html
    assert "Kom ihåg mitt val på den här datorn" in page.text
    assert not page.response.cookies
    assert page.response["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_the_choice_leads_to_the_organisation_and_is_in_the_address(client, kumla):
    response = client.get("/min/", {"val": "org:kumla-kommun"})

    assert response.status_code == 302
    assert response["Location"] == "/organisationer/kumla-kommun/"
    assert not response.cookies


def test_the_choice_is_remembered_only_with_consent(client, kumla):
    response = client.get("/min/", {"val": "org:kumla-kommun", "kom_ihag": "1"})

    cookie = response.cookies["mitt_val"]
    assert cookie.value == "org:kumla-kommun"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 3600


def test_the_start_page_offers_the_remembered_choice_and_is_then_private(client, kumla):
    client.cookies["mitt_val"] = "org:kumla-kommun"
    page = get(client, "/")

    assert "Ditt sparade val: Kumla kommun – alla platser" in page.text
    assert 'href="/organisationer/kumla-kommun/"' in page.html
    assert "public" not in page.response["Cache-Control"]
    assert "private" in page.response["Cache-Control"]

    # Someone else, without the cookie, never sees it (nor a cached copy of it).
    client.cookies.clear()
    assert "Ditt sparade val" not in get(client, "/").text


def test_forgetting_the_choice_deletes_the_cookie(client, kumla):
    client.cookies["mitt_val"] = "org:kumla-kommun"
    response = client.get("/min/", {"glom": "1"})

    assert response.status_code == 302
    assert response.cookies["mitt_val"].value == ""
    assert response.cookies["mitt_val"]["max-age"] == 0


def test_an_unknown_choice_gets_a_message_in_swedish(client, kumla):
    page = get(client, "/min/?val=org:finns-inte")

    assert page.h1 == ["Min kommun eller organisation"]
    assert (
        "Det finns ingen organisation eller länsdel med det namnet. Välj en i listan." in page.text
    )
    assert not page.response.cookies
    assert "no-cache" in page.response["Cache-Control"]


def test_a_county_part_can_be_chosen_too(client, kumla):
    response = client.get("/min/", {"val": "lansdel:sodra-lansdelen"})

    assert response["Location"] == "/lansdelar/sodra-lansdelen/"


def test_the_organisation_page_shows_the_current_period_first_then_the_proposal(client, kumla):
    page = get(client, kumla.get_absolute_url())

    current = page.text.index("Pågående mandatperiod 2023–2026")
    proposal = page.text.index("Förslag 2027–2030 – inte beslutat")
    earlier = page.text.index("Mandatperiod 2019–2022")
    assert current < proposal < earlier


def test_the_organisation_page_puts_ordinary_and_substitute_side_by_side(client, kumla):
    rows = get(client, kumla.get_absolute_url()).rows()

    current = next(row for row in rows if "Anna Åberg" in row)
    assert current.startswith("Regionala rådet 2023–2026 Anna Åberg")
    assert "Bertil Backe" in current
    proposal = next(row for row in rows if row.startswith("Regionala rådet 2027–2030"))
    assert proposal == "Regionala rådet 2027–2030 Uppgift saknas Uppgift saknas"


def test_the_organisation_page_says_how_complete_each_period_is(client, kumla):
    page = get(client, kumla.get_absolute_url())

    assert "Så ser det ut i dag, 22 november 2026: 2 av 2 platser registrerade." in page.text
    assert "0 av 2 platser registrerade." in page.text


def test_the_county_part_shows_its_municipalities_seats_current_then_proposal(
    client, kumla, django_assert_max_num_queries
):
    with django_assert_max_num_queries(STAMP_QUERIES + 7):
        page = get(client, kumla.county_part.get_absolute_url())

    assert page.text.index("Pågående mandatperiod 2023–2026") < page.text.index("Förslag 2027–2030")
    row = next(row for row in page.rows() if "Anna Åberg" in row)
    assert row.startswith("Regionala rådet 2023–2026 Kumla kommun Anna Åberg")
    assert "Gun Gammal" not in page.text  # earlier periods are on the municipality's page


def test_the_english_page_is_translated(client, kumla):
    page = get(client, "/en/min/")

    assert page.h1 == ["My municipality or organisation"]
    assert "Remember my choice on this computer" in page.text


def test_the_start_page_stays_within_its_query_budget(client, kumla, django_assert_max_num_queries):
    with django_assert_max_num_queries(STAMP_QUERIES + 6):
        get(client, "/")
    client.cookies["mitt_val"] = "org:kumla-kommun"
    with django_assert_max_num_queries(7):  # a private page: no stamp, one query more
        get(client, "/")
