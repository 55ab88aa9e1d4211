import datetime

import pytest

from bodies.models import Body
from meetings.models import Decision
from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def registry(make):
    old, current = make.period("2019–2022"), make.period("2023–2026")
    make.person("Anna", "Åberg", party=make.party("S"), title="Ordförande")
    make.person("Örjan", "Östlund")
    make.person("Dolda", "Åhlén", is_published=False)
    make.body(old, "Regionala rådet")
    make.body(current, "Regionala rådet")
    make.body(current, "Chefsgrupp Öst", kind=Body.Kind.OFFICIALS_GROUP)
    make.organisation("Örebro kommun")
    make.organisation("Åby kommun")


def search(client, q):
    return get(client, f"/sok/?q={q}")


def test_an_empty_search_shows_just_the_form(client, registry):
    page = get(client, "/sok/")

    assert page.h1 == ["Sök i registret"]
    assert 'name="q"' in page.html
    assert "träff" not in page.text


def test_it_finds_people_bodies_and_organisations(client, registry):
    page = search(client, "åberg")

    assert "1 träff för ”åberg”." in page.text
    assert "Personer Anna Åberg (S) Ordförande" in page.section("people-heading")


def test_it_ignores_letter_case_also_for_swedish_letters(client, registry):
    for q in ("örjan", "ÖRJAN", "Örjan", "östlund", "örjan östlund"):
        assert "Örjan Östlund" in search(client, q).text, q
    for q in ("örebro", "ÖREBRO", "Örebro kommun"):
        assert "Örebro kommun" in search(client, q).section("organisations-heading"), q
    assert "Chefsgrupp Öst" in search(client, "öst").section("bodies-heading")


def test_it_finds_a_person_by_full_name(client, registry):
    assert "Anna Åberg" in search(client, "anna åberg").text


def test_it_never_finds_unpublished_people(client, registry):
    page = search(client, "åhlén")

    assert "Dolda" not in page.html
    assert "Inga träffar för ”åhlén”." in page.text


def test_it_lists_bodies_of_the_current_period_first(client, registry):
    bodies = search(client, "regionala").section("bodies-heading")

    assert bodies.index("Mandatperiod 2023–2026 pågående") < bodies.index("Mandatperiod 2019–2022")


def test_it_says_when_nothing_matched(client, registry):
    assert "Inga träffar för ”zzz”." in search(client, "zzz").text


@pytest.fixture
def decisions(make, registry):
    body = Body.objects.get(name="Chefsgrupp Öst")
    meeting = make.meeting(body, datetime.date(2024, 3, 1))
    in_text = Decision.objects.create(
        meeting=meeting,
        title="Rekommendation om samverkan",
        text="Kommunerna rekommenderas att anta en gemensam folkhälsoplan.",
        kind=Decision.Kind.RECOMMENDATION,
    )
    in_title = Decision.objects.create(meeting=meeting, title="Folkhälsoplan för länet")
    hidden = Decision.objects.create(
        meeting=meeting, title="Uppdrag", text="Dolda Åhlén leder arbetet med folkhälsoplanen."
    )
    return in_text, in_title, hidden


def test_it_finds_decisions_ranked_and_highlighted(client, decisions):
    in_text, in_title, _hidden = decisions

    page = search(client, "folkhälsoplan")
    found = page.section("decisions-heading")

    assert found.index("Folkhälsoplan för länet") < found.index("Rekommendation om samverkan")
    assert "rekommendation, Chefsgrupp Öst" in found
    assert f'href="{in_text.get_absolute_url()}"' in page.html
    assert "<mark>Folkhälsoplan</mark> för länet" in page.html
    assert "anta en gemensam <mark>folkhälsoplan</mark>." in page.html


def test_a_decision_text_naming_an_unpublished_person_is_neither_shown_nor_found(client, decisions):
    _in_text, _in_title, hidden = decisions

    for q in ("folkhälsoplan", "åhlén", "leder arbetet"):
        page = search(client, q)
        assert "Åhlén" not in page.html, q
        assert f'href="{hidden.get_absolute_url()}"' not in page.html, q
    # Its title, which is shown, still finds it.
    assert f'href="{hidden.get_absolute_url()}"' in search(client, "uppdrag").html
