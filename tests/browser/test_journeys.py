"""Two people's errands, done in a real browser from start to end."""

import csv
import io
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bodies.models import Seat


def test_a_politician_on_a_phone_finds_themselves_and_downloads_the_roster(site, browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="sv-SE",
        accept_downloads=True,
    )
    page = context.new_page()
    try:
        page.goto(site + "/")
        page.get_by_label("Sök personer, organ och organisationer").fill("Rymoén")
        page.keyboard.press("Enter")

        expect(page).to_have_url(re.compile(r"/sok/\?q=Rymo"))
        page.get_by_role("main").get_by_role("link", name="Tom Rymoén").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Tom Rymoén")
        page.get_by_role("main").get_by_role("link", name="Regionala samverkansrådet").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Regionala samverkansrådet")
        expect(page.get_by_role("main")).to_contain_text("Mandatperiod 2019–2022")
        roster = page.get_by_role("table").filter(has_text="Tom Rymoén")
        expect(roster).to_be_visible()
        # The roster's download links: "Ladda ned listan: PDF · Excel · CSV".
        downloads = page.locator("p", has_text=re.compile("Ladda (ned|ner)"))
        expect(downloads).to_be_visible()
        with page.expect_download() as info:
            downloads.get_by_role("link", name="CSV").click()
        download = info.value
        assert download.suggested_filename.endswith(".csv")
        text = Path(download.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text[:200] else ","))
        assert any("Tom Rymoén" in " ".join(row) or "Rymoén" in " ".join(row) for row in rows)
        # Nothing on the way scrolled sideways on the phone.
        assert page.evaluate(
            "document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
        )
    finally:
        context.close()


def drag(page, source, target):
    """Drag ``source`` with the mouse and drop it in the middle of ``target``."""
    box = source.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    goal = target.bounding_box()
    page.mouse.move(goal["x"] + 40, goal["y"] + goal["height"] / 2, steps=12)
    page.mouse.up()


def test_a_secretary_moves_a_body_and_appoints_a_member_in_the_admin(site, page):
    get_user_model().objects.create_superuser("sekreterare", "sekr@region.test", "hemligt-123")
    seat = Seat.objects.get(
        body__period__slug="2023-2026",
        body__slug="specifika-samverkansradet-for-kultur",
        organisation__slug="askersunds-kommun",
        role=Seat.Role.ORDINARY,
    )
    assert not seat.appointments.exists()

    page.goto(site + "/admin/")
    page.get_by_label("Användarnamn").fill("sekreterare")
    page.get_by_label("Lösenord").fill("hemligt-123")
    page.get_by_role("button", name="Logga in").click()
    expect(
        page.get_by_role("link", name="Logga ut").or_(page.get_by_role("button", name="Logga ut"))
    ).to_be_visible()

    # Move "Chefsgrupp kultur" under the council it prepares for, by drag and drop.
    # The tree's script scrolls when the mouse nears the window's edge: a window
    # tall enough for the whole period keeps the rows where the mouse expects them.
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.goto(site + "/admin/bodies/body/")
    rows = page.locator("#result_list tbody tr")
    moved = rows.filter(has=page.get_by_role("link", name="Chefsgrupp kultur", exact=True))
    council = rows.filter(
        has=page.get_by_role("link", name="Specifika samverkansrådet för kultur", exact=True)
    )
    with page.expect_response(lambda r: r.request.method == "POST"):
        drag(page, moved.locator(".drag-handle"), council)
    expect(page.locator(".messagelist")).to_contain_text("Chefsgrupp kultur har flyttats.")

    page.goto(site + "/perioder/2023-2026/chefsgrupp-kultur/")
    reports_to = page.locator("dt", has_text="Rapporterar till").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(reports_to).to_have_text("Specifika samverkansrådet för kultur")

    # Appoint Tom Rymoén to Askersund's ordinary seat in the culture council.
    page.goto(site + f"/admin/bodies/seat/{seat.pk}/change/")
    row = page.locator("#appointments-0")
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Rymoén")
    page.get_by_role("option", name=re.compile("Tom Rymoén")).click()
    row.locator("input[name$='-start']").fill("2024-01-01")
    row.locator("input[name$='-appointed_by']").fill("Kommunfullmäktige i Askersund 2023-12-11")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Ändrade plats")

    page.goto(site + "/perioder/2023-2026/specifika-samverkansradet-for-kultur/")
    expect(
        page.get_by_role("table").get_by_role("row", name=re.compile("Askersunds kommun"))
    ).to_contain_text("Tom Rymoén")

    # A second person in the same seat from a day Tom still holds it: refused, in Swedish.
    page.goto(site + f"/admin/bodies/seat/{seat.pk}/change/")
    new_row = page.locator("#appointments-1")
    new_row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Svahn")
    page.get_by_role("option", name=re.compile("Andreas Svahn")).click()
    new_row.locator("input[name$='-start']").fill("2025-03-01")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#content")).to_contain_text(
        "Platsen innehas redan av Tom Rymoén från 1 januari 2024. "
        "Avsluta det uppdraget först eller välj andra datum."
    )
    assert seat.appointments.count() == 1
