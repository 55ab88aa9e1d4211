"""iCalendar (RFC 5545) feeds of meetings that Outlook and Google Calendar accept.

Each event has a stable UID (the meeting's ``uid``), its times in the site's time
zone with a VTIMEZONE, the link to the meeting page, the place and the body.
Cancelled meetings stay in the feed with STATUS:CANCELLED so that subscribers'
calendars remove or strike them instead of silently keeping a stale event.

``icalendar`` writes the feed (escaping, folding, time zones). It costs about 0.7 ms
an event, so a feed is capped (``limit``) and cached per change stamp by the views.
"""

import datetime

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from meetings.models import Meeting

PRODID = "-//Samverkan//Möten//SV"


def calendar(meetings, name, base_url, description="", limit=None):
    """The feed as bytes. ``meetings`` is a Meeting QuerySet; ``base_url`` is the site's
    absolute root, ending in a slash; ``description`` says what the feed holds
    (X-WR-CALDESC, shown by Apple's and Google's calendars).

    With a ``limit``, the feed keeps that many meetings nearest in time (every coming
    one first) and, if it left some out, says so in the description and points to the
    calendar page, where a body's or an organisation's own feed can be chosen.
    """
    # The note and the place are free text: screened for names of unpublished people.
    if limit is None:
        events = list(meetings.screened())
    else:
        events = list(meetings.nearest_first()[: limit + 1].screened())
        if len(events) > limit:
            events = events[:limit]
            description = " ".join(filter(None, [description, cut_note(limit, base_url)]))
    events.sort(key=lambda meeting: (meeting.start, meeting.pk))
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    if description:
        cal.add("x-wr-caldesc", description)
    shared = _Shared(base_url)
    for meeting in events:
        cal.add_component(event(meeting, shared))
    cal.add_missing_timezones()
    return to_ical(cal)


def to_ical(cal):
    """``cal.to_ical()``, byte for byte, without folding the lines that need none.

    The library folds every content line character by character (a third of a feed's
    time); a line shorter than the 75 octets RFC 5545 allows is left as it is by that
    folding, so only the longer ones go through it.
    """
    return b"\r\n".join(_folded(line) for line in cal.content_lines() if line) + b"\r\n"


def _folded(line):
    encoded = line.encode()
    return encoded if len(encoded) < FOLD_OCTETS else line.to_ical()


# icalendar folds a line from this many octets on (``icalendar.parser.string._foldline``).
FOLD_OCTETS = 75


class _Shared:
    """What every event of one feed has in common, made once per feed: the property
    values that are the same (DTSTAMP, STATUS, TRANSP), the library's value type of
    each property, the translated sentences and the start of the meeting pages'
    addresses."""

    def __init__(self, base_url):
        stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
        self.dtstamp = icalendar.vDDDTypes(stamp)
        self.status = {cancelled: icalendar.vText(value) for cancelled, value in STATUS.items()}
        self.transp = {cancelled: icalendar.vText(value) for cancelled, value in TRANSP.items()}
        # /moten/<pk>/: reversed once; every meeting page's address differs only by its pk.
        self.meeting_url = base_url.rstrip("/") + reverse(
            "meetings:meeting", args=[0]
        ).removesuffix("0/")
        self.cancelled = gettext("INSTÄLLT: %(name)s")
        self.held_in = gettext("Möte i %(body)s (mandatperiod %(period)s).")
        self.page = gettext("Mötessida: %(url)s")
        factory = icalendar.Event.types_factory
        self.types = {name: factory.for_property(name) for name in EVENT_PROPERTIES}


EVENT_PROPERTIES = (
    "uid",
    "dtstart",
    "dtend",
    "summary",
    "description",
    "url",
    "location",
    "categories",
    "sequence",
)
STATUS = {False: "CONFIRMED", True: "CANCELLED"}
TRANSP = {False: "OPAQUE", True: "TRANSPARENT"}


def cut_note(limit, base_url):
    url = base_url.rstrip("/") + reverse("meetings:calendar")
    return gettext(
        "Flödet har fler möten än det rymmer och visar de %(limit)s som ligger närmast i "
        "tiden, kommande möten först. Ett organs eller en organisations eget flöde har alla "
        "dess möten: välj organ eller organisation i möteskalendern, %(url)s"
    ) % {"limit": number_format(limit, force_grouping=True), "url": url}


def event(meeting, shared):
    url = f"{shared.meeting_url}{meeting.pk}/"
    body = meeting.body
    cancelled = meeting.status == Meeting.Status.CANCELLED
    summary = body.name
    if cancelled:
        summary = shared.cancelled % {"name": body.name}
    description = [shared.held_in % {"body": body.name, "period": body.period.name}]
    if meeting.note:
        description.append(meeting.note)
    description.append(shared.page % {"url": url})
    # Each value is given as the library's own type for the property (the type it would
    # pick itself), so that it need not infer one per value.
    typed = shared.types
    item = icalendar.Event()
    item.add("uid", typed["uid"](f"{meeting.uid}@samverkan"))
    item.add("dtstamp", shared.dtstamp)
    item.add("dtstart", typed["dtstart"](timezone.localtime(meeting.start)))
    item.add("dtend", typed["dtend"](timezone.localtime(meeting.end)))
    item.add("summary", typed["summary"](summary))
    item.add("description", typed["description"]("\n\n".join(description)))
    item.add("url", typed["url"](url))
    if meeting.place:
        item.add("location", typed["location"](meeting.place))
    item.add("categories", typed["categories"]([body.display_name]))
    item.add("status", shared.status[cancelled])
    # A changed event must carry a higher SEQUENCE for clients to apply it:
    # Meeting.save() raises it when the time, place or status changes.
    item.add("sequence", typed["sequence"](meeting.sequence))
    item.add("transp", shared.transp[cancelled])
    return item
