"""Downloads: the structure report, rosters and minutes as PDF, rosters as CSV and XLSX.

Thin views: the data comes from samverkan.pdf and bodies.spreadsheets, which read
only public data in a fixed number of queries.
"""

import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from bodies import spreadsheets
from bodies.models import Body, MandatePeriod, Organisation
from meetings.models import Meeting
from samverkan import pdf_queue

# How long a visitor is asked to wait when a PDF is still being rendered.
PDF_RETRY_SECONDS = 10

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(content, name, kind, inline=False):
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _check_kind(kind, allowed=("csv", "xlsx")):
    if kind not in allowed:
        raise Http404(gettext("Det finns ingen sådan fil. Välj CSV eller XLSX."))


def _day(text, period):
    """``?datum=`` as a day of the period; without it, the period's default day.

    Any other value is refused rather than read as the default day: each accepted
    value is a file of its own to render and keep.
    """
    if not text:
        return period.default_day()
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        day = None
    if day is None or not period.contains(day):
        raise Http404(
            gettext("Ange ett datum inom mandatperioden %(period)s, till exempel %(day)s.")
            % {"period": period.name, "day": period.default_day().isoformat()}
        )
    return day


def _pdf(request, name, kind, *args):
    """The PDF from the task worker, or a page asking to come back shortly (503)."""
    content = pdf_queue.ready_or_queued(kind, *args)
    if content is None:
        response = render(
            request, "bodies/pdf_pending.html", {"retry": PDF_RETRY_SECONDS}, status=503
        )
        response["Retry-After"] = str(PDF_RETRY_SECONDS)
        return response
    return _download(content, name, "pdf", inline=True)


@require_GET
def period_report(request, slug):
    """/perioder/<period>/rapport.pdf – the structure report of a period."""
    period = get_object_or_404(MandatePeriod, slug=slug)
    suffix = "-forslag" if period.is_proposed else ""
    return _pdf(request, f"samverkansstruktur-{period.slug}{suffix}", "report", period.pk)


@require_GET
def period_roster(request, slug, kind):
    """/perioder/<period>/ledamoter.csv|xlsx – every seat of the period."""
    _check_kind(kind)
    period = get_object_or_404(MandatePeriod, slug=slug)
    on = _day(request.GET.get("datum"), period)
    lines = spreadsheets.roster_lines(spreadsheets.seats_for(body__period=period), on)
    title = gettext("Ledamöter %(period)s") % {"period": period.name}
    return _spreadsheet(lines, kind, title, f"ledamoter-{period.slug}-{on.isoformat()}", on)


@require_GET
def body_roster(request, period_slug, body_slug, kind):
    """/perioder/<period>/<body>/ledamoter.pdf|csv|xlsx – one body's seats."""
    _check_kind(kind, ("pdf", "csv", "xlsx"))
    body = get_object_or_404(
        Body.objects.select_related("period"), period__slug=period_slug, slug=body_slug
    )
    on = _day(request.GET.get("datum"), body.period)
    name = f"ledamoter-{body.slug}-{body.period.slug}-{on.isoformat()}"
    if kind == "pdf":
        return _pdf(request, name, "roster", body.pk, on.isoformat())
    lines = spreadsheets.roster_lines(spreadsheets.seats_for(body=body), on)
    title = gettext("Ledamöter i %(body)s") % {"body": body.name}
    return _spreadsheet(lines, kind, title, name, on)


@require_GET
def organisation_roster(request, slug, kind):
    """/organisationer/<organisation>/ledamoter.csv|xlsx – the organisation's seats in
    every period, each read on its period's default day."""
    _check_kind(kind)
    organisation = get_object_or_404(Organisation, slug=slug)
    lines = spreadsheets.roster_lines(spreadsheets.seats_for(organisation=organisation))
    title = gettext("Platser för %(organisation)s") % {"organisation": organisation.name}
    today = timezone.localdate()
    return _spreadsheet(lines, kind, title, f"platser-{organisation.slug}-{today.isoformat()}")


def _spreadsheet(lines, kind, title, name, on=None):
    if kind == "csv":
        return _download(spreadsheets.as_csv(lines), name, "csv")
    today = timezone.localdate()
    about = [
        (gettext("Uttag"), title),
        (gettext("Utgivare"), settings.SITE_OWNER),
        (gettext("Uttaget"), formats.date_format(today, "j F Y")),
        (
            gettext("Läget den"),
            formats.date_format(on, "j F Y")
            if on
            else gettext("Varje mandatperiods sista dag, eller i dag för en pågående period"),
        ),
        (
            gettext("Om uppgifterna"),
            gettext(
                "En rad per plats. Bara offentliga uppgifter: en plats som innehas av någon "
                "vars namn inte publiceras anges som ”Tillsatt (namnet publiceras inte)”. "
                "Tom ”Till” betyder tills vidare."
            ),
        ),
    ]
    return _download(spreadsheets.as_xlsx(lines, title, about), name, "xlsx")


@require_GET
def meeting_minutes(request, pk):
    """/moten/<id>/protokoll.pdf – the meeting's record as Swedish minutes."""
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    name = f"protokoll-{slugify(meeting.body.display_name)}-{meeting.day.isoformat()}"
    return _pdf(request, name, "minutes", meeting.pk)
