"""Full-text search on the real Örebro registry: words, names, typos, abbreviations.

The same behaviour on SQLite (Python folding, bodies/search_text.py) and on
PostgreSQL (Swedish full-text search, unaccent, trigrams: samverkan/search.py);
CI runs this file on both.
"""

from urllib.parse import urlencode

import pytest

from bodies.search_text import clean_query, highlight, parse
from tests.pages import STAMP_QUERIES, freeze_today, get

pytestmark = pytest.mark.django_db

# The current period, one query for the abbreviations, one per kind of result (five),
# the unpublished names the agenda items and decisions are screened for.
SEARCH_QUERIES = 8


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


def search(client, q):
    return get(client, "/sok/?" + urlencode({"q": q}))


def test_folkhalsan_finds_the_public_health_bodies(client, orebro):
    bodies = search(client, "folkhälsan").section("bodies-heading")

    assert "Specifika samverkansrådet för folkhälsa" in bodies
    assert "Chefsgrupp folkhälsa" in bodies


def test_a_name_in_any_order_finds_the_person(client, orebro):
    people = search(client, "svahn andreas").section("people-heading")

    assert people.startswith("Personer Andreas Svahn (S)")


def test_a_name_without_its_accent_finds_the_person(client, orebro_meetings):
    page = search(client, "rymoen")

    assert "Tom Rymoén (M)" in page.section("people-heading")
    # … and the decision that names him, with the word marked.
    assert "<mark>Rymoén</mark> valdes att jämte ordförande justera" in page.html


def test_orebro_without_dots_finds_the_organisations_and_the_region(client, orebro):
    organisations = search(client, "orebro").section("organisations-heading")

    for name in ("Örebro kommun", "Region Örebro län", "Örebro universitet"):
        assert name in organisations
    assert "<mark>Örebro</mark> kommun" in search(client, "orebro").html


def test_rus_finds_the_bodies_and_agenda_items_about_the_regional_strategy(client, orebro_meetings):
    page = search(client, "RUS")

    assert "Regionala samverkansrådet" in page.section("bodies-heading")
    assert "Genomförande av RUS och uppföljning av Lokadagarna" in page.section("items-heading")
    assert "(<mark>RUS</mark>)" in page.html


def test_kc_rd_finds_the_group_it_stands_for(client, orebro):
    bodies = search(client, "KC/RD").section("bodies-heading")

    assert bodies.startswith("Organ Mandatperiod 2023–2026 pågående Regional chefssamverkansgrupp")


def test_a_party_abbreviation_finds_the_partys_people(client, orebro):
    people = search(client, "KD").section("people-heading")

    assert "Behcet Barsom (KD)" in people
    assert "Bo Rudolfsson (KD)" in people
    assert "(S)" not in people


def test_words_from_purposes_agendas_and_decisions_are_found(client, orebro_meetings):
    assert "Regional chefssamverkansgrupp" in search(client, "verksamhetsplan").section(
        "bodies-heading"
    )
    items = search(client, "kompetensförsörjningsplan").section("items-heading")
    assert "Kompetensförsörjningsplan för Nära vård" in items
    items = search(client, "studieresa").section("items-heading")
    assert "Kalendarium för 2023" in items


def test_a_typo_in_a_name_still_finds_the_person(client, orebro):
    assert "Andreas Svahn" in search(client, "svan").section("people-heading")


def test_unpublished_people_are_never_found(client, orebro):
    from members.models import Person

    Person.objects.filter(last_name="Svahn").update(is_published=False)

    page = search(client, "svahn")
    assert "people-heading" not in page.html
    assert "/personer/andreas-svahn/" not in page.html


def test_control_characters_and_markup_never_break_the_page(client, orebro):
    odd = ("\x00", "svahn\x00andreas", "<script>alert(1)</script>", "a\x1b[31m", "🙂", "&amp;", "'")
    for q in odd:
        page = search(client, q)
        assert "<script>alert" not in page.html
    page = search(client, "<b>svahn</b>")
    assert "&lt;b&gt;svahn&lt;/b&gt;" in page.html


def test_the_page_reads_a_fixed_number_of_queries(client, orebro, django_assert_max_num_queries):
    for q in ("a", "KC/RD folkhälsa", "orebro kommun RUS", "svahn andreas KD"):
        with django_assert_max_num_queries(SEARCH_QUERIES + STAMP_QUERIES):
            search(client, q)


def test_highlight_escapes_first_and_marks_whole_words():
    terms = parse(clean_query("örebro"))

    assert highlight("<Örebro> & Örebrokommun", terms) == (
        "&lt;<mark>Örebro</mark>&gt; &amp; <mark>Örebrokommun</mark>"
    )
    assert parse(clean_query("\x00\x07")).groups == []
