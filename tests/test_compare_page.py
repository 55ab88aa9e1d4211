"""The public page comparing two mandate periods (/perioder/jamfor/)."""

import re

import pytest

from bodies import services, views
from bodies.models import Body, MandatePeriod, Seat
from tests import bigdata
from tests.pages import STAMP_QUERIES, _Text, freeze_today, get, squash

pytestmark = pytest.mark.django_db

URL = "/perioder/jamfor/"
MEMO = URL + "?fran=2023-2026&till=2027-2030"
# The page's queries: the periods, the current one (for the default), then the
# comparison (the bodies, their rules, their seats counted), and each period's bodies
# for the charts side by side. The same on any data size.
MAX_QUERIES = 7


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


def items(page, list_heading):
    """The text of each <li> of the list that follows the heading with that id."""
    match = re.search(rf'id="{list_heading}".*?<ul class="change-list">(.*?)</ul>', page.html, re.S)
    assert match, f"no change list after {list_heading!r}"
    parser = _Text(only="li")
    parser.feed(match.group(1))
    return parser.texts()


def node(page, name):
    """The HTML of the chart box of the body with that name, in the later period's chart."""
    new_chart = page.html[page.html.index('id="new-tree-heading"') :]
    return _node(new_chart, name)


def old_node(page, name):
    old_chart = page.html[
        page.html.index('id="old-tree-heading"') : page.html.index('id="new-tree-heading"')
    ]
    return _node(old_chart, name)


def _node(html, name):
    match = re.search(
        # A chart box holds no other <div>: from its start to the first </div>.
        rf'<div class="tree__node[^"]*">(?:(?!<div class="tree__node).)*?'
        rf">{re.escape(name)}</a>.*?</div>",
        html,
        re.S,
    )
    assert match, f"no chart box for {name!r}"
    return match.group(0)


def text_of(html):
    parser = _Text()
    parser.feed(html)
    return squash(" ".join(parser.texts()))


# The real 2027–2030 proposal


def test_the_2027_proposal_reads_like_the_memo(client, orebro):
    page = get(client, MEMO)

    assert page.h1 == ["Jämför mandatperioder"]
    assert "Från 2023–2026 till 2027–2030" in page.text
    assert "Nya organ (4)" in page.text
    assert items(page, "added-heading") == [
        "Länsdelsrådet för Norra länsdelen bildas och rapporterar till Regionala samverkansrådet.",
        "Länsdelsrådet för Västra länsdelen bildas och rapporterar till Regionala samverkansrådet.",
        "Länsdelsrådet för Södra länsdelen (Sydnärke) bildas och rapporterar till "
        "Regionala samverkansrådet.",
        "Länsdelsrådet för Örebro bildas och rapporterar till Regionala samverkansrådet.",
    ]
    assert "Organ som läggs ned (4)" in page.text
    assert items(page, "closed-heading") == [
        "Specifika samverkansrådet för kultur läggs ned; frågorna som behöver politisk "
        "avstämning hanteras i Regionala samverkansrådet.",
        "Specifika samverkansrådet för folkhälsa läggs ned; frågorna tas över av de fyra "
        "länsdelsråden för folkhälsa samt vård och omsorg.",
        "Specifika samverkansrådet för social välfärd samt vård och omsorg läggs ned; frågorna "
        "tas över av de fyra länsdelsråden för folkhälsa samt vård och omsorg.",
        "Specifika samverkansrådet för skola, utbildning och kompetensförsörjning läggs ned; "
        "frågorna som behöver politisk avstämning hanteras i Regionala samverkansrådet.",
    ]
    assert items(page, "changed-heading")[0] == (
        "Ändrat stöd Chefsgrupp kultur är inte längre tjänstepersonsstöd för "
        "Specifika samverkansrådet för kultur."
    )


def test_the_2027_proposal_carries_the_proposal_banner(client, orebro):
    page = get(client, MEMO)

    assert "Förslag – inte beslutad" in page.text
    assert "Strukturen för mandatperioden 2027–2030 är ett förslag." in page.text
    assert "Strukturen för mandatperioden 2023–2026 är ett förslag." not in page.text


