"""iCalendar (RFC 5545) feeds of meetings that Outlook and Google Calendar accept.

Each event has a stable UID (the meeting's ``uid``), its times in the site's time
zone with a VTIMEZONE, the link to the meeting page, the place and the body.
Cancelled meetings stay in the feed with STATUS:CANCELLED so that subscribers'
calendars remove or strike them instead of silently keeping a stale event.
"""

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from meetings.models import Meeting

PRODID = "-//Samverkan//Möten//SV"


def calendar(meetings, name, base_url):
    """The feed as bytes. ``meetings`` is a Meeting QuerySet; ``base_url`` is the site's
    absolute root, ending in a slash."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    # The note and the place are free text: screened for names of unpublished people.
    for meeting in meetings.screened():
        cal.add_component(event(meeting, base_url, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


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
