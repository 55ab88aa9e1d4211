"""iCalendar (RFC 5545) feeds of meetings that Outlook and Google Calendar accept.

Each event has a stable UID (the meeting's ``uid``), its times in the site's time
zone with a VTIMEZONE, the link to the meeting page, the place and the body.
Cancelled meetings stay in the feed with STATUS:CANCELLED so that subscribers'
calendars remove or strike them instead of silently keeping a stale event.

The events are written here as text lines rather than through the ``icalendar``
library's objects: those cost about 0.8 ms an event (most of it in line folding and
parameter objects), which made a feed of a few thousand meetings take seconds; these
lines cost a few hundredths of that. The time-zone component, the one part with real
rules in it, still comes from ``icalendar``, made once per process. The tests parse
every feed back with ``icalendar``.
"""

import datetime
import functools

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from meetings.models import Meeting

PRODID = "-//Samverkan//Möten//SV"
CRLF = b"\r\n"
# RFC 5545 3.1: content lines are folded at 75 octets.
LINE_OCTETS = 75


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
    zone = timezone.get_current_timezone()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:" + text(PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + text(name),
        "X-WR-TIMEZONE:" + zone.key,
    ]
    if description:
        lines.append("X-WR-CALDESC:" + text(description))
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    root = base_url.rstrip("/")
    folded = [fold(line) for line in lines]
    if events:
        folded.append(time_zone_component(zone.key))
    for meeting in events:
        folded.extend(fold(line) for line in event(meeting, root, stamp, zone))
    folded.append(b"END:VCALENDAR")
    return CRLF.join(folded) + CRLF


def cut_note(limit, base_url):
    url = base_url.rstrip("/") + reverse("meetings:calendar")
    return gettext(
        "Flödet har fler möten än det rymmer och visar de %(limit)s som ligger närmast i "
        "tiden, kommande möten först. Ett organs eller en organisations eget flöde har alla "
        "dess möten: välj organ eller organisation i möteskalendern, %(url)s"
    ) % {"limit": number_format(limit, force_grouping=True), "url": url}


def event(meeting, root, stamp, zone):
    """The content lines of one VEVENT (unfolded)."""
    url = root + meeting.get_absolute_url()
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
    tzid = f"TZID={zone.key}:"
    lines = [
        "BEGIN:VEVENT",
        "UID:" + text(f"{meeting.uid}@samverkan"),
        "DTSTAMP:" + stamp,
        "DTSTART;" + tzid + meeting.start.astimezone(zone).strftime("%Y%m%dT%H%M%S"),
        "DTEND;" + tzid + meeting.end.astimezone(zone).strftime("%Y%m%dT%H%M%S"),
        "SUMMARY:" + text(summary),
        "DESCRIPTION:" + text("\n\n".join(description)),
        "URL:" + url,
    ]
    if meeting.place:
        lines.append("LOCATION:" + text(meeting.place))
    lines += [
        "CATEGORIES:" + text(body.display_name),
        "STATUS:" + ("CANCELLED" if cancelled else "CONFIRMED"),
        # A changed event must carry a higher SEQUENCE for clients to apply it:
        # Meeting.save() raises it when the time, place or status changes.
        f"SEQUENCE:{meeting.sequence}",
        "TRANSP:" + ("TRANSPARENT" if cancelled else "OPAQUE"),
        "END:VEVENT",
    ]
    return lines


def text(value):
    """A TEXT value escaped (RFC 5545 3.3.11)."""
    value = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """A content line as UTF-8, folded at 75 octets, never inside a character."""
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return data
    parts, start, limit = [], 0, LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: fold before its character
            end -= 1
        parts.append(data[start:end])
        # A continuation line starts with a space, which counts.
        start, limit = end, LINE_OCTETS - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts)


@functools.cache
def time_zone_component(tzid):
    """The VTIMEZONE of ``tzid`` as folded lines, from ``icalendar`` (made once)."""
    zone = icalendar.Timezone.from_tzid(tzid)
    return zone.to_ical().rstrip(CRLF)