def test_the_charts_mark_new_closing_and_changed_bodies_in_text(client, orebro):
    page = get(client, MEMO)

    north = node(page, "Länsdelsrådet för Norra länsdelen")
    assert "compare-node--added" in north
    assert text_of(north).startswith("Ny Länsdelsrådet för Norra länsdelen")
    culture = old_node(page, "Specifika samverkansrådet för kultur")
    assert "compare-node--closed" in culture
    assert text_of(culture).startswith("Läggs ned Specifika samverkansrådet för kultur")
    assert "frågorna som behöver politisk avstämning hanteras i" in text_of(culture)
    group = node(page, "Chefsgrupp kultur")
    assert "compare-node--changed" in group
    assert text_of(group).startswith("Ändras Chefsgrupp kultur")
    assert "är inte längre tjänstepersonsstöd" in text_of(group)
    unchanged = node(page, "Energi- och klimatnätverket")
    assert "compare-node" not in unchanged
    assert not re.match(r"(Ny|Läggs ned|Ändras) ", text_of(unchanged))


def test_each_chart_links_its_bodies_and_its_period(client, orebro):
    page = get(client, MEMO)

    assert 'href="/perioder/2027-2030/lansdelsrad-norra/"' in page.html
    assert 'href="/perioder/2023-2026/regionala-samverkansradet/"' in page.html
    assert 'href="/perioder/2027-2030/regionala-samverkansradet/"' in page.html
    assert "Mandatperiod 2023–2026" in page.section("old-tree-heading")
    assert "Mandatperiod 2027–2030 Förslag – inte beslutad" in page.section("new-tree-heading")


def test_periods_with_the_same_structure_say_so(client, orebro):
    page = get(client, URL + "?fran=2019-2022&till=2023-2026")

    assert "Strukturen är densamma 2019–2022 och 2023–2026" in page.text
    assert "compare-node" not in page.html


# Each kind of change on a small example


@pytest.fixture
def changed(make):
    """Two periods with one change of every kind the comparison knows."""
    old = make.period("2023–2026")
    region = make.organisation("Region", kind="region")
    top = make.body(old, "Regionala rådet", min_meetings_per_year=4)
    make.rule(top, ordinary=1)
    make.body(old, "Kulturrådet", parent=top, closing_note="Frågorna hanteras i Regionala rådet.")
    council = make.body(old, "Skolrådet", parent=top)
    make.body(old, "Chefsgrupp", kind=Body.Kind.OFFICIALS_GROUP, parent=top, supports=council)
    make.body(old, "Nätverket", kind=Body.Kind.NETWORK, parent=top)
    new = services.carry_forward(old, name="2027–2030", slug="2027-2030")
    new_top = new.bodies.get(slug="regionala-radet")
    Body.objects.filter(period=new, slug="chefsgrupp").update(supports=None)
    new.bodies.get(slug="kulturradet").delete()
    make.body(new, "Länsdelsråd Norra", parent=new_top)
    network = new.bodies.get(slug="natverket")
    network.name = "Nätverket för digitalisering"
    network.kind = Body.Kind.STEERING_GROUP
    network.save()
    network.move_to(new.bodies.get(slug="chefsgrupp"), "last-child")
    new_top.refresh_from_db()
    new_top.min_meetings_per_year = 2
    new_top.save()
    new_top.rules.update(substitutes=1)
    make.seat(new_top, region)
    Body.objects.rebuild()
    return old, new


def test_each_kind_of_change_is_shown_with_its_label(client, changed):
    page = get(client, URL + "?fran=2023-2026&till=2027-2030")

    assert items(page, "added-heading") == [
        "Länsdelsråd Norra bildas och rapporterar till Regionala rådet."
    ]
    assert items(page, "closed-heading") == [
        "Kulturrådet läggs ned; frågorna hanteras i Regionala rådet."
    ]
    assert items(page, "changed-heading") == [
        "Ny sammansättning Regionala rådet: sammansättningen ändras från varje organisation "
        "1 ordinarie och 0 ersättare till varje organisation 1 ordinarie och 1 ersättare.",
        "Nya mötesregler Regionala rådet: minst 2 möten per år i stället för 4.",
        "Ändrade platser Regionala rådet: Region får 1 ordinarie plats till.",
        "Ändrat stöd Chefsgrupp är inte längre tjänstepersonsstöd för Skolrådet.",
        "Nytt namn Nätverket byter namn till Nätverket för digitalisering.",
        "Ny plats i strukturen Nätverket för digitalisering rapporterar till Chefsgrupp "
        "i stället för Regionala rådet.",
        "Ny typ Nätverket för digitalisering blir styrgrupp i stället för nätverk.",
    ]


