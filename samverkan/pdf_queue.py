"""PDFs are rendered by the task worker, never inside a web request.

A large structure report takes seconds to minutes to lay out; rendered in the web
server it ties up a worker per download and anyone can keep them all busy. Here a
download is a cache hit, or it queues the rendering (once per PDF, however many ask)
and waits a few seconds for the worker; if the PDF is not ready by then the visitor
gets a page asking to try again shortly. How many PDFs render at once is the number
of task workers (``manage.py db_worker``), not the number of visitors.

The PDFs live in the cache under the registry's change stamp and the day, so a change
makes them stale at once; after a change the current period's report and rosters are
rendered before anyone asks (``prerender_current_period``, when ``PDF_PRERENDER`` is on).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from bodies.models import Body, ChangeStamp, MandatePeriod
from meetings.models import Meeting
from samverkan import pdf

QUEUED_SECONDS = 10 * 60


def _report(period_id):
    return pdf.structure_report(MandatePeriod.objects.get(pk=period_id))


def _roster(body_id, day):
    import datetime

    body = Body.objects.for_body_page().get(pk=body_id)
    return pdf.body_roster(body, datetime.date.fromisoformat(day))


def _minutes(meeting_id):
    return pdf.meeting_minutes(Meeting.objects.for_meeting_page().get(pk=meeting_id))


RENDERERS = {"report": _report, "roster": _roster, "minutes": _minutes}


def pdf_key(kind, *args):
    stamp = ChangeStamp.read()
    parts = ":".join(str(arg) for arg in args)
    today = timezone.localdate().isoformat()
    return f"pdf-ready:{stamp.version}-{stamp.changed_at.timestamp()}:{today}:{kind}:{parts}"


@task()
def render(kind: str, *args) -> None:
    """Render one PDF into the cache, under the stamp it was rendered at."""
    content = RENDERERS[kind](*args)
    cache.set(pdf_key(kind, *args), content, settings.PDF_CACHE_SECONDS)


def ready_or_queued(kind, *args):
    """The PDF's bytes when it is (or within ``PDF_WAIT_SECONDS`` becomes) ready, else None.

    Queues the rendering the first time anyone asks for this PDF at this stamp.
    """
    key = pdf_key(kind, *args)
    content = cache.get(key)
    if content is not None:
        return content
    if cache.add(f"{key}:queued", True, QUEUED_SECONDS):
        render.enqueue(kind, *args)
    deadline = time.monotonic() + settings.PDF_WAIT_SECONDS
    while content is None and time.monotonic() < deadline:
        time.sleep(0.25)
        content = cache.get(key)
    return content


@task()
def prerender_current_period() -> None:
    """The current period's report and every body's roster of today, into the cache."""
    period = MandatePeriod.objects.current()
    if period is None:
        return
    ready_or_queued_now("report", period.pk)
    today = period.default_day().isoformat()
    for body_id in period.bodies.values_list("pk", flat=True):
        ready_or_queued_now("roster", body_id, today)


def ready_or_queued_now(kind, *args):
    if cache.get(pdf_key(kind, *args)) is None:
        render.call(kind, *args)


def prerender_after_commit(**kwargs):
    """A registry write: render the current period's PDFs once the transaction commits.

    Connected to the save and delete signals of the registry's models; writes that
    bypass them (bulk updates, raw SQL) are rendered when first asked for.
    """
    if settings.PDF_PRERENDER:
        transaction.on_commit(_enqueue_prerender)


def _enqueue_prerender():
    # Once per stamp, however many rows the transaction wrote.
    stamp = ChangeStamp.read()
    if cache.add(f"prerender:{stamp.version}-{stamp.changed_at.timestamp()}", True, QUEUED_SECONDS):
        prerender_current_period.enqueue()
