import pytest

from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def period(forest):
    return forest


def test_it_shows_the_forest_as_nested_lists_with_kinds_and_links(client, period):
    page = get(client, "/perioder/2023-2026/")

    assert page.h1 == ["Samverkansstrukturen 2023–2026"]
    assert "Perioden har 6 organ." in page.text
    html = page.html
    # Each body lies inside the list item of the body it reports to.
    council = html.index("Regionala rådet</a>")
    group = html.index("Chefsgruppen</a>")
    network = html.index("Energinätverket</a>")
    partnership = html.index("Partnerskapet</a>")
    assert council < group < network < partnership
    assert html.count('<ul class="tree__roots"') == 1
    assert html[group:network].count('<ul class="tree__children">') == 1
    assert "Nätverk" in page.text
    assert 'href="/perioder/2023-2026/energinatverket/"' in html


def test_it_says_whom_an_officials_group_supports(client, period):
    page = get(client, "/perioder/2023-2026/")

    assert "Chefsgrupp kultur Tjänstepersonsgrupp Stöd för Kulturrådet" in page.text


def test_it_filters_by_kind_and_shows_where_each_match_sits(client, period):
    page = get(client, "/perioder/2023-2026/?typ=network")

    assert "1 organ av typen nätverk" in page.text
    assert "Energinätverket Nätverk Rapporterar till: Regionala rådet › Chefsgruppen" in page.text
    assert "Partnerskapet</a>" not in page.html
    assert '<option value="network" selected>' in page.html


def test_the_filter_says_when_no_body_has_the_kind(client, period):
    page = get(client, "/perioder/2023-2026/?typ=steering_group")

    assert "0 organ av typen styrgrupp" in page.text
    assert "Det finns inga organ av den typen i perioden." in page.text


def test_an_unknown_kind_gets_a_message_and_the_whole_structure(client, period):
    page = get(client, "/perioder/2023-2026/?typ=klubb")

    assert "Det finns ingen typ av organ som heter ”klubb”. Alla visas." in page.text
    assert "Partnerskapet</a>" in page.html


def test_a_proposed_period_carries_a_banner(client, make):
    make.period("2027–2030", status="proposed")

    page = get(client, "/perioder/2027-2030/")

    assert "Förslag – inte beslutad" in page.text


def test_a_decided_period_has_no_proposal_banner(client, period):
    assert "Förslag – inte beslutad" not in get(client, "/perioder/2023-2026/").text


def test_it_answers_404_for_an_unknown_period(client, period):
    get(client, "/perioder/1999-2002/", status=404)