def test_a_changed_body_lists_all_its_changes_in_both_charts(client, changed):
    page = get(client, URL + "?fran=2023-2026&till=2027-2030")

    for box in (old_node(page, "Nätverket"), node(page, "Nätverket för digitalisering")):
        assert "compare-node--changed" in box
        assert "Ändras" in text_of(box)
        assert "byter namn till Nätverket för digitalisering" in text_of(box)
        assert "rapporterar till Chefsgrupp i stället för Regionala rådet" in text_of(box)
        assert "blir styrgrupp i stället för nätverk" in text_of(box)
    # Moved: in the later chart the network hangs under the officials' group.
    new_chart = page.html[page.html.index('id="new-tree-heading"') :]
    group = new_chart.index(">Chefsgrupp</a>")
    network = new_chart.index(">Nätverket för digitalisering</a>")
    assert group < network
    assert '<ul class="tree__children">' in new_chart[group:network]


def test_the_legend_names_every_mark(client, changed):
    page = get(client, URL + "?fran=2023-2026&till=2027-2030")

    assert "Ny organet bildas" in page.text
    assert "Läggs ned organet finns inte kvar" in page.text
    assert "Ändras organet finns kvar med ändringar" in page.text


# The form


def test_without_a_choice_it_compares_the_current_period_with_the_next(client, orebro):
    page = get(client, URL)

    assert '<option value="2023-2026" selected>2023–2026</option>' in page.html
    assert '<option value="2027-2030" selected>2027–2030 (förslag)</option>' in page.html
    assert "Från 2023–2026 till 2027–2030" in page.text


def test_the_form_is_a_labelled_get_form_over_every_period(client, orebro):
    html = get(client, URL).html

    assert '<form class="compare-form" method="get" action="/perioder/jamfor/">' in html
    assert '<label for="fran">Från mandatperiod</label>' in html
    assert '<label for="till">Till mandatperiod</label>' in html
    assert html.count('<option value="2019-2022"') == 2
    assert "Jämför</button>" in html


def test_the_form_shows_the_chosen_periods(client, orebro):
    page = get(client, URL + "?fran=2019-2022&till=2023-2026")

    assert '<option value="2019-2022" selected>' in page.html
    assert '<option value="2023-2026" selected>' in page.html
    assert "Från 2019–2022 till 2023–2026" in page.text


def test_one_period_alone_is_compared_with_its_neighbour(client, orebro):
    assert "Från 2019–2022 till 2023–2026" in get(client, URL + "?fran=2019-2022").text
    assert "Från 2023–2026 till 2027–2030" in get(client, URL + "?till=2027-2030").text
    assert "Från 2023–2026 till 2027–2030" in get(client, URL + "?fran=2027-2030").text


def test_periods_chosen_the_wrong_way_round_are_shown_in_time_order(client, orebro):
    page = get(client, URL + "?fran=2027-2030&till=2023-2026")

    assert "Från 2023–2026 till 2027–2030" in page.text
    assert "Perioderna visas i tidsordning: 2023–2026 före 2027–2030." in page.text
    assert "Nya organ (4)" in page.text


def test_periods_with_one_between_them_get_a_note(client, orebro):
    page = get(client, URL + "?fran=2019-2022&till=2027-2030")

    assert "Mellan 2019–2022 och 2027–2030 ligger 2023–2026." in page.text


# Bad input


def test_an_unknown_period_gets_a_message_not_an_error(client, orebro):
    page = get(client, URL + "?fran=2023-2026&till=2031-2034")

    assert "Det finns ingen mandatperiod som heter ”2031-2034”. Välj en period i listan." in (
        page.text
    )
    assert 'role="alert"' in page.html
    assert "Sammanfattning" not in page.text
    assert '<option value="2023-2026" selected>' in page.html


@pytest.mark.parametrize(
    "query",
    [
        "?fran=%3Cscript%3E&till=2027-2030",
        "?fran=" + "x" * 500,
        "?fran=&till=",
        "?fran=2023-2026&fran=nope",
        "?till=%00",
        "?fran=2023-2026&till=2027-2030&extra=1",
    ],
)
def test_odd_input_never_breaks_the_page(client, orebro, query):
    page = get(client, URL + query)

    assert page.h1 == ["Jämför mandatperioder"]
    assert "<script>" not in page.html


def test_comparing_a_period_with_itself_gets_a_message(client, orebro):
    page = get(client, URL + "?fran=2023-2026&till=2023-2026")

    assert "Du valde 2023–2026 två gånger. Välj två olika mandatperioder att jämföra." in (
        page.text
    )
    assert "Sammanfattning" not in page.text


