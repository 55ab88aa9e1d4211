"""PDF documents made from the registry: the structure report, a body's roster, minutes.

WeasyPrint renders Django templates from ``templates/pdf/`` with the stylesheet
``templates/pdf/report.css`` and the Noto Sans font shipped in ``static/fonts/``
(SIL Open Font License), so a PDF looks the same on every machine whatever fonts
it has. Only public data reaches the templates: people come through the public
QuerySets, a seat held by someone unpublished says so without the name.

The organisation chart is laid out in ``bodies/chart.py`` (the same layout the web
pages draw) and drawn here as absolutely placed HTML boxes (real, tagged text) over
an SVG of connector lines; the stack notes explain why neither flexbox nor SVG text
is used in the PDF. A period too large for one readable landscape page gets an
overview cut at the deepest level that fits, then one page per branch that was cut.
"""

import atexit
import gc
import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from bodies.chart import FONT_DIR, chart_pages, kind_label
from bodies.models import Body

PDF_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "pdf"

# WeasyPrint reports each rendering step at INFO level; the site logs INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# ---------------------------------------------------------------------------
# What the documents show.


@dataclass
class BodySection:
    """A body in the structure report: its place, composition and roster on a date."""

    body: Body
    number: str
    level: int
    roster: list
    composition: object
    has_substitutes: bool
    children: list = field(default_factory=list)


def report_bodies(period):
    """The period's bodies in tree order with everything the report shows, in a
    fixed number of queries."""
    return list(
        Body.objects.for_period(period)
        .for_body_page()
        .select_related("supports")
        .order_by("tree_id", "lft")
    )


def structure_sections(bodies, on):
    """Number the bodies as in a table of contents (1, 1.1, 1.2, 2 …) and read their
    rosters and composition on the date."""
    counters = {}
    numbers = {}
    sections = []
    for body in bodies:
        parent_number = numbers.get(body.parent_id)
        key = body.parent_id
        counters[key] = counters.get(key, 0) + 1
        number = f"{parent_number}.{counters[key]}" if parent_number else str(counters[key])
        numbers[body.pk] = number
        roster = body.roster(on)
        sections.append(
            BodySection(
                body=body,
                number=number,
                level=number.count("."),
                roster=roster,
                composition=body.composition(on),
                has_substitutes=any(row.substitutes for group in roster for row in group.rows),
                children=list(body.children.all()),
            )
        )
    return sections


def parties_in(sections):
    """The parties whose members appear in the rosters, for the list of abbreviations."""
    seen = {}
    for section in sections:
        for group in section.roster:
            for row in group.rows:
                cells = ([row.ordinary] if row.ordinary else []) + list(row.substitutes)
                for cell in cells:
                    for appointment in cell.holders:
                        party = appointment.person.party
                        if party:
                            seen[party.pk] = party
    return sorted(seen.values(), key=lambda party: (party.order, party.abbreviation))


def structure_report_context(period, today=None):
    """Everything the structure report template reads."""
    today = today or timezone.localdate()
    on = period.default_day(today)
    bodies = report_bodies(period)
    sections = structure_sections(bodies, on)
    pages = chart_pages(bodies, gettext("Organisationsschema %(period)s") % {"period": period.name})
    seat_count = sum(len(section.composition.seats) for section in sections)
    vacant_count = sum(len(section.composition.vacant) for section in sections)
    return {
        "period": period,
        "owner": settings.SITE_OWNER,
        "today": today,
        "on": on,
        "sections": sections,
        "chart_pages": pages,
        "body_count": len(sections),
        "seat_count": seat_count,
        "vacant_count": vacant_count,
        "parties": parties_in(sections),
        "kinds": [(kind, kind_label(kind)) for kind in Body.Kind.values],
        "title": gettext("Samverkansstrukturen %(period)s") % {"period": period.name},
    }


def body_roster_context(body, on, today=None):
    """Everything the roster of one body reads; ``body`` from ``for_body_page()``."""
    today = today or timezone.localdate()
    roster = body.roster(on)
    section = BodySection(
        body=body,
        number="",
        level=0,
        roster=roster,
        composition=body.composition(on),
        has_substitutes=any(row.substitutes for group in roster for row in group.rows),
        children=list(body.children.all()),
    )
    return {
        "period": body.period,
        "owner": settings.SITE_OWNER,
        "today": today,
        "on": on,
        "section": section,
        "parties": parties_in([section]),
        "title": gettext("Ledamöter och ersättare i %(body)s") % {"body": body.name},
    }


