"""The PDF exports: the structure report, a body's roster and the meeting minutes.

The Örebro report is rendered once for the module (inside a transaction that is
rolled back), then read back as a reader would: its text with pdftotext, its
metadata and bookmarks with pypdf, and the chart page through pdftoppm and the
positions of its words. Needs Debian's poppler-utils.
"""

import datetime
import gc
import io
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader

from bodies.models import MandatePeriod
from members.models import Appointment, Person
from samverkan import pdf
from tests.pages import freeze_today

# The Örebro report of 2019–2022: cover, contents, chart, the 18 bodies, parties.
EXPECTED_PAGES = 19

# What the chart page must show, as positions of the boxes' names on the page:
# (upper, lower) pairs where the first stands above the second, and (left, right)
# pairs where the first stands left of the second.
CHART_ABOVE = [
    ("Regionala samverkansrådet", "Regional chefssamverkansgrupp"),
    ("Regional chefssamverkansgrupp", "Chefsgrupp kultur"),
    ("Chefsgrupp kultur", "Chefsgrupp folkhälsa"),
    ("Regionala samverkansrådet", "Specifika samverkansrådet för kultur"),
]
CHART_LEFT_OF = [
    ("Chefsgrupp kultur", "Specifika samverkansrådet för kultur"),
]

if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
    pytest.fail(
        "The PDF tests read PDFs with poppler-utils: apt-get install poppler-utils",
        pytrace=False,
    )


