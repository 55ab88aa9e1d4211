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
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for meeting in events:
        cal.add_component(event(meeting, base_url, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


def cut_note(limit, base_url):
    url = base_url.rstrip("/") + reverse("meetings:calendar")
    return gettext(
        "Flödet har fler möten än det rymmer och visar de %(limit)s som ligger närmast i "
        "tiden, kommande möten först. Ett organs eller en organisations eget flöde har alla "
        "dess möten: välj organ eller organisation i möteskalendern, %(url)s"
    ) % {"limit": number_format(limit, force_grouping=True), "url": url}


def event(meeting, base_url, stamp):
    url = base_url.rstrip("/") + meeting.get_absolute_url()
    body = meeting.body
    cancelled = meeting.status == Meeting.Status.CANCELLED
    summary = body.name
    if cancelled:
        summary = gettext("INSTÄLLT: %(name)s") % {"name": body.name}
    description = [
        gettext("Möte i %(body)s (mandatperiod %(period)s).")
        % {"body": body.name, "period": body.period.name},
    ]
    if meeting.note:
        description.append(meeting.note)
    description.append(gettext("Mötessida: %(url)s") % {"url": url})
    item = icalendar.Event()
    item.add("uid", f"{meeting.uid}@samverkan")
    item.add("dtstamp", stamp)
    item.add("dtstart", timezone.localtime(meeting.start))
    item.add("dtend", timezone.localtime(meeting.end))
    item.add("summary", summary)
    item.add("description", "\n\n".join(description))
    item.add("url", url)
    if meeting.place:
        item.add("location", meeting.place)
    item.add("categories", [body.display_name])
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # A changed event must carry a higher SEQUENCE for clients to apply it:
    # Meeting.save() raises it when the time, place or status changes.
    item.add("sequence", meeting.sequence)
    item.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return item
