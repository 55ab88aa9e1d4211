"""Swedish by default, English on request: the switch, `lang` attributes, dates per locale.

The last test here checks the English catalogue itself. It FAILS UNTIL THE ENGLISH
CATALOGUE (locale/en/LC_MESSAGES/django.po) HAS A TRANSLATION FOR EVERY UI STRING,
and fails again whenever a new Swedish string is added without one.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.test_every_page import OVERFLOW, axe_violations

ROOT = Path(settings.BASE_DIR)


def test_the_language_switch_changes_language_address_and_lang_attribute(site, page):
    page.goto(site + "/perioder/2023-2026/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    switch = page.get_by_role("navigation", name="Språk")
    expect(switch.get_by_role("link", name="English")).to_have_attribute("lang", "en")
    expect(switch.get_by_role("link", name="Svenska")).to_have_attribute("aria-current", "true")

    switch.get_by_role("link", name="English").click()

    expect(page).to_have_url(site + "/en/perioder/2023-2026/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch = page.get_by_role("navigation", name="Language")
    expect(switch.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    # Links now lead to English pages; data stays as entered.
    expect(page.get_by_role("link", name="Regionala samverkansrådet").first).to_have_attribute(
        "href", "/en/perioder/2023-2026/regionala-samverkansradet/"
    )
    # Choosing a language leaves no cookie behind: the address says it.
    assert page.context.cookies() == []

    switch.get_by_role("link", name="Svenska").click()
    expect(page).to_have_url(site + "/perioder/2023-2026/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_dates_are_written_the_way_each_language_writes_them(site, page):
    body = "/perioder/2019-2022/regionala-samverkansradet/"
    page.goto(site + body)
    expect(page.get_by_role("main")).to_contain_text("31 december 2022")

    page.goto(site + "/en" + body)
    main = page.get_by_role("main")
    expect(main).to_contain_text("31 December 2022")
    expect(main).not_to_contain_text("31 december 2022")


def test_the_english_pages_pass_axe_and_fit_a_narrow_screen_too(site, page):
    axe = Axe()
    problems = {}
    paths = [
        "/en/",
        "/en/perioder/2023-2026/",
        "/en/perioder/2019-2022/regionala-samverkansradet/",
        "/en/personer/tom-rymoen/",
        "/en/tillganglighet/",
    ]
    for path in paths:
        page.goto(site + path)
        found = axe_violations(axe, page)
        page.set_viewport_size({"width": 320, "height": 800})
        if overflow := page.evaluate(OVERFLOW):
            found.append(f"scrolls sideways at 320 px: {overflow}")
        page.set_viewport_size({"width": 1280, "height": 900})
        if found:
            problems[path] = found
    assert not problems, problems


# --- The English catalogue -------------------------------------------------------------

# What is copied to extract the strings: the project without its environment and data.
NOT_SOURCE = {".git", ".venv", "venv", "node_modules", "media", "staticfiles", "docs", "locale"}


def po_entries(text):
    """(msgid, translated?, fuzzy?) for every live entry of a .po file, header excluded."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields, current = {}, None
        for line in lines:
            match = re.match(r'(msgid_plural|msgid|msgctxt|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if not fields.get("msgid"):
            continue  # the header
        translations = [value for key, value in fields.items() if key.startswith("msgstr")]
        entries.append((fields["msgid"], bool(translations) and all(translations), fuzzy))
    return entries


def test_every_ui_string_has_an_english_translation(tmp_path):
    """Every Swedish UI string has a finished English translation.

    The strings are extracted afresh (makemessages, in a copy of the project) so that a
    string missing from the catalogue counts as untranslated too.
    """
    for item in ROOT.iterdir():
        if item.name in NOT_SOURCE or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, tmp_path / item.name, ignore=shutil.ignore_patterns("*.pyc"))
        else:
            shutil.copy2(item, tmp_path / item.name)
    catalogue = tmp_path / "locale/en/LC_MESSAGES/django.po"
    catalogue.parent.mkdir(parents=True)
    shutil.copy2(ROOT / "locale/en/LC_MESSAGES/django.po", catalogue)

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--ignore=tests/*", "-v0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    entries = po_entries(catalogue.read_text())
    missing = [msgid for msgid, translated, _fuzzy in entries if not translated]
    fuzzy = [msgid for msgid, translated, is_fuzzy in entries if translated and is_fuzzy]
    lines = [f"  missing: {msgid}" for msgid in missing] + [f"  fuzzy: {msgid}" for msgid in fuzzy]
    assert not lines, (
        f"{len(missing)} UI strings have no English translation and {len(fuzzy)} are fuzzy "
        "in locale/en/LC_MESSAGES/django.po (makemessages -l en, translate, "
        "compilemessages):\n" + "\n".join(lines)
    )
