"""The secretary's errand on the roster screen, in a real browser: a new substitute."""

import datetime
import re

from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bodies.models import MandatePeriod, Seat
from members.models import Person
from tests.browser.test_every_page import axe_violations


def test_a_new_person_becomes_substitute_for_a_given_member_in_few_clicks(site, page):
    get_user_model().objects.create_superuser("sekreterare", "sekr@region.test", "hemligt-123")
    period = MandatePeriod.objects.get(slug="2023-2026")
    member = Seat.objects.filter(
        body__period=period,
        body__slug="regionala-samverkansradet",
        organisation__slug="nora-kommun",
        role=Seat.Role.ORDINARY,
    ).order_by("order", "pk")[1]
    tom = Person.objects.get(slug="tom-rymoen")
    member.appointments.create(person=tom, start=datetime.date(2023, 1, 1))

    page.goto(site + f"/admin/bodies/body/?period={period.pk}")
    page.get_by_label("Användarnamn").fill("sekreterare")
    page.get_by_label("Lösenord").fill("hemligt-123")
    page.get_by_role("button", name="Logga in").click()

    clicks = 1  # logging in lands on the period's bodies
    page.get_by_role(
        "link", name="Ledamöter och ersättare – Regionala samverkansrådet", exact=True
    ).click()
    clicks += 1
    expect(page.get_by_role("heading", level=1)).to_contain_text("Regionala samverkansrådet")
    assert axe_violations(Axe(), page) == []

    page.get_by_role("link", name="Lägg till ersättare – Nora kommun ordinarie 2").click()
    clicks += 1
    expect(page.locator("#action-heading")).to_contain_text(
        "Ny ersättare för Regionala samverkansrådet 2023–2026 · Nora kommun · ordinarie 2 "
        "(Tom Rymoén)"
    )
    assert axe_violations(Axe(), page) == []
    page.get_by_label("eller ny person: förnamn").fill("Anna")
    page.get_by_label("efternamn").fill("Berg")
    page.get_by_role("button", name="Spara").click()
    clicks += 1

    expect(page.locator(".messagelist")).to_contain_text(re.compile("Anna Berg ersättare för"))
    assert clicks <= 6
    substitute = Seat.objects.get(backs=member)
    assert substitute.appointments.get().person.full_name == "Anna Berg"
    expect(page.locator(f"#plats-{substitute.pk}")).to_contain_text("Anna Berg")
