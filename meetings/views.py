"""Public meeting pages: a meeting, the calendar, iCal feeds and attendance statistics.

Every page reads a fixed number of queries whatever the number of meetings: the
joins and prefetches live in the QuerySet methods (``for_meeting_page``,
``for_listing``) and grouping is done in Python from one list.
"""

import calendar as pycalendar
import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext

from bodies.models import Body, CountyPart, Organisation
from meetings import ical
from meetings.models import Attachment, Attendance, Meeting, add_months, local_day

LIST_PAGE_SIZE = 50
# The feeds hold the meetings of the last twelve months and every later one, unless
# asked for all (?alla=1): a calendar app polls them, and they must not grow with the
# years (README, the calendar page).
FEED_MONTHS_BACK = 12
# And at most this many meetings, the nearest in time: the whole calendar of a large
# registry (1,500 bodies meeting four times a year) would otherwise run to megabytes.
# A body's feed stays far below it; ?alla=1 lifts the window, not the cap. icalendar
# writes about 0.7 ms an event: 500 keep a cold feed near a third of a second.
FEED_MAX_EVENTS = 500
# Bodies per page in the attendance statistics.
STATISTICS_PAGE_SIZE = 100
FEED_ALL_PARAM = "alla"


def meeting(request, pk):
    """A meeting: when, where, who led it, the agenda with decisions, attendance, minutes."""
    meeting = get_object_or_404(Meeting.objects.for_meeting_page(), pk=pk)
    attendances = list(meeting.attendances.all())
    members = [a for a in attendances if a.role != Attendance.Role.OTHER]
    others = [a for a in attendances if a.role == Attendance.Role.OTHER]
    items = list(meeting.agenda_items.all())
    decisions = list(meeting.decisions.all())
    for item in items:
        item.registered = [d for d in decisions if d.agenda_item_id == item.pk]
    body = meeting.body
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": meeting,
            "body": body,
            "items": items,
            "decision_count": sum(1 for item in items if item.decision),
            "decisions": decisions,
            "members": members,
            "others": others,
            "present_count": sum(1 for a in members if a.attended),
            "absent_count": sum(1 for a in members if not a.attended),
            "breadcrumbs": [
                (reverse("bodies:start"), gettext("Start")),
                (reverse("meetings:calendar"), gettext("Möteskalender")),
                (body.get_absolute_url(), body.display_name),
            ],
        },
    )


def minutes(request, pk):
    """The signed minutes, always as a download, never rendered by the browser."""
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    if not meeting.minutes:
        raise Http404(gettext("Mötet har inget uppladdat protokoll."))
    name = f"protokoll-{slugify(meeting.body.display_name)}-{meeting.day.isoformat()}.pdf"
    return _download(meeting.minutes, name)


def attachment(request, pk, attachment_pk):
    """An attachment's document, as a download."""
    item = get_object_or_404(
        # Screened: the file name is made from the title.
        Attachment.objects.screened().select_related("agenda_item__meeting__body"),
        pk=attachment_pk,
        agenda_item__meeting_id=pk,
    )
    if not item.document:
        raise Http404(gettext("Bilagan har inget dokument."))
    meeting = item.agenda_item.meeting
    name = f"bilaga-{meeting.day.isoformat()}-{slugify(item.title)[:60] or item.pk}.pdf"
    return _download(item.document, name)