def pdftotext(content, *args):
    result = subprocess.run(
        ["pdftotext", *args, "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def squash(text):
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker):
    """The 2019–2022 report of the real data, with one member made unpublished and
    given contact details, and what the database says the report must contain."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        freeze_today(patch)
        with transaction.atomic():
            call_command("load_structure", "fixtures/orebro.toml", verbosity=0)
            Person.objects.filter(slug="sven-erik-kilsten").update(
                is_published=False, email="kilsten@example.se", phone="070-111 22 33"
            )
            Person.objects.filter(slug="andreas-svahn").update(
                email="svahn@example.se", phone="019-60 300 00"
            )
            period = MandatePeriod.objects.get(slug="2019-2022")
            day = period.default_day()
            content = pdf.structure_report(period)
            expected = {
                "bodies": list(
                    period.bodies.order_by("tree_id", "lft").values_list("name", flat=True)
                ),
                "names": sorted(
                    {
                        a.person.full_name
                        for a in Appointment.objects.public()
                        .current(on=day)
                        .filter(seat__body__period=period)
                        .select_related("person")
                    }
                ),
            }
            transaction.set_rollback(True)
    text = pdftotext(content, "-layout")
    return {"pdf": content, "text": text, "flat": squash(text), **expected}


def test_it_names_every_body_of_the_period(report):
    for name in report["bodies"]:
        assert squash(name) in report["flat"], name


def test_it_names_everyone_holding_a_seat(report):
    assert len(report["names"]) == 33  # 34 people, one unpublished
    for name in report["names"]:
        assert name in report["flat"], name


def test_it_has_the_expected_pages(report):
    reader = PdfReader(io.BytesIO(report["pdf"]))
    assert len(reader.pages) == EXPECTED_PAGES
    first, chart = reader.pages[0], reader.pages[2]
    assert first.mediabox.width < first.mediabox.height  # portrait A4
    assert chart.mediabox.width > chart.mediabox.height  # landscape A4
    assert round(float(chart.mediabox.width)) == 842


def test_it_shows_an_unpublished_member_without_the_name(report):
    assert "Kilsten" not in report["text"]
    assert "Tillsatt (namnet publiceras inte)" in report["flat"]


def test_it_contains_no_contact_details(report):
    for detail in ("@example.se", "070-111", "019-60", "kilsten", "svahn@"):
        assert detail not in report["text"]


def test_the_cover_says_who_what_and_when(report):
    cover = squash(pdftotext(report["pdf"], "-f", "1", "-l", "1"))
    assert "Region Örebro län" in cover
    assert "Samverkansstrukturen 2019–2022" in cover
    assert "Beslutad struktur" in cover
    assert "22 november 2026" in cover  # the day of the extract
    assert "Läget den 31 december 2022" in cover  # the roster's day: the period's end


def test_every_page_after_the_cover_has_a_header_and_a_page_number(report):
    pages = report["text"].split("\f")[:-1]
    for number, page in enumerate(pages[1:], start=2):
        assert "Samverkansstrukturen 2019–2022" in page, number
        assert f"Sida {number} av {EXPECTED_PAGES}" in page, number


def test_the_table_of_contents_gives_each_body_its_page(report):
    contents = pdftotext(report["pdf"], "-layout", "-f", "2", "-l", "2")
    pages = report["text"].split("\f")
    line = next(line for line in contents.splitlines() if "Chefsgrupp kultur" in line)
    page = int(line.split()[-1])
    assert "1.1.1 Chefsgrupp kultur" in squash(pages[page - 1])


def test_it_has_bookmarks_following_the_structure(report):
    reader = PdfReader(io.BytesIO(report["pdf"]))
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[:3] == ["Innehåll", "Organisationsschema 2019–2022", "Organen"]
    bodies = outline[
        outline.index(next(i for i in outline if getattr(i, "title", "") == "Organen")) + 1
    ]
    top = [item.title for item in bodies if not isinstance(item, list)]
    assert top[0] == "1 Regionala samverkansrådet"
    assert "3 Partnerskapet för regional utveckling" in top


def test_it_declares_title_language_and_tags(report):
    reader = PdfReader(io.BytesIO(report["pdf"]))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Samverkansstrukturen 2019–2022"
    assert reader.metadata.author == "Region Örebro län"
    assert root["/Lang"] == "sv"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root


def test_it_uses_only_the_shipped_font(report):
    fonts = subprocess.run(
        ["pdffonts", "-"], input=report["pdf"], capture_output=True, check=True
    ).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows
    for row in rows:
        assert "Samverkan-Sans" in row, row
        assert " yes yes " in row, row  # embedded, subset


def chart_words(content):
    """Each word on the chart page (page 3) with its box, from pdftotext -bbox."""
    xhtml = pdftotext(content, "-bbox", "-f", "3", "-l", "3")
    tree = ET.fromstring(xhtml)
    words = []
    for word in tree.iter("{http://www.w3.org/1999/xhtml}word"):
        box = {key: float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax")}
        words.append((word.text, box))
    return words


def find_phrase(words, phrase):
    """The box of the first run of words spelling the phrase."""
    parts = phrase.split()
    for start in range(len(words) - len(parts) + 1):
        run = words[start : start + len(parts)]
        if [text for text, _ in run] == parts:
            return run[0][1]
    raise AssertionError(f"{phrase!r} is not on the chart page")


def test_the_chart_page_renders_as_a_landscape_image(report, tmp_path):
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-f", "3", "-l", "3", "-", str(tmp_path / "chart")],
        input=report["pdf"],
        check=True,
    )
    (image,) = tmp_path.glob("chart*.png")
    header = image.read_bytes()[:24]
    width, height = int.from_bytes(header[16:20]), int.from_bytes(header[20:24])
    assert width == 351  # 297 mm at 30 dpi
    assert 247 <= height <= 249  # 210 mm


def test_the_chart_shows_every_body_where_it_reports(report):
    words = chart_words(report["pdf"])
    for name in report["bodies"]:
        # Long names wrap inside their box: their first two words are enough.
        find_phrase(words, " ".join(name.split()[:2]))
    for upper, lower in CHART_ABOVE:
        assert find_phrase(words, upper)["yMax"] < find_phrase(words, lower)["yMin"], (upper, lower)
    for left, right in CHART_LEFT_OF:
        assert find_phrase(words, left)["xMax"] < find_phrase(words, right)["xMin"], (left, right)
    page_width, page_height = 841.89, 595.28
    for _text, box in words:
        assert box["xMin"] > 0 and box["xMax"] < page_width
        assert box["yMin"] > 0 and box["yMax"] < page_height


def test_the_chart_tells_political_bodies_from_officials_groups(report):
    text = squash(pdftotext(report["pdf"], "-f", "3", "-l", "3"))
    assert text.count("POLITISKT RÅD") >= 5
    assert text.count("TJÄNSTEPERSONSGRUPP") >= 5
    assert "Stöd för Specifika samverkansrådet för kultur" in text
    assert "tjänstepersonsstöd för" in text  # the legend


@pytest.mark.django_db
def test_a_proposed_period_is_marked_as_a_proposal_on_every_page(make, monkeypatch):
    freeze_today(monkeypatch)
    period = make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)
    council = make.body(period, "Nytt råd")
    make.body(period, "Ny grupp", kind="officials_group", parent=council, supports=council)
    content = pdf.structure_report(period)
    pages = pdftotext(content).split("\f")[:-1]
    assert "Förslag. Strukturen kan ändras innan den beslutas." in squash(pages[0])
    for page in pages:
        assert "FÖRSLAG – INTE BESLUTAD" in page.upper()
    assert PdfReader(io.BytesIO(content)).metadata.title == (
        "Samverkansstrukturen 2027–2030 (förslag)"
    )


@pytest.mark.django_db
def test_the_report_reads_a_fixed_number_of_queries(make, django_assert_max_num_queries):
    period = make.period()
    organisation = make.organisation()
    for n in range(3):
        body = make.body(period, f"Råd {n}")
        make.appointment(make.person(), make.seat(body, organisation))
    context = pdf.structure_report_context  # the rendering itself reads nothing
    with django_assert_max_num_queries(12):
        context(period)


@pytest.mark.django_db
def test_the_body_roster_is_a_short_pdf_with_the_members(client, orebro):
    response = client.get("/perioder/2019-2022/regionala-samverkansradet/ledamoter.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "ledamoter-regionala-samverkansradet-2019-2022" in response["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(response.content)).pages) <= 2
    text = squash(pdftotext(response.content))
    assert "Regionala samverkansrådet" in text
    assert "Andreas Svahn (S)" in text
    assert "Ordförande" in text
    assert "Ledamöter och ersättare den 31 december 2022" in text


@pytest.mark.django_db
def test_the_minutes_follow_the_swedish_protokoll_layout(client, orebro_meetings):
    from meetings.models import Meeting

    meeting = Meeting.objects.get(
        body__slug="regionala-samverkansradet", start__date=datetime.date(2022, 9, 29)
    )
    Person.objects.filter(slug="karin-sundin").update(is_published=False)
    response = client.get(f"/moten/{meeting.pk}/protokoll.pdf")
    assert response.status_code == 200
    text = squash(pdftotext(response.content))
    assert "PROTOKOLL" in text
    assert "Sammanträdesdatum 2022-09-29" in text
    assert "Tid och plats 29 september 2022 kl. 09.00–12.00, Eken" in text
    assert "Andreas Svahn (S), Region Örebro län, ordförande" in text
    assert "Justerat den 10 oktober 2022" in text
    assert "Paragrafer §§ 1–8" in text
    for label in ("Beslutande ledamöter", "Frånvarande", "Övriga deltagare", "Underskrifter"):
        assert label in text
    assert re.search(r"§ ?1 Mötet öppnas", text)
    assert "Karin Sundin" not in text
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "Protokoll Regionala samverkansrådet 2022-09-29"


def test_it_never_fetches_anything_but_the_shipped_fonts():
    fetcher = pdf._fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.se/tracker.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


@pytest.mark.django_db
def test_an_unchanged_report_comes_from_the_cache_and_a_change_renders_anew(make, monkeypatch):
    cache.clear()
    period = make.period()
    body = make.body(period, "Rådet")
    rendered = []
    write = pdf._write_pdf
    monkeypatch.setattr(pdf, "_write_pdf", lambda html: rendered.append(html) or write(html))

    first = pdf.structure_report(period)
    again = pdf.structure_report(period)
    body.name = "Det omdöpta rådet"
    body.save()
    changed = pdf.structure_report(period)

    assert again == first
    assert len(rendered) == 2
    assert "Det omdöpta rådet" in squash(pdftotext(changed))
    assert "Det omdöpta rådet" not in squash(pdftotext(first))


def test_garbage_collection_runs_again_after_rendering_even_when_it_fails(monkeypatch):
    # Rendering pauses the cyclic garbage collector for speed; a server process left
    # without it would grow without bound.
    assert pdf._write_pdf("<p>Rådet</p>").startswith(b"%PDF")
    assert gc.isenabled()

    def broken(*args, **kwargs):
        assert not gc.isenabled()  # paused while WeasyPrint renders
        raise RuntimeError("layout failed")

    monkeypatch.setattr("weasyprint.HTML.write_pdf", broken)
    with pytest.raises(RuntimeError):
        pdf._write_pdf("<p>Rådet</p>")
    assert gc.isenabled()


RENDER_IN_ANOTHER_PROCESS = """
import sys
from unittest import mock

import django

django.setup()
from samverkan import pdf

with mock.patch.object(pdf, "render_to_string", return_value="<p>Rådet</p>"):
    if sys.argv[1] == "cached-only":
        mock.patch.object(pdf, "_write_pdf", side_effect=AssertionError("rendered")).start()
    sys.stdout.buffer.write(pdf.render_pdf("pdf/any.html", {}))
"""


def test_server_processes_share_rendered_pdfs_through_cache_dir(tmp_path):
    # With CACHE_DIR set, a report rendered by one server process is served by another.
    env = {**os.environ, "CACHE_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "samverkan.settings"}
    env.pop("CACHE_URL", None)  # the test settings' memory cache would win over CACHE_DIR

    def render(mode):
        return subprocess.run(
            [sys.executable, "-c", RENDER_IN_ANOTHER_PROCESS, mode],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            check=True,
        ).stdout

    first = render("render")
    assert first.startswith(b"%PDF")
    assert render("cached-only") == first
