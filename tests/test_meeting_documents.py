"""Uploaded minutes and attachments: real PDFs only, no scripts or files inside, and
files that are replaced or deleted leave the storage once the change is committed."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import AgendaItem, Attachment, Meeting, validate_pdf
from tests.test_meeting_admin import meeting_form


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def secretary(client, django_user_model):
    user = django_user_model.objects.create_superuser("sekreterare", "s@example.se", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def body(db, make):
    return make.body(make.period("2019–2022"), "Rådet")


def refusal(content):
    with pytest.raises(ValidationError) as caught:
        validate_pdf(SimpleUploadedFile("protokoll.pdf", content, "application/pdf"))
    return caught.value.messages[0]


def test_a_clean_pdf_is_accepted(make):
    validate_pdf(SimpleUploadedFile("protokoll.pdf", make.pdf(), "application/pdf"))


def test_html_behind_a_pdf_header_is_refused():
    message = refusal(b"%PDF-1.7\n<!doctype html><script>alert(1)</script>")
    assert message.startswith("Filen går inte att läsa som PDF: den är skadad eller bara märkt")


def test_a_pdf_with_javascript_is_refused(make):
    assert refusal(make.pdf(javascript=True)).startswith(
        "PDF-filen innehåller JavaScript eller åtgärder som körs när den öppnas"
    )


def test_a_pdf_with_an_embedded_file_is_refused(make):
    assert refusal(make.pdf(attachment=True)).startswith("PDF-filen innehåller inbäddade filer.")


def test_the_admin_answers_a_scripted_pdf_with_the_form(secretary, body, make):
    data = meeting_form(
        body,
        minutes=SimpleUploadedFile("protokoll.pdf", make.pdf(javascript=True), "application/pdf"),
    )
    response = secretary.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 200
    assert "PDF-filen innehåller JavaScript" in response.content.decode()
    assert not Meeting.objects.exists()


def stored_meeting(body, make, content):
    meeting = make.meeting(body, datetime.datetime(2022, 9, 29, 9))
    meeting.minutes.save("protokoll.pdf", ContentFile(content))
    return meeting


def test_replaced_minutes_leave_the_storage_after_commit(
    secretary, body, make, django_capture_on_commit_callbacks
):
    meeting = stored_meeting(body, make, make.pdf())
    old = meeting.minutes.path
    data = meeting_form(
        body,
        minutes=SimpleUploadedFile("nytt.pdf", make.pdf(), "application/pdf"),
        **{"agenda_items-TOTAL_FORMS": "0"},
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = secretary.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes.path != old
    assert Path(old).exists()  # not yet: the transaction has not committed
    for callback in callbacks:
        callback()
    assert not Path(old).exists()
    assert Path(meeting.minutes.path).read_bytes().startswith(b"%PDF-")


def test_a_deleted_meetings_minutes_and_attachments_leave_the_storage(
    body, make, django_capture_on_commit_callbacks
):
    meeting = stored_meeting(body, make, make.pdf())
    item = AgendaItem.objects.create(meeting=meeting, number=1, title="Budget")
    attachment = Attachment.objects.create(agenda_item=item, title="Bilaga 1")
    attachment.document.save("bilaga.pdf", ContentFile(make.pdf()))
    paths = [meeting.minutes.path, attachment.document.path]
    with django_capture_on_commit_callbacks(execute=True):
        meeting.delete()
    assert [Path(path).exists() for path in paths] == [False, False]


def test_a_file_another_row_still_names_is_kept(body, make, django_capture_on_commit_callbacks):
    meeting = stored_meeting(body, make, make.pdf())
    other = make.meeting(body, datetime.datetime(2022, 10, 20, 9))
    Meeting.objects.filter(pk=other.pk).update(minutes=meeting.minutes.name)
    path = meeting.minutes.path
    with django_capture_on_commit_callbacks(execute=True):
        meeting.delete()
    assert Path(path).read_bytes().startswith(b"%PDF-")


def test_a_rolled_back_delete_keeps_the_file(body, make, django_capture_on_commit_callbacks):
    meeting = stored_meeting(body, make, make.pdf())
    path = meeting.minutes.path
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting.delete()
    assert len(callbacks) == 1  # run only on commit; a rollback drops it
    assert Path(path).read_bytes().startswith(b"%PDF-")
