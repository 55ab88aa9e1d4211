"""Meeting fragments for other pages: the body page, the person page and the start page.

Each tag runs a fixed number of queries (stated per tag) whatever the data size, so a
page that includes one keeps a bounded query count.
"""

from django import template
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone

from meetings.compliance import body_meetings
from meetings.models import Attendance, Meeting, when_text

register = template.Library()


@register.inclusion_tag("meetings/includes/body_meetings.html", takes_context=True)
def body_meeting_summary(context, body):
    """Upcoming and past meetings, meeting frequency per year, reporting duties (4 queries)."""
    return {
        "summary": body_meetings(body),
        "perms": context.get("perms"),
        "request": context.get("request"),
    }


@register.inclusion_tag("meetings/includes/person_attendance.html")
def person_attendance(person, page=None, page_query="motessida=", per_page=50):
    """The person's attendance at meetings, newest first, ``per_page`` rows a page
    (2 queries: the totals, the page). ``page_query`` ends where a link's page number
    goes."""
    rows = Attendance.objects.for_person_page(person)
    totals = rows.aggregate(
        total=Count("pk"),
        counted=Count("pk", filter=~Q(role=Attendance.Role.OTHER)),
        attended=Count(
            "pk",
            filter=~Q(role=Attendance.Role.OTHER)
            & Q(status__in=[Attendance.Status.PRESENT, Attendance.Status.SERVING]),
        ),
    )
    paginator = Paginator(rows, per_page)
    paginator.count = totals["total"]  # known already: no second COUNT
    page = paginator.get_page(page)
    return {
        "rows": list(page.object_list),
        "page": page,
        "page_query": page_query,
        "counted": totals["counted"],
        "attended": totals["attended"],
    }


@register.inclusion_tag("meetings/includes/upcoming_meetings.html")
def upcoming_meetings(limit=5):
    """The next meetings in the whole registry (1 query)."""
    return {"meetings": list(Meeting.objects.for_listing().upcoming()[:limit])}


@register.simple_tag
def meeting_time(meeting):
    """“29 september 2022 kl. 09.00–12.00”."""
    return when_text(meeting.start, meeting.end)


@register.filter
def local_time(value):
    return timezone.localtime(value)
