"""An organisation editor's errand in a real browser: Nora kommun appoints a new member.

Every click that leaves the page waits for the next page to have loaded
(``wait_for_url``, with the navigation timeout) before anything is asserted or read
from the database. An assertion alone polls for 5 seconds only, which a busy machine
can spend on one admin page; and with SQLite the live server shares the test's
database connection, so the test must not query while the server still serves the
page.
"""

import datetime
import re

from django.utils import formats, timezone
from playwright.sync_api import expect

from bodies.models import Organisation, Seat
from members.models import Appointment, Person
from tests.conftest import user_with_roles


def test_a_nora_editor_appoints_a_member_and_the_public_page_shows_it(site, page):
    nora = Organisation.objects.get(slug="nora-kommun")
    seat = (
        Seat.objects.filter(
            organisation=nora,
            body__period__slug="2023-2026",
            role=Seat.Role.ORDINARY,
            office_label="",
        )
        .exclude(appointments__isnull=False)
        .select_related("body")
        .first()
    )
    body = seat.body
    # The body's roster last changed in January 2024, as far as the history knows.
    Seat.history.bulk_history_create(
        [seat], default_date=timezone.make_aware(datetime.datetime(2024, 1, 10, 10))
    )
    Person.objects.create(
        first_name="Nils", last_name="Noraström", slug="nils-norastrom", organisation=nora
    )
    user_with_roles("nora-redaktor", organisations=[nora])

    page.goto(site + body.get_absolute_url())
    last_changed = page.locator(".last-changed")
    expect(last_changed).to_contain_text("Senast ändrad 10 januari 2024")

    page.goto(site + "/admin/")
    page.get_by_label("Användarnamn").fill("nora-redaktor")
    page.get_by_label("Lösenord").fill("hemligt-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{site}/admin/")
    # The editor's admin: people, appointments and seats, no structure.
    expect(page.get_by_role("link", name="Platser", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Mandatperioder")).to_have_count(0)

    page.get_by_role("link", name="Platser", exact=True).click()
    page.wait_for_url(f"{site}/admin/bodies/seat/")
    seat_link = page.locator(f'#result_list a[href$="/admin/bodies/seat/{seat.pk}/change/"]')
    expect(seat_link).to_be_visible()  # the seat is in the editor's list …
    seat_link.click()  # … and opens with its appointments
    page.wait_for_url(f"{site}/admin/bodies/seat/{seat.pk}/change/")
    row = page.locator("#appointments-0")
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Noraström")
    page.get_by_role("option", name=re.compile("Nils Noraström")).click()
    row.locator("input[name$='-start']").fill("2026-11-01")
    row.locator("input[name$='-appointed_by']").fill("Kommunfullmäktige i Nora 2026-10-26")
    page.get_by_label("Anledning till ändringen").fill("Fyllnadsval")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url(re.compile(re.escape(f"{site}/admin/bodies/seat/") + r"(\?.*)?$"))
    expect(page.locator(".messagelist")).to_contain_text("Ändrade plats")

    appointment = Appointment.objects.get(seat=seat)
    assert appointment.person.last_name == "Noraström"
    assert appointment.history.get().history_user.username == "nora-redaktor"

    page.goto(site + body.get_absolute_url())
    expect(
        page.get_by_role("table").get_by_role("row", name=re.compile("Nora kommun")).first
    ).to_contain_text("Nils Noraström")
    today = formats.date_format(timezone.localtime(appointment.history.get().history_date), "j F Y")
    expect(last_changed).to_contain_text(f"Senast ändrad {today}")