def test_with_fewer_than_two_periods_it_says_so(client, make):
    make.period("2023–2026")

    page = get(client, URL)

    assert "Det behövs minst två mandatperioder för en jämförelse." in page.text


def test_with_no_periods_at_all_it_says_so(client, db):
    assert "Det behövs minst två mandatperioder" in get(client, URL).text


# Links to the page


def test_a_period_page_links_to_the_comparison_with_its_neighbours(client, orebro):
    page = get(client, "/perioder/2023-2026/")

    assert "Jämför med föregående period (2019–2022)" in page.text
    assert 'href="/perioder/jamfor/?fran=2019-2022&amp;till=2023-2026"' in page.html
    assert "Jämför med nästa period (2027–2030) förslag" in page.text
    assert 'href="/perioder/jamfor/?fran=2023-2026&amp;till=2027-2030"' in page.html


def test_the_first_and_last_periods_link_only_one_way(client, orebro):
    first = get(client, "/perioder/2019-2022/").text
    last = get(client, "/perioder/2027-2030/").text

    assert "Jämför med nästa period (2023–2026)" in first
    assert "Jämför med föregående period" not in first
    assert "Jämför med föregående period (2023–2026)" in last
    assert "Jämför med nästa period" not in last


def test_the_list_of_periods_links_to_the_comparison(client, orebro):
    assert 'href="/perioder/jamfor/"' in get(client, "/perioder/").html


# What holds for every public page


def test_it_has_one_h1_landmarks_and_no_inline_styles_or_scripts(client, orebro):
    page = get(client, MEMO)

    assert len(page.h1) == 1
    assert '<html lang="sv">' in page.html
    for landmark in ('<header class="site-header">', "<nav", "<main", "<footer"):
        assert landmark in page.html
    # CSP: scripts only from files, no inline script or style.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.html)
    assert "style=" not in page.html
    assert page.html.count("<h2") >= 3


def test_it_shows_no_people(client, orebro):
    # The page is about the structure: no names, no contact details.
    html = get(client, MEMO).html

    assert "/personer/" not in html
    assert "@" not in html.replace("@media", "")


# Bounded queries


def test_the_real_comparison_reads_a_fixed_number_of_queries(
    client, orebro, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES + STAMP_QUERIES):
        response = client.get(MEMO)
    assert response.status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES + STAMP_QUERIES):
        assert client.get(URL).status_code == 200


def test_the_same_limit_holds_on_ten_times_oerebro(client, django_assert_max_num_queries):
    data = bigdata.generate()
    old, new = data.periods[1], data.periods[2]
    assert new.bodies.count() == 150
    assert Seat.objects.filter(body__period=new).count() > 1000
    url = f"{URL}?fran={old.slug}&till={new.slug}"

    with django_assert_max_num_queries(MAX_QUERIES + STAMP_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    page = get(client, url)
    assert "Ändringar" in page.text
    assert "compare-node--changed" in page.html
    assert MandatePeriod.objects.get(pk=new.pk).is_proposed
    assert "Förslag – inte beslutad" in page.text


def test_many_changes_come_in_pages_and_large_charts_give_way_to_links(
    client, changed, monkeypatch
):
    monkeypatch.setattr(views, "COMPARE_PAGE_SIZE", 3)
    monkeypatch.setattr(views, "COMPARE_CHART_LIMIT", 5)
    first = get(client, URL + "?fran=2023-2026&till=2027-2030")

    # The headings count every change; the lists hold this page's.
    assert "Nya organ (1)" in first.text and "Ändringar (7)" in first.text
    assert len(items(first, "added-heading")) == 1
    assert len(items(first, "closed-heading")) == 1
    assert len(items(first, "changed-heading")) == 1
    assert "Sida 1 av 3" in first.text
    assert 'href="?fran=2023-2026&amp;till=2027-2030&amp;sida=2#summary-heading"' in first.html
    # Ten bodies are over the limit: links to each period's own chart instead.
    assert "compare-trees" not in first.html
    assert "fler än 5 organ, för många för att visa sida vid sida" in first.text
    assert 'href="/perioder/2027-2030/"' in first.html

    last = get(client, URL + "?fran=2023-2026&till=2027-2030&sida=3")
    assert len(items(last, "changed-heading")) == 3
    assert "Se de andra sidorna av jämförelsen." in last.section("summary-heading")
