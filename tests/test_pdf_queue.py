"""PDFs are rendered by the task worker: a download is a cache hit or a short wait."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from bodies.models import Body
from samverkan import pdf_queue
from tests.pages import freeze_today

pytestmark = pytest.mark.django_db

REPORT = "/perioder/2023-2026/rapport.pdf"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def queue(settings):
    """The real queue in the database; no worker runs until the test runs one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PDF_WAIT_SECONDS = 0


@pytest.fixture
def council(make):
    period = make.period("2023–2026")
    return make.body(period, "Regionala rådet")


def run_worker():
    """The real worker, once through the queue. It closes the database connection when
    done, as a worker process does, so the tests using it commit their data
    (``transaction=True``) instead of running in a transaction that would be cut off."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


uses_the_worker = pytest.mark.django_db(transaction=True)


@uses_the_worker
def test_a_report_nobody_has_asked_for_is_queued_and_served_once_rendered(client, queue, council):
    first = client.get(REPORT)

    assert first.status_code == 503
    assert first["Retry-After"] == "10"
    assert "PDF-filen tas fram" in first.content.decode()
    assert DBTaskResult.objects.count() == 1
    # Asking again while it is queued queues nothing more.
    assert client.get(REPORT).status_code == 503
    assert DBTaskResult.objects.count() == 1

    run_worker()

    ready = client.get(REPORT)
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"
    assert ready.content.startswith(b"%PDF-")


@uses_the_worker
def test_a_change_makes_the_rendered_report_stale(client, queue, council):
    client.get(REPORT)
    run_worker()
    assert client.get(REPORT).status_code == 200

    Body.objects.update(name="Samverkansrådet")

    assert client.get(REPORT).status_code == 503
    run_worker()
    assert client.get(REPORT).status_code == 200


@uses_the_worker
def test_a_write_renders_the_current_period_ahead_of_any_download(
    client, queue, settings, council, django_capture_on_commit_callbacks
):
    settings.PDF_PRERENDER = True
    with django_capture_on_commit_callbacks(execute=True):
        council.purpose = "Nytt syfte"
        council.save()
    assert DBTaskResult.objects.filter(task_path__endswith="prerender_current_period").count() == 1

    run_worker()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_queue, "RENDERERS", {})  # nothing may render now
        assert client.get(REPORT).status_code == 200
        assert (
            client.get(
                "/perioder/2023-2026/regionala-radet/ledamoter.pdf?datum=2026-11-22"
            ).status_code
            == 200
        )


def test_a_day_outside_the_period_is_refused_not_rendered(client, council):
    for day in ("2031-01-01", "igår", "2026-13-01"):
        response = client.get(f"/perioder/2023-2026/regionala-radet/ledamoter.pdf?datum={day}")
        assert response.status_code == 404
        assert "Ange ett datum inom mandatperioden 2023–2026" in response.content.decode()
