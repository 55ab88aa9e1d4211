import importlib
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import clear_url_caches
from django.utils import timezone

import samverkan.urls
from bodies.models import Body
from meetings.models import Meeting
from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def structure(make):
    old = make.period("2019–2022")
    current = make.period("2023–2026")
    proposal = make.period("2027–2030", status="proposed")
    council = make.body(current, "Regionala rådet")
    make.body(current, "Chefsgruppen", kind=Body.Kind.OFFICIALS_GROUP, parent=council)
    make.body(old, "Gamla rådet")
    make.body(proposal, "Föreslaget råd")
    return current


def test_it_shows_the_current_periods_structure_as_nested_lists(client, structure):
    page = get(client, "/")

    assert "Strukturen 2023–2026" in page.text
    nested = re.search(
        r"Regionala rådet</a>.*?<ul class=\"tree__children\">.*?Chefsgruppen", page.html, re.S
    )
    assert nested, "the officials' group is listed inside the council's item"
    assert "Tjänstepersonsgrupp" in page.text  # the kind in words, not only a colour
    assert "Gamla rådet" not in page.text
    assert "Föreslaget råd" not in page.text


def test_it_offers_search_and_the_other_periods(client, structure):
    page = get(client, "/")

    assert '<form class="search-form" action="/sok/" method="get" role="search">' in page.html
    for name in ("2019–2022", "2027–2030"):
        assert name in page.section("periods-heading")
    assert "2027–2030 förslag" in page.section("periods-heading")


def test_it_says_plainly_when_no_meeting_is_planned(client, structure):
    meetings = get(client, "/").section("meetings-heading")

    assert "Kommande möten" in meetings
    assert "Inga kommande möten är registrerade." in meetings
    assert "Alla möten i kalendern" in meetings


def test_it_lists_the_next_meetings_with_their_bodies(client, structure):
    body = Body.objects.get(period=structure, name="Regionala rådet")
    start = timezone.now() + timedelta(days=10)
    Meeting.objects.create(body=body, start=start, end=start + timedelta(hours=2), place="Örebro")

    meetings = get(client, "/").section("meetings-heading")

    assert body.name in meetings
    assert "Inga kommande möten" not in meetings


def test_it_says_so_when_no_decided_period_is_running(client, make):
    make.period("2019–2022")

    page = get(client, "/")

    assert "Ingen pågående mandatperiod" in page.text
    assert "2019–2022" in page.text


def test_every_page_has_the_landmarks_one_h1_a_skip_link_and_swedish_as_its_language(
    client, structure
):
    page = get(client, "/")

    assert '<html lang="sv">' in page.html
    assert len(page.h1) == 1
    assert '<a class="skip-link" href="#innehall">Hoppa till innehållet</a>' in page.html
    assert '<main id="innehall"' in page.html
    for landmark in ("<header", "<nav", "<footer"):
        assert landmark in page.html


def test_it_has_a_language_switch_that_works_without_javascript(client, structure):
    page = get(client, "/perioder/2023-2026/?typ=network")

    assert '<nav class="language-switch" aria-label="Språk">' in page.html
    assert (
        '<a href="/perioder/2023-2026/?typ=network" lang="sv" hreflang="sv" aria-current="true">'
        "Svenska</a>" in page.html
    )
    assert (
        '<a href="/en/perioder/2023-2026/?typ=network" lang="en" hreflang="en">English</a>'
        in page.html
    )
    # The only script is the chart's enhancement, loaded from a file; the switch needs none.
    assert re.findall(r"<script[^>]*>", page.html) == ['<script src="/static/js/tree.js" defer>']
    assert 'style="' not in page.html

    english = get(client, "/en/perioder/2023-2026/")
    assert '<a href="/perioder/2023-2026/" lang="sv" hreflang="sv">Svenska</a>' in english.html


def test_public_pages_set_no_cookie_and_do_not_vary_on_cookies(client, structure):
    for path in ("/", "/en/", "/perioder/2023-2026/", "/sok/?q=r%C3%A5d"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not response.cookies, (path, response.cookies)
        assert "Cookie" not in response.get("Vary", ""), path


def test_the_english_pages_live_under_en(client, structure):
    assert '<html lang="en">' in get(client, "/en/").html


def test_the_footer_links_to_the_accessibility_statement(client, structure, settings):
    settings.SITE_OWNER = "Region Testlän"
    settings.SITE_CONTACT_EMAIL = "tillganglighet@region.test"

    page = get(client, "/")
    assert 'href="/tillganglighet/">Tillgänglighetsredogörelse</a>' in page.html

    statement = get(client, "/tillganglighet/")
    assert statement.h1 == ["Tillgänglighetsredogörelse"]
    assert "Region Testlän står bakom den här webbplatsen." in statement.text
    assert "delvis förenlig med lagen om tillgänglighet" in statement.text
    assert 'href="mailto:tillganglighet@region.test"' in statement.html


def test_the_list_of_periods_marks_the_current_one_and_the_proposal(client, structure):
    page = get(client, "/perioder/")

    assert page.h1 == ["Mandatperioder"]
    assert "pågående" in page.text
    assert "Förslag – inte beslutad" in page.text


def test_every_page_names_the_site_icon_and_favicon_ico_leads_to_it(client, structure):
    icon = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    assert icon in client.get("/").content.decode()
    assert icon in client.get("/admin/login/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")


def test_favicon_ico_also_leads_to_the_icon_on_a_development_server(rf, settings):
    # make run (DEBUG) adds the media files' addresses to the URLconf; that must not
    # disturb the icon's redirect.
    settings.DEBUG = True
    try:
        development_urls = importlib.reload(samverkan.urls)
        response = development_urls.favicon(rf.get("/favicon.ico"))
    finally:
        settings.DEBUG = False
        importlib.reload(samverkan.urls)
        clear_url_caches()
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
