"""Min kommun in a real browser: from the start page to Kumla's seats without
JavaScript tricks, a cookie only after consent, and no axe violations on the way."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_every_page import axe_violations


def test_a_politician_from_kumla_finds_their_seats_from_the_start_page(site, page):
    axe = Axe()
    page.goto(site + "/")
    assert axe_violations(axe, page) == []

    page.get_by_label("Kommun, organisation eller länsdel").select_option(label="Kumla kommun")
    page.get_by_role("button", name="Visa platserna").click()

    expect(page).to_have_url(site + "/organisationer/kumla-kommun/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kumla kommun")
    first = page.locator("section.representation h3").first
    expect(first).to_have_text("Pågående mandatperiod 2023–2026")
    assert page.context.cookies() == []  # no consent, no cookie
    assert axe_violations(axe, page) == []

    page.goto(site + "/")
    page.get_by_label("Kommun, organisation eller länsdel").select_option(label="Kumla kommun")
    page.get_by_label("Kom ihåg mitt val på den här datorn").check()
    page.get_by_role("button", name="Visa platserna").click()
    assert [cookie["name"] for cookie in page.context.cookies()] == ["mitt_val"]

    page.goto(site + "/")
    remembered = page.get_by_role("link", name="Kumla kommun – alla platser")
    expect(remembered).to_be_visible()
    assert axe_violations(axe, page) == []
    page.get_by_role("link", name="Glöm mitt val").click()
    assert page.context.cookies() == []


def test_the_choice_page_and_a_county_part_have_no_axe_violations(site, page):
    axe = Axe()
    for path in ("/min/", "/min/?val=org:finns-inte", "/lansdelar/sodra/"):
        page.goto(site + path)
        assert axe_violations(axe, page) == [], path
