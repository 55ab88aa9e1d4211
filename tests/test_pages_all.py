"""What holds for every public page: one h1, Swedish, landmarks, CSP-safe, no contact details."""

import re

import pytest

from members.models import Appointment
from tests import bigdata
from tests.pages import freeze_today, get
from tests.test_query_counts import pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def every_page(db):
    return pages(bigdata.generate(scale=0.05))


def test_every_page_has_one_h1_swedish_and_the_landmarks(client, every_page, subtests):
    for name, url in every_page.items():
        with subtests.test(page=name):
            page = get(client, url)
            assert len(page.h1) == 1
            assert '<html lang="sv">' in page.html
            for landmark in ('<header class="site-header">', "<nav", "<main", "<footer"):
                assert landmark in page.html


def test_no_page_needs_inline_styles_or_scripts(client, every_page, subtests):
    for name, url in every_page.items():
        with subtests.test(page=name):
            html = get(client, url).html
            # Scripts come from files (CSP script-src 'self'): none is written inline.
            assert not re.search(r"<script(?![^>]*\bsrc=)", html)
            assert "style=" not in html


def test_no_page_shows_contact_details_or_unpublished_people(
    client, every_page, subtests, settings
):
    # bigdata gives everyone an e-mail and a phone number; person-0 is unpublished.
    # The publisher's own address (on the accessibility statement) is another domain.
    settings.SITE_CONTACT_EMAIL = "registret@region.test"
    assert Appointment.objects.filter(person__slug="person-0").exists()
    for name, url in every_page.items():
        with subtests.test(page=name):
            html = get(client, url).html
            assert "@example.se" not in html
            assert not re.search(r"070-\d{7}", html)
            assert 'href="/personer/person-0/"' not in html
