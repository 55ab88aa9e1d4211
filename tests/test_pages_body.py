import datetime
import re

import pytest
from django.db import models
from django.template import Context, Template
from django.utils import translation

from bodies.models import Body, Organisation, Seat
from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def council(db, make):
    """A council of 2023–2026 with a chair and her substitute, an office, vacancies,
    a member who left, and a former member who must not be published."""
    period = make.period("2023–2026")
    region = make.organisation("Region Testlän", kind=Organisation.Kind.REGION)
    aby = make.organisation("Åby kommun")
    borga = make.organisation("Borga kommun")
    council = make.body(
        period,
        "Regionala rådet",
        purpose="Samråd om frågor som är viktiga för regionen.",
        min_meetings_per_year=4,
        min_members=5,
        composition_note="Varje kommun utser en ledamot och en ersättare.",
        lead_organisation=region,
    )
    council.member_organisations.set([region, aby, borga])
    make.rule(council, ordinary=1, substitutes=1)
    social = make.party("S", "Arbetarepartiet-Socialdemokraterna")
    moderates = make.party("M", "Moderaterna")

    chair = make.seat(council, aby, position=Seat.Position.CHAIR)
    backing = make.seat(council, aby, role=Seat.Role.SUBSTITUTE, backs=chair)
    anna = make.person(
        "Anna", "Åberg", party=social, email="anna.aberg@example.se", phone="070-111 22 33"
    )
    make.appointment(anna, chair)
    make.appointment(make.person("Bertil", "Backe", party=moderates), backing)

    office = make.seat(council, region, office_label="Regiondirektör, Region Testlän")
    make.seat(council, region, role=Seat.Role.SUBSTITUTE, backs=office)

    borga_seat = make.seat(council, borga, position=Seat.Position.VICE_CHAIR)
    make.appointment(
        make.person("Cecilia", "Ck", party=moderates),
        borga_seat,
        end=datetime.date(2024, 6, 30),
    )
    hidden_seat = make.seat(council, borga, role=Seat.Role.SUBSTITUTE, backs=borga_seat)
    make.appointment(
        make.person("Dolda", "Hemlig", is_published=False, email="dolda@example.se"),
        hidden_seat,
        end=datetime.date(2024, 6, 30),
    )
    return council


def url(body, **query):
    address = body.get_absolute_url()
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


def test_it_shows_the_body_its_purpose_and_facts(client, council):
    page = get(client, url(council))

    assert page.h1 == ["Regionala rådet"]
    assert "Samråd om frågor som är viktiga för regionen." in page.text
    assert "Politiskt samverkansråd" in page.text
    assert "Mandatperiod 2023–2026" in page.text
    assert "Minst 4 möten per år" in page.text
    assert "Region Testlän" in page.section("facts-heading")


def test_it_shows_the_composition_rules_in_words(client, council):
    composition = get(client, url(council)).section("composition-heading")

    assert "Varje medlemsorganisation utser 1 ordinarie ledamot och 1 ersättare." in composition
    assert "Organet ska ha minst 5 ordinarie ledamöter." in composition
    assert "Varje kommun utser en ledamot och en ersättare." in composition


def test_it_shows_what_the_composition_check_found(client, council):
    composition = get(client, url(council)).section("composition-heading")

    assert "Läget den 22 november 2026" in composition
    # The two seats whose holders left are vacant; the region's substitute seat was
    # never filled nor reported vacant: nobody knows yet.
    assert "2 platser är vakanta." in composition
    assert "För 1 plats saknas uppgift om innehavare." in composition
    assert "5 av 6 platser registrerade (2 vakanta)." in composition
    assert "Kravet på minst 5 ordinarie ledamöter är inte uppfyllt" in composition
    assert "organet har 3 ordinarie platser" in composition


def test_it_names_an_organisation_missing_seats(client, make, council):
    make.rule(council, organisation=Organisation.objects.get(name="Region Testlän"), ordinary=2)

    composition = get(client, url(council)).section("composition-heading")

    assert "Region Testlän saknar 1 ordinarie ledamot och 1 ersättare." not in composition
    assert "Region Testlän saknar 1 ordinarie ledamot." in composition