def _download(file, name):
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("Filen saknas.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@dataclass
class Filters:
    """The calendar's filters as read from the query string, with messages for bad values."""

    body_slug: str = ""
    body_name: str = ""
    organisation: Organisation | None = None
    county_part: CountyPart | None = None
    errors: list = field(default_factory=list)

    def apply(self, meetings):
        if self.body_slug:
            meetings = meetings.for_body_slug(self.body_slug)
        if self.organisation:
            meetings = meetings.for_organisation(self.organisation)
        if self.county_part:
            meetings = meetings.for_county_part(self.county_part)
        return meetings

    def query(self, **extra):
        params = {
            "organ": self.body_slug,
            "organisation": self.organisation.slug if self.organisation else "",
            "lansdel": self.county_part.slug if self.county_part else "",
            **extra,
        }
        return urlencode({key: value for key, value in params.items() if value})

    @property
    def active(self):
        return bool(self.body_slug or self.organisation or self.county_part)


def _body_choices():
    """One entry per body slug (a body keeps its slug across periods), newest name first."""
    choices = {}
    for slug, name in Body.objects.order_by("-period__start", "name").values_list("slug", "name"):
        choices.setdefault(slug, name)
    return sorted(choices.items(), key=lambda item: item[1])


def _read_filters(request, bodies, organisations, county_parts):
    filters = Filters()
    body_slug = request.GET.get("organ", "").strip()
    if body_slug:
        names = dict(bodies)
        if body_slug in names:
            filters.body_slug, filters.body_name = body_slug, names[body_slug]
        else:
            filters.errors.append(
                gettext("Det finns inget organ ”%(value)s”. Möten för alla organ visas.")
                % {"value": body_slug[:60]}
            )
    for param, options, attr, message in (
        (
            "organisation",
            organisations,
            "organisation",
            gettext("Det finns ingen organisation ”%(value)s”. Alla organisationer visas."),
        ),
        (
            "lansdel",
            county_parts,
            "county_part",
            gettext("Det finns ingen länsdel ”%(value)s”. Alla länsdelar visas."),
        ),
    ):
        value = request.GET.get(param, "").strip()
        if value:
            match = next((option for option in options if option.slug == value), None)
            if match:
                setattr(filters, attr, match)
            else:
                filters.errors.append(message % {"value": value[:60]})
    return filters


def calendar(request):
    """All meetings as a month grid or a list, filtered by body, organisation, county part."""
    bodies = _body_choices()
    organisations = list(Organisation.objects.order_by("name"))
    county_parts = list(CountyPart.objects.all())
    filters = _read_filters(request, bodies, organisations, county_parts)
    view = "manad" if request.GET.get("visa") == "manad" else "lista"
    meetings = filters.apply(Meeting.objects.for_listing())
    context = {
        "bodies": bodies,
        "organisations": organisations,
        "county_parts": county_parts,
        "filters": filters,
        "view": view,
        "feed_url": _feed_url(filters),
        "feed_all_url": _feed_url(filters, every_meeting=True),
        "feed_months_back": FEED_MONTHS_BACK,
        "feed_max_events": formats.number_format(FEED_MAX_EVENTS, force_grouping=True),
        "list_query": filters.query(),
        "month_query": filters.query(visa="manad"),
        "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
    }
    if view == "manad":
        context.update(_month(request, meetings, filters))
    else:
        context.update(_list(request, meetings, filters))
    return render(request, "meetings/calendar.html", context)


def _feed_url(filters, every_meeting=False):
    every = {FEED_ALL_PARAM: "1"} if every_meeting else {}
    if filters.body_slug and not (filters.organisation or filters.county_part):
        url, query = reverse("meetings:body_feed", args=[filters.body_slug]), urlencode(every)
    elif filters.organisation and not (filters.body_slug or filters.county_part):
        url = reverse("meetings:organisation_feed", args=[filters.organisation.slug])
        query = urlencode(every)
    else:
        url, query = reverse("meetings:feed"), filters.query(**every)
    return f"{url}?{query}" if query else url


def _list(request, meetings, filters):
    past = request.GET.get("tid") == "tidigare"
    now = timezone.now()
    meetings = meetings.past(now) if past else meetings.filter(end__gte=now).order_by("start")
    paginator = Paginator(meetings, LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("sida"))
    return {
        "past": past,
        "page": page,
        "meetings": list(page.object_list),
        "upcoming_query": filters.query(),
        "past_query": filters.query(tid="tidigare"),
        "page_query": filters.query(tid="tidigare" if past else ""),
    }


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    meetings: list = field(default_factory=list)


def _month(request, meetings, filters):
    today = timezone.localdate()
    text = request.GET.get("manad", "")
    month_error = ""
    try:
        first = datetime.date.fromisoformat(f"{text}-01") if text else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
        month_error = gettext(
            "Månaden ”%(text)s” gick inte att läsa. Skriv den som år-månad, till exempel "
            "%(example)s. Innevarande månad visas."
        ) % {"text": text[:20], "example": today.strftime("%Y-%m")}
    weeks_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks_dates[0][0], weeks_dates[-1][-1]
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(grid_start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(grid_end + datetime.timedelta(days=1), datetime.time.min, tz)
    by_day = {}
    month_meetings = []
    for item in meetings.filter(start__gte=start, start__lt=end).order_by("start"):
        by_day.setdefault(local_day(item.start), []).append(item)
        if local_day(item.start).month == first.month:
            month_meetings.append(item)
    weeks = [
        [
            Day(
                date=day,
                in_month=day.month == first.month,
                is_today=day == today,
                meetings=by_day.get(day, []),
            )
            for day in week
        ]
        for week in weeks_dates
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return {
        "month": first,
        "month_error": month_error,
        "weeks": weeks,
        "weekdays": [formats.date_format(day, "l") for day in weeks_dates[0]],
        "month_meetings": month_meetings,
        "previous_query": filters.query(visa="manad", manad=previous.strftime("%Y-%m")),
        "next_query": filters.query(visa="manad", manad=following.strftime("%Y-%m")),
    }


def feed_window_start():
    """The first moment a feed covers by default: local midnight twelve months ago."""
    first_day = add_months(timezone.localdate(), -FEED_MONTHS_BACK)
    return timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))


def feed(request, body_slug=None, organisation_slug=None):
    """An iCalendar feed (RFC 5545): all meetings, one body's, or one organisation's.

    The last twelve months and everything ahead (``?alla=1``: every meeting ever), at
    most ``FEED_MAX_EVENTS`` of them, the nearest in time.
    """
    meetings = Meeting.objects.for_feed()
    if request.GET.get(FEED_ALL_PARAM) == "1":
        description = gettext("Alla möten, även äldre.")
    else:
        meetings = meetings.filter(end__gte=feed_window_start())
        description = ngettext(
            "Mötena från den senaste månaden och alla kommande möten.",
            "Mötena från de senaste %(months)s månaderna och alla kommande möten.",
            FEED_MONTHS_BACK,
        ) % {"months": FEED_MONTHS_BACK}
    name = gettext("Möten i samverkansorganisationen")
    if body_slug:
        body = Body.objects.filter(slug=body_slug).order_by("-period__start").first()
        if body is None:
            raise Http404(gettext("Det finns inget sådant organ."))
        meetings = meetings.for_body_slug(body_slug)
        name = gettext("Möten: %(name)s") % {"name": body.name}
    elif organisation_slug:
        organisation = get_object_or_404(Organisation, slug=organisation_slug)
        meetings = meetings.for_organisation(organisation)
        name = gettext("Möten med %(name)s") % {"name": organisation.name}
    else:
        bodies = _body_choices() if request.GET.get("organ") else []
        organisations = list(Organisation.objects.all()) if request.GET.get("organisation") else []
        county_parts = list(CountyPart.objects.all()) if request.GET.get("lansdel") else []
        filters = _read_filters(request, bodies, organisations, county_parts)
        meetings = filters.apply(meetings)
    body = ical.calendar(
        meetings,
        name=name,
        base_url=request.build_absolute_uri("/"),
        description=description,
        limit=FEED_MAX_EVENTS,
    )
    filename = f"{slugify(name) or 'moten'}.ics"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@dataclass
class Rate:
    """An attendance rate for one organisation or body in one year."""

    label: str
    url: str
    expected: int
    present: int
    serving: int
    meeting_count: int

    @property
    def attended(self):
        return min(self.present + self.serving, self.expected)

    @property
    def percent(self):
        return round(100 * self.attended / self.expected) if self.expected else 0


@dataclass
class ChartRow:
    rate: Rate
    y: int
    width: int


class Chart:
    """Bar positions for an SVG chart of rates (drawn with attributes: CSP allows no styles)."""

    ROW = 32
    BAR = 300

    def __init__(self, rates):
        self.rates = rates
        self.rows = [
            ChartRow(rate=rate, y=i * self.ROW, width=round(self.BAR * rate.percent / 100))
            for i, rate in enumerate(rates)
        ]
        self.height = max(len(rates) * self.ROW, self.ROW)


def statistics(request):
    """Attendance rate per organisation and per body in a year, as a chart and a table."""
    years = sorted(_held_years(), reverse=True)
    year_error = ""
    this_year = timezone.localdate().year
    # This year, or the latest year with held meetings when this one has none yet.
    year = this_year if this_year in years or not years else years[0]
    text = request.GET.get("ar", "")
    if text:
        if text.isdigit() and int(text) in years:
            year = int(text)
        else:
            year_error = gettext(
                "Det finns inga genomförda möten med närvaro för år ”%(text)s”. Visar %(year)s."
            ) % {"text": text[:10], "year": year}
    counted = Attendance.objects.all()
    by_organisation = [
        Rate(
            label=row["organisation__name"] or gettext("Okänd organisation"),
            url=reverse("members:organisation", args=[row["organisation__slug"]])
            if row["organisation__slug"]
            else "",
            expected=row["expected"],
            present=row["present"],
            serving=row["serving"],
            meeting_count=row["meeting_count"],
        )
        for row in counted.filter(meeting__start__year=year).rates(
            "organisation__name", "organisation__slug"
        )
        if row["expected"]
    ]
    by_organisation.sort(key=lambda rate: rate.label)
    by_body = [
        Rate(
            label=row["meeting__body__name"],
            url=reverse(
                "bodies:body",
                args=[row["meeting__body__period__slug"], row["meeting__body__slug"]],
            ),
            expected=row["expected"],
            present=row["present"],
            serving=row["serving"],
            meeting_count=row["meeting_count"],
        )
        for row in counted.filter(meeting__start__year=year).rates(
            "meeting__body__name", "meeting__body__slug", "meeting__body__period__slug"
        )
        if row["expected"]
    ]
    by_body.sort(key=lambda rate: rate.label)
    # Bodies are many in a large registry: a page of them at a time (?sida=2).
    body_page = Paginator(by_body, STATISTICS_PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "meetings/statistics.html",
        {
            "years": years,
            "year": year,
            "year_error": year_error,
            "by_organisation": Chart(by_organisation),
            "by_body": Chart(list(body_page.object_list)),
            "body_page": body_page,
            "body_page_query": urlencode({"ar": year}) + "&sida=",
            "breadcrumbs": [
                (reverse("bodies:start"), gettext("Start")),
                (reverse("meetings:calendar"), gettext("Möteskalender")),
            ],
        },
    )


def _held_years():
    """The years (local time) with held meetings, in one query."""
    return {
        moment.year
        for moment in Meeting.objects.filter(status=Meeting.Status.HELD).datetimes(
            "start", "year", tzinfo=timezone.get_current_timezone()
        )
    }
