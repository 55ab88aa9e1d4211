"""Downloads: the structure report, rosters and minutes as PDF, rosters as CSV and XLSX.

Thin views: the data comes from bodies.pdf and bodies.spreadsheets, which read
only public data in a fixed number of queries.
"""

import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from bodies import pdf, spreadsheets
from bodies.models import Body, MandatePeriod, Organisation

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
    """``?datum=`` when it is a day in the period, else the period's default day."""
    try:
        day = datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        return period.default_day()
    return day if period.contains(day) else period.default_day()


@require_GET
def period_report(request, slug):
    """/perioder/<period>/rapport.pdf – the structure report of a period."""
    period = get_object_or_404(MandatePeriod, slug=slug)
    content = pdf.structure_report(period)
    suffix = "-forslag" if period.is_proposed else ""
    return _download(content, f"samverkansstruktur-{period.slug}{suffix}", "pdf", inline=True)


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
        body = Body.objects.for_body_page().get(pk=body.pk)
        return _download(pdf.body_roster(body, on), name, "pdf", inline=True)
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
    from meetings.models import Meeting

    meeting = get_object_or_404(Meeting.objects.for_meeting_page(), pk=pk)
    name = f"protokoll-{slugify(meeting.body.display_name)}-{meeting.day.isoformat()}"
    return _download(pdf.meeting_minutes(meeting), name, "pdf", inline=True)
