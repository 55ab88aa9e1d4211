"""Nominations in a real browser: download a form, upload it filled in, preview, save.

Every page on the way (the nominations page, a preview with errors, a preview ready to
save) has no axe-core violation.
"""

import re

from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import expect

from bodies.models import Body
from members.models import Appointment
from tests.browser.test_every_page import axe_violations
from tests.conftest import user_with_roles


def test_a_secretary_fills_nora_s_seats_from_its_form(site, page, tmp_path):
    user_with_roles("sekreterare", registry_secretary=True)
    rsr = Body.objects.get(period__slug="2027-2030", slug="regionala-samverkansradet")

    page.goto(site + f"/admin/bodies/body/{rsr.pk}/ledamoter/")
    page.get_by_label("Användarnamn").fill("sekreterare")
    page.get_by_label("Lösenord").fill("hemligt-123")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("link", name="Nomineringar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nomineringar")
    assert axe_violations(Axe(), page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner nomineringsblankett – Nora kommun").click()
    form = tmp_path / "nora.xlsx"
    download.value.save_as(form)
    book = load_workbook(form)
    sheet = book["Nomineringar"]
    sheet["H2"], sheet["I2"], sheet["J2"] = "Anna", "Berg", "XY"
    sheet["H3"], sheet["I3"], sheet["J3"] = "Bo", "Ek", "M"
    book.save(form)

    page.get_by_label("Ifyllda blanketter (.xlsx)").set_input_files(form)
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.locator(".nomination-problems")).to_contain_text("Okänt parti ”XY”")
    expect(page.locator(".nomination-problems")).to_contain_text("J (Parti)")
    assert axe_violations(Axe(), page) == []

    sheet["J2"] = "S"
    book.save(form)
    page.get_by_label("Ifyllda blanketter (.xlsx)").set_input_files(form)
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("status")).to_contain_text("2 nya, 0 byten")
    assert axe_violations(Axe(), page) == []
    page.get_by_role("button", name="Spara nomineringarna").click()

    expect(page.locator(".messagelist")).to_contain_text(
        re.compile("Nomineringarna är sparade: 2 platser tillsatta")
    )
    assert Appointment.objects.filter(seat__body=rsr).count() == 2
    expect(page.locator(".roster-grid")).to_contain_text("Anna Berg")
