"""The decision register and a person's consented contact details in a real browser:
axe-core finds no WCAG 2.1 A/AA violation and the pages fit a 320 px wide screen."""

import datetime

from axe_playwright_python.sync_playwright import Axe

from meetings.models import Decision, Meeting
from members.models import Person
from tests.browser.test_every_page import AXE_OPTIONS, OVERFLOW


def test_decision_pages_and_a_consented_contact_pass_axe_at_320_px(site, page):
    meeting = Meeting.objects.get(start__date=datetime.date(2022, 9, 29))
    decision = Decision.objects.create(
        meeting=meeting,
        agenda_item=meeting.agenda_items.first(),
        title="Rekommendation om gemensamma mötestider",
        kind=Decision.Kind.RECOMMENDATION,
        addressee="kommunerna",
        text="Rådet rekommenderar kommunerna att anta mötestiderna.",
    )
    decision.address_seat_holders()
    first = decision.responses.first()
    first.status, first.decided_on, first.reference = "decided", datetime.date(2022, 11, 1), "§ 12"
    first.save()
    person = Person.objects.get(slug="andreas-svahn")
    person.email, person.email_consent_on = "andreas.svahn@example.se", datetime.date(2026, 1, 1)
    person.save()
    axe = Axe()
    paths = [
        "/beslut/",
        "/beslut/?typ=recommendation&q=m%C3%B6testider",
        decision.get_absolute_url(),
        meeting.get_absolute_url(),
        person.get_absolute_url(),
    ]
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(site + path)
            result = axe.run(page, options=AXE_OPTIONS)
            assert result.response["violations"] == [], (path, width)
            if width == 320:
                assert page.evaluate(OVERFLOW) is None, path
    page.goto(site + person.get_absolute_url())
    assert page.get_by_role("link", name="andreas.svahn@example.se").is_visible()