def test_it_says_so_when_the_composition_is_complete(client, make):
    period = make.period("2023–2026")
    town = make.organisation("Åby kommun")
    body = make.body(period, "Litet råd")
    body.member_organisations.set([town])
    make.rule(body, ordinary=1)
    make.appointment(make.person("Anna", "Åberg"), make.seat(body, town))

    composition = get(client, url(body)).section("composition-heading")

    assert "Alla platser är tillsatta enligt sammansättningsreglerna." in composition


def test_it_shows_each_ordinary_member_beside_the_substitute_who_backs_them(client, council):
    page = get(client, url(council))

    row = page.row_with("Anna Åberg")
    assert "Åby kommun" in row
    assert "Ordförande" in row
    assert "Bertil Backe" in row
    assert "Bertil Backe" not in page.row_with("Regiondirektör")


def test_it_shows_the_party_abbreviation_with_the_full_name(client, council):
    page = get(client, url(council))

    assert '<abbr class="party" title="Arbetarepartiet-Socialdemokraterna">(S)</abbr>' in page.html
    assert "(M)" in page.row_with("Bertil Backe")


def test_it_shows_the_office_of_a_seat_without_a_named_person(client, council):
    row = get(client, url(council)).row_with("Region Testlän")

    assert "Regiondirektör, Region Testlän" in row
    # The substitute seat beside the office: nobody registered, nobody reported vacant.
    assert "Uppgift saknas" in row
    assert "Vakant" not in row


def test_it_shows_a_seat_with_nobody_in_it_as_vacant(client, council):
    row = get(client, url(council)).row_with("Borga kommun")

    assert "Vakant" in row
    assert "Vice ordförande" in row
    assert "Cecilia" not in row


def test_it_lists_members_who_left_during_the_period_separately(client, council):
    page = get(client, url(council))

    former = page.section("former-heading")
    assert "Tidigare ledamöter och ersättare" in former
    assert "Cecilia Ck" in former
    assert "1 januari 2023 – 30 juni 2024" in former


def test_it_shows_who_sat_on_a_given_day(client, council):
    page = get(client, url(council, datum="2024-01-15"))

    assert "Så såg det ut den 15 januari 2024." in page.text
    assert "Cecilia Ck" in page.row_with("Borga kommun")
    assert 'value="2024-01-15"' in page.html
    assert "former-heading" not in page.html


def test_it_explains_a_date_it_cannot_read_instead_of_failing(client, council):
    page = get(client, url(council, datum="29/9-2022"))

    assert "Datumet ”29/9-2022” gick inte att läsa." in page.text
    assert "Så ser det ut i dag, 22 november 2026." in page.text


def test_it_explains_a_date_outside_the_period(client, council):
    page = get(client, url(council, datum="2019-05-01"))

    assert "1 maj 2019 ligger utanför mandatperioden 2023–2026" in page.text
    assert "Anna Åberg" in page.row_with("Åby kommun")


def test_a_past_period_shows_who_sat_when_it_ended(client, make):
    period = make.period("2019–2022")
    town = make.organisation("Åby kommun")
    body = make.body(period, "Gamla rådet")
    make.appointment(make.person("Gun", "Gammal"), make.seat(body, town))

    page = get(client, url(body))

    assert "Så såg det ut den 31 december 2022." in page.text
    assert "Gun Gammal" in page.row_with("Åby kommun")
    assert "Mandatperioden 2019–2022 avslutades 31 december 2022." in page.text


def test_it_never_shows_contact_details(client, council):
    page = get(client, url(council))

    assert "anna.aberg@example.se" not in page.html
    assert "070-111 22 33" not in page.html
    assert "@example.se" not in page.html


def test_it_hides_unpublished_people(client, council):
    for page in (get(client, url(council)), get(client, url(council, datum="2024-01-15"))):
        assert "Dolda" not in page.html
        assert "Hemlig" not in page.html


