import pytest

from bodies.models import Organisation, Seat
from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def town(make):
    old, current = make.period("2019–2022"), make.period("2023–2026")
    part = make.county_part("Södra länsdelen")
    town = make.organisation("Åby kommun", code="1899", county_part=part)
    make.organisation("Region Testlän", kind=Organisation.Kind.REGION, code="99")
    council = make.body(current, "Regionala rådet")
    make.appointment(make.person("Anna", "Åberg", party=make.party("S")), make.seat(council, town))
    make.seat(council, town, role=Seat.Role.SUBSTITUTE)
    make.seat(make.body(current, "Chefsgruppen"), town, office_label="Kommundirektör")
    make.appointment(
        make.person("Dolda", "Hemlig", is_published=False),
        make.seat(make.body(current, "Slutna rådet"), town),
    )
    make.appointment(make.person("Gun", "Gammal"), make.seat(make.body(old, "Gamla rådet"), town))
    return town


def test_the_list_shows_every_organisation_by_kind(client, town):
    page = get(client, "/organisationer/")

    assert page.h1 == ["Organisationer"]
    assert "Kommun Åby kommun (Södra länsdelen)" in page.text
    assert "Region Region Testlän" in page.text
    assert f'href="{town.get_absolute_url()}"' in page.html
    assert page.text.index("Region Region Testlän") < page.text.index("Kommun Åby kommun")


def test_it_shows_what_the_organisation_is(client, town):
    page = get(client, town.get_absolute_url())

    assert page.h1 == ["Åby kommun"]
    assert "Typ Kommun" in page.text
    assert "Kod 1899" in page.text
    assert "Länsdel Södra länsdelen" in page.text


def test_it_shows_where_the_organisation_sits_and_by_whom_by_period(client, town):
    page = get(client, town.get_absolute_url())
    rows = page.rows()

    assert page.text.index("Pågående mandatperiod 2023–2026") < page.text.index(
        "Mandatperiod 2019–2022"
    )
    # The substitute seat backs no seat: a row of its own, nobody registered in it.
    assert "Regionala rådet Anna Åberg (S) – ingen" in rows
    assert "Regionala rådet – ingen Uppgift saknas" in rows
    assert "Chefsgruppen Kommundirektör – ingen" in rows
    assert "Gamla rådet Gun Gammal – ingen" in rows


def test_it_hides_unpublished_people(client, town):
    page = get(client, town.get_absolute_url())

    assert "Hemlig" not in page.html
    # The seat is held: say so, without the name.
    assert "Slutna rådet Tillsatt (namnet publiceras inte) – ingen" in page.rows()


def test_an_unknown_organisation_is_404(client, town):
    get(client, "/organisationer/finns-inte/", status=404)
