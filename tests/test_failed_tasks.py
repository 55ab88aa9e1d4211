"""The admin's start page tells the registry secretary when background tasks failed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def task(status, days_ago):
    finished = timezone.now() - timedelta(days=days_ago)
    return DBTaskResult.objects.create(
        status=status,
        finished_at=finished,
        task_path="samverkan.pdf_queue.render_pdf",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        exception_class_path="weasyprint.LayoutError",
        traceback="Traceback (most recent call last): ...",
    )


def test_the_registry_secretary_sees_how_many_tasks_failed_and_where_to_read_why(client, roles):
    task("FAILED", days_ago=1)
    task("FAILED", days_ago=2)
    task("FAILED", days_ago=30)  # long ago: already seen
    task("SUCCESSFUL", days_ago=1)
    client.force_login(roles("registersekreterare", registry_secretary=True))

    page = client.get("/admin/").content.decode()

    assert "2 bakgrundsjobb har misslyckats de senaste 7 dagarna." in page
    link = "/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED"
    assert link in page
    listed = client.get(link)
    assert listed.status_code == 200
    assert listed.content.decode().count(">render_pdf<") == 3


def test_no_notice_when_nothing_failed(client, roles):
    task("SUCCESSFUL", days_ago=1)
    client.force_login(roles("registersekreterare", registry_secretary=True))

    assert "bakgrundsjobb" not in client.get("/admin/").content.decode()


def test_an_organisation_editor_is_not_told_about_tasks_they_cannot_read(client, roles, make):
    task("FAILED", days_ago=1)
    client.force_login(roles("redaktor", organisations=[make.organisation()]))

    assert "bakgrundsjobb" not in client.get("/admin/").content.decode()
