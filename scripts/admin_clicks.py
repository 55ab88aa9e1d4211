"""Count the secretary's clicks and page loads for the admin's everyday errands.

    .venv/bin/python scripts/admin_clicks.py

Builds a throw-away SQLite database with the Örebro registry (fixtures/orebro.toml),
logs in as a registry secretary and does each errand with Django's test client,
following the links and pressing the buttons a person would (``tests/clicks.py``):
a click is following a link or pressing a button, a page load is every GET and
POST (a redirect after a save is one more). Typing is not counted. The project's
own database is not touched. Prints a Markdown table (docs/admin.md shows it).
"""

import io
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fill_forms(zipped):
    """Every organisation's nomination form filled in, as an organisation would: a name
    and a party for each ordinary member's seat (the secretary's seat is left empty)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    parties = ["S", "M", "C", "KD", "V", "L", "SD", "MP"]
    files, count = [], 0
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        for name in archive.namelist():
            book = load_workbook(io.BytesIO(archive.read(name)))
            sheet = book["Nomineringar"]
            for row in range(2, sheet.max_row + 1):
                seat = str(sheet[f"E{row}"].value)
                if not seat.startswith("ordinarie") or "sekreterare" in seat:
                    continue
                count += 1
                sheet[f"H{row}"] = "Nominerad"
                sheet[f"I{row}"] = f"Ledamot {count}"
                sheet[f"J{row}"] = parties[count % len(parties)]
            out = io.BytesIO()
            book.save(out)
            files.append(SimpleUploadedFile(name, out.getvalue()))
    return files


def main():
    folder = tempfile.mkdtemp(prefix="samverkan-clicks-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/clicks.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.chdir(ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    # As the test suite does: no HTTPS redirect, static files without a manifest.
    override_settings(
        SECURE_SSL_REDIRECT=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        call_command("load_structure", "fixtures/orebro.toml", verbosity=0)

    from django.contrib.auth import get_user_model

    from bodies.models import Body, MandatePeriod
    from tests.clicks import Journey

    user = get_user_model().objects.create_superuser("sekreterare", "s@region.test", "x-123")
    client = Client()
    client.force_login(user)  # signing in is the same for every errand: not counted

    current = MandatePeriod.objects.get(slug="2023-2026")
    rsr = Body.objects.get(period=current, slug="regionala-samverkansradet")
    earlier = Body.objects.get(period__slug="2019-2022", slug="regionala-samverkansradet")
    rows = []

    def errand(name, steps):
        journey = Journey(client).open("/admin/")
        steps(journey)
        assert journey.response.status_code == 200, name
        rows.append((name, journey.clicks, journey.page_loads))

    def seat_member(journey):
        journey.click("Organ", href="/bodies/body/")
        journey.click("Ledamöter och ersättare – Regionala samverkansrådet")
        journey.click("Tillsätt – Nora kommun ordinarie 2")
        journey.submit({"first_name": "Tom", "last_name": "Rymoén-Test"})

    def substitute(journey):
        journey.click("Organ", href="/bodies/body/")
        journey.click("Ledamöter och ersättare – Regionala samverkansrådet")
        journey.click("Lägg till ersättare – Nora kommun ordinarie 2")
        journey.submit({"first_name": "Anna", "last_name": "Berg"})
        assert "Anna Berg ersättare för" in journey.response.text

    def meeting(journey):
        journey.click("Möten", href="/meetings/meeting/")
        journey.click("Lägg till möte")
        journey.submit({"body": earlier.pk, "datum": "2022-06-15"})
        journey.submit({"place": "Örebro"})
        saved = journey.response.status_code == 200 and "/add/" not in journey.url
        if not saved:
            errors = journey.response.context and journey.response.context.get("errors")
            raise SystemExit(f"The meeting was not saved: {errors}")

    def carry_forward(journey):
        journey.click("Mandatperioder", href="/mandateperiod/")
        journey.click("2023–2026")
        journey.click("Skapa nästa period från denna")
        journey.submit({"name": "2031–2034"})
        assert "har skapats som förslag" in journey.response.text

    def nominations(journey):
        # After the 2026 election: the new period's seats, all vacant.
        journey.click("Organ", href="/bodies/body/")
        journey.click("2027–2030", href="period=")
        journey.click("Ledamöter och ersättare – Regionala samverkansrådet")
        journey.click("Nomineringar")
        forms = journey.download("Ladda ner alla blanketter (zip)")
        # Each organisation fills in its form (not counted: done outside the registry).
        journey.submit({"files": fill_forms(forms)})
        signed = re.search(r'name="rader" value="([^"]+)"', journey.response.text)
        assert signed, re.findall(r"nomination-problems.*?</table>", journey.response.text, re.S)
        journey.submit({"rader": signed.group(1)})
        assert "33 platser tillsatta" in journey.response.text, "not all 33 seats filled"

    errand("Tillsätta en ordinarie ledamot (ny person)", seat_member)
    errand("Ny person som ersättare för en given ledamot", substitute)
    errand("Registrera ett möte med närvarolista (RSR, 33 platser)", meeting)
    errand("Föra en period vidare (2023–2026 → nästa lediga)", carry_forward)
    errand("Tillsätta alla 33 platser i RSR 2027–2030 från nomineringsfiler", nominations)
    attendance = rsr.period.name and earlier.meetings.get().attendances.count()

    print("| ärende | klick | sidladdningar |")
    print("|---|---:|---:|")
    for name, clicks, loads in rows:
        print(f"| {name} | {clicks} | {loads} |")
    print()
    print(f"(Mötet fick {attendance} närvaroposter från ledamotslistan den 15 juni 2022.)")


if __name__ == "__main__":
    main()
