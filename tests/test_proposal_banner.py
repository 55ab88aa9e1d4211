"""A proposed period is marked as a proposal on every public page that shows it.

The mark is text ("Förslag – inte beslutad", or "förslag" in short lists of periods),
so it is never told by colour alone; a decided period shows its decision instead.
"""

import datetime
import re

import pytest

from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db

MARK = "Förslag – inte beslutad"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def registry(make):
    """A decided 2023–2026 and a proposed 2027–2030 with a council, a seat and a meeting."""
    decided = make.period("2023–2026")
    decided.mark_decided("Regionfullmäktige § 12", datetime.date(2022, 11, 29))
    proposal = make.period("2027–2030", status="proposed")
    part = make.county_part("Norra länsdelen")
    nora = make.organisation("Nora kommun", county_part=part)
    council = make.body(decided, "Regionala rådet", lead_organisation=nora)
    make.seat(council, nora)
    new_council = make.body(
        proposal,
        "Länsdelsrådet Norra",
        county_part=part,
        lead_organisation=nora,
        predecessor=council,
    )
    anna = make.person("Anna", "Förslagsson")
    make.appointment(anna, make.seat(council, nora))
    make.appointment(anna, make.seat(new_council, nora))
    meeting = make.meeting(new_council, datetime.date(2027, 3, 1))
    return {"proposal": proposal, "decided": decided, "meeting": meeting}


def heading(page, text):
    """The visible text of the first h3 containing the text."""
    for h3 in re.findall(r"<h3[^>]*>(.*?)</h3>", page.html, re.S):
        visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", h3)).strip()
        if text in visible:
            return visible
    raise AssertionError(f"no h3 with {text!r}")


def test_the_period_page_of_a_proposal_has_the_banner(client, registry):
    page = get(client, "/perioder/2027-2030/")

    assert MARK in page.text
    assert "Strukturen för mandatperioden 2027–2030 är ett förslag." in page.text
    assert 'class="banner banner--proposal" role="note"' in page.html


def test_a_decided_period_shows_its_decision_and_its_date(client, registry):
    page = get(client, "/perioder/2023-2026/")

    assert "Beslut: Regionfullmäktige § 12, 29 november 2022." in page.text
    assert MARK not in page.text


def test_a_decided_period_without_a_recorded_decision_says_nothing_about_it(client, make):
    make.period("2019–2022")

    # ("Beslut" alone is the menu's link to the decisions register.)
    assert "Beslut:" not in get(client, "/perioder/2019-2022/").text


def test_the_list_of_periods_marks_the_proposal_and_dates_the_decision(client, registry):
    page = get(client, "/perioder/")

    assert MARK in page.text
    assert "Beslutad 29 november 2022 (Regionfullmäktige § 12)" in page.text


def test_the_body_page_of_a_proposal_has_the_banner(client, registry):
    page = get(client, "/perioder/2027-2030/lansdelsradet-norra/")

    assert MARK in page.text


def test_a_body_names_its_successor_in_a_proposal_as_a_proposal(client, registry):
    page = get(client, "/perioder/2023-2026/regionala-radet/")

    assert f"Länsdelsrådet Norra (2027–2030) {MARK}" in page.text


def test_the_person_page_marks_seats_of_a_proposal(client, registry):
    page = get(client, "/personer/anna-forslagsson/")

    assert heading(page, "2027–2030") == f"Mandatperiod 2027–2030 {MARK}"
    assert heading(page, "2023–2026") == "Mandatperiod 2023–2026"


def test_the_organisation_page_marks_seats_and_bodies_of_a_proposal(client, registry):
    page = get(client, "/organisationer/nora-kommun/")

    assert heading(page, "2027–2030") == "Förslag 2027–2030 – inte beslutat"
    assert heading(page, "2023–2026") == "Pågående mandatperiod 2023–2026"
    assert f"Länsdelsrådet Norra (2027–2030) {MARK}" in page.text
    assert "Regionala rådet (2023–2026)" in page.text
    assert f"Regionala rådet (2023–2026) {MARK}" not in page.text


def test_the_county_part_page_marks_bodies_of_a_proposal(client, registry):
    page = get(client, "/lansdelar/norra-lansdelen/")

    assert heading(page, "2027–2030") == f"Mandatperiod 2027–2030 {MARK}"


def test_search_results_mark_bodies_of_a_proposal(client, registry):
    page = get(client, "/sok/?q=råd")

    assert heading(page, "2027–2030") == f"Mandatperiod 2027–2030 {MARK}"
    assert heading(page, "2023–2026") == "Mandatperiod 2023–2026 pågående"


def test_the_start_page_lists_the_proposal_as_a_proposal(client, registry):
    page = get(client, "/")

    assert "2027–2030 förslag" in page.section("periods-heading")
    assert '<span class="tag tag--proposal">förslag</span>' in page.html


def test_the_period_page_lists_other_periods_with_the_proposal_marked(client, registry):
    assert "2027–2030 förslag" in get(client, "/perioder/2023-2026/").text


def test_the_meeting_page_of_a_proposed_body_has_the_banner(client, registry):
    page = get(client, registry["meeting"].get_absolute_url())

    assert MARK in page.text


def test_the_calendar_marks_meetings_of_a_proposal(client, registry):
    page = get(client, "/moten/")  # upcoming meetings: the one in March 2027

    assert f"Länsdelsrådet Norra (2027–2030) {MARK}" in page.text


def test_the_comparison_page_has_the_banner_for_a_proposal(client, registry):
    page = get(client, "/perioder/jamfor/?fran=2023-2026&till=2027-2030")

    assert "Strukturen för mandatperioden 2027–2030 är ett förslag." in page.text


def test_a_proposal_never_becomes_the_current_period_on_the_start_page(
    client, registry, monkeypatch
):
    freeze_today(monkeypatch, datetime.date(2027, 3, 1))

    page = get(client, "/")

    assert "Ingen pågående mandatperiod" in page.text
    assert "Länsdelsrådet Norra" not in page.section("structure-heading")


def test_once_decided_the_banner_gives_way_to_the_decision(client, registry):
    registry["proposal"].mark_decided("Regionfullmäktige § 40", datetime.date(2026, 11, 24))

    page = get(client, "/perioder/2027-2030/")

    assert MARK not in page.text
    assert "Beslut: Regionfullmäktige § 40, 24 november 2026." in page.text