def minutes_context(meeting, today=None):
    """Everything the minutes template reads; ``meeting`` from ``for_meeting_page()``.

    The attendance and adjusters come filtered to published people; the chair and
    the secretary are named only when published.
    """
    from meetings.models import Attendance

    attendances = list(meeting.attendances.all())
    members = [a for a in attendances if a.role != Attendance.Role.OTHER]
    deciding = [
        a
        for a in members
        if a.role == Attendance.Role.ORDINARY and a.status == Attendance.Status.PRESENT
    ]
    serving = [a for a in members if a.status == Attendance.Status.SERVING]
    substitutes = [
        a
        for a in members
        if a.role == Attendance.Role.SUBSTITUTE and a.status == Attendance.Status.PRESENT
    ]
    absent = [a for a in members if a.status == Attendance.Status.ABSENT]
    others = [a for a in attendances if a.role == Attendance.Role.OTHER and a.attended]
    items = list(meeting.agenda_items.all())

    def public(person):
        return person if person and person.is_published else None

    return {
        "meeting": meeting,
        "body": meeting.body,
        "period": meeting.body.period,
        "owner": settings.SITE_OWNER,
        "today": today or timezone.localdate(),
        "items": items,
        "deciding": deciding,
        "serving": serving,
        "substitutes": substitutes,
        "absent": absent,
        "others": others,
        "chair": public(meeting.chair),
        "chair_hidden": bool(meeting.chair_id and not public(meeting.chair)),
        "secretary": public(meeting.secretary),
        "secretary_hidden": bool(meeting.secretary_id and not public(meeting.secretary)),
        "adjusters": list(meeting.adjusters.all()),
        "is_minutes": meeting.status == meeting.Status.HELD,
        "first_item": items[0].number if items else None,
        "last_item": items[-1].number if items else None,
        "title": (
            gettext("Protokoll %(body)s %(day)s")
            if meeting.status == meeting.Status.HELD
            else gettext("Dagordning %(body)s %(day)s")
        )
        % {"body": meeting.body.name, "day": meeting.day.isoformat()},
    }


# ---------------------------------------------------------------------------
# Rendering.


@lru_cache(maxsize=1)
def _font_config():
    """One font configuration per process: loading the fonts costs more than a page."""
    from weasyprint.text.fonts import FontConfiguration

    # Free it while the interpreter still runs; at shutdown its finaliser fails.
    atexit.register(_font_config.cache_clear)
    atexit.register(_stylesheet.cache_clear)
    return FontConfiguration()


def stylesheet_text():
    """The report stylesheet with the shipped font files' addresses filled in."""
    css = (PDF_TEMPLATES / "report.css").read_text(encoding="utf-8")
    return css.replace("FONT_DIR", FONT_DIR.as_uri())


@lru_cache(maxsize=1)
def _fetcher():
    """WeasyPrint's URL fetcher limited to the shipped fonts: a PDF never reaches
    out to the network or the disk elsewhere, whatever a text in the registry says."""
    from weasyprint.urls import URLFetcher

    prefix = FONT_DIR.as_uri() + "/"

    class ShippedFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(prefix) or ".." in url:
                raise ValueError(f"Not a shipped file: {url[:80]}")
            return super().fetch(url, headers)

    return ShippedFilesOnly(allowed_protocols=["file"])


@lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS

    return CSS(string=stylesheet_text(), font_config=_font_config(), url_fetcher=_fetcher())


# A rendered PDF is kept this long under the hash of its HTML: the same HTML always
# gives the same PDF, so a changed registry simply misses the cache.
PDF_CACHE_SECONDS = 24 * 60 * 60


def render_pdf(template, context):
    """Render a template in ``templates/pdf/`` to PDF bytes: tagged, with title and
    language in the metadata. Large reports take seconds to lay out; an unchanged one
    comes from the cache."""
    html = render_to_string(template, context)
    key = "pdf:" + hashlib.sha256(html.encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        content = _write_pdf(html)
        cache.set(key, content, PDF_CACHE_SECONDS)
    return content


def _write_pdf(html):
    from weasyprint import HTML

    _remember_page_references()
    with _cycle_collection_paused():
        document = HTML(string=html, base_url=str(PDF_TEMPLATES), url_fetcher=_fetcher())
        return document.write_pdf(
            stylesheets=[_stylesheet()], font_config=_font_config(), pdf_tags=True
        )


@lru_cache(maxsize=1)
def _remember_page_references():
    """Make pydyf's list of page references cost one build per page count, not one per use.

    ``pydyf.PDF.page_references`` builds the tuple of every page's reference each time
    it is read, and WeasyPrint reads it for each tagged element and each link: a report
    of 100 pages built it tens of thousands of times, a cost growing with the square of
    the page count. Pages are only ever appended (``add_page``), so the tuple is kept
    until their number changes; what it holds is the same.
    """
    import pydyf

    build = pydyf.PDF.page_references.fget

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        kept = pdf.__dict__.get("_samverkan_page_references")
        if kept is None or kept[0] != count:
            kept = (count, build(pdf))
            pdf.__dict__["_samverkan_page_references"] = kept
        return kept[1]

    pydyf.PDF.page_references = property(page_references)


@contextmanager
def _cycle_collection_paused():
    """Pause Python's cyclic garbage collector while WeasyPrint renders.

    A report allocates millions of objects that live until it is written; with the
    default thresholds the collector runs thousands of times meanwhile, each full pass
    walking the whole heap, and finds almost nothing to free: a quarter to a third of
    the rendering time (docs/benchmarks.md). Reference counting still frees memory as
    usual; the cycles left over are collected once it runs again. The peak memory
    rose by 2–3 %. A rendering in another thread meanwhile only finds it paused or
    resumed early.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def structure_report(period, today=None):
    return render_pdf("pdf/structure_report.html", structure_report_context(period, today))


def body_roster(body, on, today=None):
    return render_pdf("pdf/body_roster.html", body_roster_context(body, on, today))


def meeting_minutes(meeting, today=None):
    return render_pdf("pdf/minutes.html", minutes_context(meeting, today))
