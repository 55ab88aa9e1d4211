import pytest

from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def south(make):
    old, current = make.period("2019–2022"), make.period("2023–2026")
    south = make.county_part("Södra länsdelen")
    north = make.county_part("Norra länsdelen")
    aby = make.organisation("Åby kommun", code="1899", county_part=south)
    make.organisation("Borga kommun", county_part=south)
    nord = make.organisation("Nordby kommun", county_part=north)
    make.body(current, "Södra länsdelsrådet", county_part=south)
    make.body(old, "Gamla södra rådet", county_part=south)
    council = make.body(current, "Regionala rådet")
    make.appointment(make.person("Anna", "Åberg", party=make.party("S")), make.seat(council, aby))
    make.appointment(make.person("Dolda", "Hemlig", is_published=False), make.seat(council, aby))
    make.appointment(make.person("Nils", "Norr"), make.seat(council, nord))
    make.appointment(make.person("Gun", "Gammal"), make.seat(make.body(old, "Gamla rådet"), aby))
    return south


def test_the_list_shows_each_county_part_with_its_municipalities(client, south):
    page = get(client, "/lansdelar/")

    assert page.h1 == ["Länsdelar"]
    assert "Södra länsdelen Borga kommun, Åby kommun" in page.text
    assert "Norra länsdelen Nordby kommun" in page.text


def test_it_lists_the_municipalities_and_bodies_of_the_county_part(client, south):
    page = get(client, south.get_absolute_url())

    assert page.h1 == ["Södra länsdelen"]
    assert "Åby kommun (kommunkod 1899)" in page.text
    assert "Nordby" not in page.text
    assert "Mandatperiod 2023–2026 Södra länsdelsrådet (politiskt samverkansråd)" in page.text
    assert "Mandatperiod 2019–2022 Gamla södra rådet" in page.text


def test_it_shows_the_seats_its_municipalities_hold_in_the_current_period(client, south):
    page = get(client, south.get_absolute_url())

    assert "Kommunernas platser Pågående mandatperiod 2023–2026" in page.text
    assert "Regionala rådet Åby kommun Anna Åberg (S) – ingen" in page.rows()
    assert "Gamla rådet" not in " ".join(page.rows())
    assert "Hemlig" not in page.html


def test_an_unknown_county_part_is_404(client, south):
    get(client, "/lansdelar/ingenstans/", status=404)
