"""Whether a body keeps its rules on meetings: how often it meets, and its reporting duties.

What a body page shows about meetings, read in a fixed number of queries.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from bodies.models import Body
from meetings.models import Meeting, ReportingDuty


@dataclass
class DutyStatus:
    duty: ReportingDuty
    last_reported: datetime.date | None
    due: datetime.date
    overdue: bool


@dataclass
class YearStatus:
    """How many meetings a body held (or has planned) in one year, against its minimum.

    Only held meetings and planned meetings still to come count. A planned meeting
    whose end has passed was never registered as held: it is ``overdue``, shown
    but not counted, so a past year of planned-but-unrecorded meetings fails.
    """

    year: int
    held: int
    planned: int
    minimum: int | None
    is_past: bool
    overdue: int = 0

    @property
    def total(self):
        return self.held + self.planned

    @property
    def ok(self):
        return self.minimum is None or self.total >= self.minimum


@dataclass
class BodyMeetings:
    """What a body page shows about meetings; built by ``body_meetings()``."""

    body: Body
    upcoming: list
    past: list
    past_count: int
    years: list = field(default_factory=list)
    duties: list = field(default_factory=list)

    @property
    def frequency_ok(self):
        return all(year.ok for year in self.years)

    @property
    def duties_ok(self):
        return not any(status.overdue for status in self.duties)


def body_meetings(body, today=None, upcoming_limit=5, past_limit=10):
    """A body's upcoming and past meetings, meeting frequency per year and reporting duties.

    Four queries whatever the number of meetings, for the body page.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    meetings = Meeting.objects.filter(body=body)
    upcoming = list(meetings.upcoming(now)[:upcoming_limit])
    past_qs = meetings.past(now)
    past = list(past_qs.annotate(total=models.Window(Count("pk")))[:past_limit])
    past_count = past[0].total if past else 0
    counts = {}
    for row in (
        meetings.exclude(status=Meeting.Status.CANCELLED)
        .annotate(
            year=ExtractYear("start"),
            ended=models.ExpressionWrapper(Q(end__lt=now), output_field=models.BooleanField()),
        )
        .values("year", "status", "ended")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        status = row["status"]
        if status == Meeting.Status.PLANNED and row["ended"]:
            status = "overdue"
        by_status = counts.setdefault(row["year"], {})
        by_status[status] = by_status.get(status, 0) + row["n"]
    period = body.period
    last_year = min(period.end.year, max(today.year, period.start.year))
    years = []
    for year in range(period.start.year, last_year + 1):
        by_status = counts.get(year, {})
        years.append(
            YearStatus(
                year=year,
                held=by_status.get(Meeting.Status.HELD, 0),
                planned=by_status.get(Meeting.Status.PLANNED, 0),
                overdue=by_status.get("overdue", 0),
                minimum=body.min_meetings_per_year,
                is_past=year < today.year,
            )
        )
    years.reverse()
    duties = [
        duty.status(today) for duty in ReportingDuty.objects.filter(body=body).with_last_report()
    ]
    return BodyMeetings(body, upcoming, past, past_count, years, duties)
