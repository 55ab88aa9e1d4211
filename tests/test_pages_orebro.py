"""The public pages on the real Örebro län registry (fixtures/orebro.toml)."""

import pytest

from tests.pages import freeze_today, get


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


RSR_2019 = "/perioder/2019-2022/regionala-samverkansradet/"
KCRD_2023 = "/perioder/2023-2026/regional-chefssamverkansgrupp/"


def test_the_start_page_shows_the_2023_2026_structure(client, orebro):
    page = get(client, "/")

    assert "Strukturen 2023–2026" in page.text
    assert "Regional chefssamverkansgrupp (KC/RD-gruppen)" in page.text
    assert (
        "Chefsgrupp kultur Tjänstepersonsgrupp Stöd för Specifika samverkansrådet för kultur"
        in (page.text)
    )


def test_the_regional_council_2019_2022_lists_its_chair_and_secretary(client, orebro):
    page = get(client, RSR_2019)

    assert page.h1 == ["Regionala samverkansrådet"]
    assert "Så såg det ut den 31 december 2022." in page.text
    chair = page.row_with("Andreas Svahn")
    assert "(S)" in chair
    assert "Ordförande" in chair
    assert "Sekreterare" in page.row_with("Tommy Larserö")


def test_the_regional_council_2019_2022_shows_who_sat_on_the_day_of_the_minutes(client, orebro):
    page = get(client, RSR_2019 + "?datum=2022-09-29")

    assert "Så såg det ut den 29 september 2022." in page.text
    for name in ("Caroline Dieker", "Anders Åhrlin", "Solveig Oscarsson", "Sven Erik Kilsten"):
        assert name in page.text


def test_the_kc_rd_roster_2023_2026_shows_offices_instead_of_names(client, orebro):
    page = get(client, KCRD_2023)

    assert "Regiondirektör" in page.row_with("Region Örebro län")
    assert "Kommundirektör/kommunchef" in page.row_with("Askersunds kommun")
    assert "Länsråd" in page.row_with("Länsstyrelsen Örebro län")
    assert "Sekreterare" in page.text


def test_the_proposal_2027_2030_carries_the_proposal_banner(client, orebro):
    assert "Förslag – inte beslutad" in get(client, "/perioder/2027-2030/").text


def test_a_council_shows_its_meeting_rule_and_the_minimum_of_thirteen(client, orebro):
    page = get(client, "/perioder/2023-2026/specifika-samverkansradet-for-kultur/")

    assert "Minst 4 möten per år" in page.text
    composition = page.section("composition-heading")
    assert "Organet ska ha minst 13 ordinarie ledamöter." in composition
    assert "Stöds av Chefsgrupp kultur" in page.section("facts-heading")


def test_search_finds_a_member_with_swedish_letters_in_any_case(client, orebro):
    assert "Anders Åhrlin" in get(client, "/sok/?q=åhrlin").text
    assert "Anders Åhrlin" in get(client, "/sok/?q=ÅHRLIN").text


def test_the_person_page_of_the_chair_lists_the_seat(client, orebro):
    page = get(client, "/personer/andreas-svahn/")

    assert "Mandatperiod 2019–2022" in page.text
    assert "Regionala samverkansrådet Region Örebro län Ordinarie ledamot, ordförande" in (
        page.row_with("Regionala samverkansrådet")
    )


def test_every_orebro_page_answers(client, orebro):
    for url in (
        "/perioder/",
        "/perioder/2023-2026/?typ=network",
        "/organisationer/",
        "/organisationer/orebro-kommun/",
        "/lansdelar/",
        "/lansdelar/norra/",
        "/sok/?q=kommun",
    ):
        get(client, url)