def test_a_seat_held_by_an_unpublished_person_is_shown_as_filled_not_vacant(client, council):
    page = get(client, url(council, datum="2024-01-15"))
    assert "Tillsatt (namnet publiceras inte)" in page.html
    held = Body.objects.prefetch_related(
        models.Prefetch("seats", queryset=Seat.objects.with_appointments()),
        "rules",
        "member_organisations",
    ).get(pk=council.pk)
    hidden_seat = Seat.objects.get(appointments__person__last_name="Hemlig")
    assert hidden_seat not in held.composition(on=datetime.date(2024, 1, 15)).vacant
    # After the appointment ended the seat is vacant again.
    assert hidden_seat in held.composition(on=datetime.date(2024, 7, 1)).vacant
    assert "Tillsatt (namnet publiceras inte)" not in get(client, url(council)).html


def test_it_links_to_the_body_above_and_below_and_the_group_supporting_it(client, make):
    period = make.period("2023–2026")
    top = make.body(period, "Övre rådet")
    council = make.body(period, "Mellersta rådet", parent=top)
    group = make.body(
        period, "Chefsgrupp mitt", kind=Body.Kind.OFFICIALS_GROUP, parent=top, supports=council
    )
    network = make.body(period, "Nätverket", kind=Body.Kind.NETWORK, parent=council)

    page = get(client, url(council))
    facts = page.section("facts-heading")

    assert "Rapporterar till Övre rådet" in facts
    assert "Organ som rapporterar hit Nätverket (nätverk)" in facts
    assert "Stöds av Chefsgrupp mitt" in facts
    assert f'href="{top.get_absolute_url()}"' in page.html
    assert f'href="{network.get_absolute_url()}"' in page.html
    assert "Tjänstepersonsstöd för Mellersta rådet" in get(client, url(group)).text


def test_it_links_a_body_to_the_same_body_in_the_periods_before_and_after(client, make):
    old = make.body(make.period("2019–2022"), "Rådet")
    new = make.body(make.period("2023–2026"), "Rådet", predecessor=old)

    assert "Föregångare Rådet (2019–2022)" in get(client, url(new)).section("facts-heading")
    assert "Efterföljare Rådet (2023–2026)" in get(client, url(old)).section("facts-heading")


def test_it_marks_a_body_of_a_proposed_period(client, make):
    period = make.period("2027–2030", status="proposed")
    body = make.body(period, "Nytt råd")

    assert "Förslag – inte beslutad" in get(client, url(body)).text


def test_it_answers_404_for_a_body_that_does_not_exist(client, council):
    get(client, "/perioder/2023-2026/finns-inte/", status=404)
    get(client, "/perioder/1999-2002/regionala-radet/", status=404)


def test_text_as_the_secretary_wrote_it_is_marked_swedish_on_the_english_page(client, make):
    period = make.period("2023–2026")
    make.body(
        period,
        "Rådet",
        purpose="Samråd om frågor som är viktiga för regionen.",
        closing_note="Frågorna går till Regionala rådet.",
    )

    english = get(client, "/en/perioder/2023-2026/radet/").html
    swedish = get(client, "/perioder/2023-2026/radet/").html

    assert '<div lang="sv"><p>Samråd om frågor som är viktiga för regionen.</p></div>' in english
    assert '<dd lang="sv">Frågorna går till Regionala rådet.</dd>' in english
    # Only the page itself and the language switch's own link say Swedish.
    assert len(re.findall(r'\slang="sv"', swedish)) == 2
    assert '<html lang="sv">' in swedish and 'lang="sv" hreflang="sv"' in swedish


def test_a_secretary_can_start_a_new_meeting_from_the_body_page(client, admin_client, make):
    body = make.body(make.period("2023–2026"), "Rådet")
    url = "/perioder/2023-2026/radet/"
    link = f'href="/admin/meetings/meeting/add/?body={body.pk}"'

    assert link in admin_client.get(url).content.decode()
    assert link not in client.get(url).content.decode()
    assert "Möten" in get(client, url).text


def test_text_needs_no_language_mark_when_no_language_is_active():
    with translation.override(None):
        assert Template("{% load registry %}<p{% data_lang %}>").render(Context()) == "<p>"
