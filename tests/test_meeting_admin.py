"""The secretary's flow in the admin: create a meeting, fill attendance, upload minutes."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bodies.models import Seat
from meetings.models import Attendance, Meeting, validate_pdf
from tests import factories
from tests.pages import management

PDF = factories.pdf()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def council(db, make):
    period = make.period("2019–2022")
    body = make.body(period, "Rådet")
    town = make.organisation("Nora kommun")
    ordinary = make.seat(body, town)
    substitute = make.seat(body, town, role=Seat.Role.SUBSTITUTE, backs=ordinary)
    member = make.person("Tom", "Rymoén", organisation=town)
    deputy = make.person("Solveig", "Oscarsson", organisation=town)
    make.appointment(member, ordinary)
    make.appointment(deputy, substitute)
    return {"body": body, "town": town, "member": member, "deputy": deputy}


@pytest.fixture
def secretary(client, django_user_model):
    user = django_user_model.objects.create_superuser("sekreterare", "s@example.se", "pw")
    client.force_login(user)
    return client


def meeting_form(body, **overrides):
    data = {
        "body": str(body.pk),
        "start_0": "2022-09-29",
        "start_1": "09:00",
        "end_0": "2022-09-29",
        "end_1": "12:00",
        "place": "Eken, Eklundavägen 1, Örebro",
        "status": "held",
        "note": "",
        "chair": "",
        "secretary": "",
        "minutes_approved_on": "",
        **management("agenda_items", 1),
        "agenda_items-0-number": "1",
        "agenda_items-0-title": "Mötet öppnas",
        "agenda_items-0-presenters": "",
        "agenda_items-0-text": "Ordförande hälsade alla välkomna.",
        "agenda_items-0-decision": "",
        "agenda_items-0-reports_on": "",
        **management("decisions", 0),
        **management("attendances", 0),
        **management("adjuster_roles", 0),
    }
    data.update(overrides)
    return data


def attendance_rows(*rows):
    data = management("attendances", len(rows))
    for i, row in enumerate(rows):
        for key in ("person", "role", "status", "replaces", "organisation"):
            data[f"attendances-{i}-{key}"] = str(row.get(key, ""))
    return data


def test_a_new_meeting_from_the_body_page_lists_the_roster(secretary, council):
    url = reverse("admin:meetings_meeting_add") + f"?body={council['body'].pk}&datum=2022-09-29"
    page = secretary.get(url).content.decode()
    assert 'name="attendances-TOTAL_FORMS" value="5"' in page  # 2 seat holders + 3 blank
    assert (
        re.search(rf'name="attendances-0-person"[^>]*value="{council["member"].pk}"', page)
        or f'value="{council["member"].pk}" selected' in page
    )
    assert f'<option value="{council["body"].pk}" selected>' in page


def test_the_secretary_records_a_meeting_with_agenda_and_attendance(secretary, council):
    data = meeting_form(council["body"])
    data.update(
        attendance_rows(
            {"person": council["member"].pk, "role": "ordinary", "status": "absent"},
            {
                "person": council["deputy"].pk,
                "role": "substitute",
                "status": "serving",
                "replaces": council["member"].pk,
            },
        )
    )
    data.update(
        {**management("adjuster_roles", 1), "adjuster_roles-0-person": council["deputy"].pk}
    )
    response = secretary.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    meeting = Meeting.objects.get()
    assert meeting.agenda_items.get().title == "Mötet öppnas"
    assert list(meeting.adjusters.all()) == [council["deputy"]]
    assert {(a.person.last_name, a.status, a.organisation) for a in meeting.attendances.all()} == {
        ("Rymoén", "absent", council["town"]),
        ("Oscarsson", "serving", council["town"]),
    }
    assert timezone.localtime(meeting.start).hour == 9


def test_attendance_for_someone_without_a_seat_is_refused_and_nothing_is_lost(
    secretary, council, make
):
    stranger = make.person("Marie", "Hillman")
    data = meeting_form(council["body"])
    data.update(attendance_rows({"person": stranger.pk, "role": "ordinary", "status": "present"}))
    response = secretary.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Marie Hillman har ingen plats som ordinarie ledamot i Rådet den 29 september 2022" in (
        page
    )
    assert "Eken, Eklundavägen 1, Örebro" in page  # what was typed is still there
    assert "Ordförande hälsade alla välkomna." in page
    assert not Meeting.objects.exists()


def test_an_overlapping_meeting_is_refused_in_swedish(secretary, council, make):
    make.meeting(council["body"], datetime.datetime(2022, 9, 29, 10))
    response = secretary.post(reverse("admin:meetings_meeting_add"), meeting_form(council["body"]))
    assert response.status_code == 200
    assert "Rådet har redan ett möte 29 september 2022 kl. 10.00–13.00 som överlappar" in (
        response.content.decode()
    )
    assert Meeting.objects.count() == 1


def test_signed_minutes_are_uploaded_under_a_server_made_name(secretary, council):
    data = meeting_form(
        council["body"],
        minutes=SimpleUploadedFile("Protokoll 29 sept.pdf", PDF, "application/pdf"),
        minutes_approved_on="2022-10-10",
    )
    response = secretary.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert re.fullmatch(r"moten/protokoll/[0-9a-f]{32}\.pdf", meeting.minutes.name)
    download = secretary.get(reverse("meetings:minutes", args=[meeting.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF


def test_a_renamed_html_file_is_refused(secretary, council):
    html = b"<!doctype html><script>alert(1)</script>"
    data = meeting_form(
        council["body"], minutes=SimpleUploadedFile("protokoll.pdf", html, "application/pdf")
    )
    response = secretary.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Filen är inte en PDF-fil. Spara dokumentet som PDF och ladda upp det igen" in page
    assert "Eken, Eklundavägen 1, Örebro" in page
    assert not Meeting.objects.exists()


def test_the_pdf_check_reads_the_content_and_the_size(settings):
    validate_pdf(SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(Exception, match="inte en PDF-fil"):
        validate_pdf(SimpleUploadedFile("a.html", PDF))
    with pytest.raises(Exception, match="inte en PDF-fil"):
        validate_pdf(SimpleUploadedFile("a.pdf", b"<html>"))
    big = SimpleUploadedFile("a.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(Exception, match="Filen är för stor"):
        validate_pdf(big)


def test_a_meeting_with_contradictions_warns_the_secretary(secretary, council, make):
    meeting = make.meeting(
        council["body"], datetime.datetime(2022, 9, 29, 9), chair=council["member"]
    )
    make.attendance(meeting, council["member"], status=Attendance.Status.ABSENT)
    page = secretary.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert "Ordföranden Tom Rymoén är antecknad som frånvarande." in page.content.decode()
    listing = secretary.get(reverse("admin:meetings_meeting_changelist") + "?att_atgarda=ja")
    assert "ordföranden frånvarande" in listing.content.decode()
    assert listing.context["cl"].result_count == 1


def test_a_meeting_without_attendance_gets_the_roster_when_opened(secretary, council, make):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    page = secretary.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    text = page.content.decode()
    assert 'name="attendances-TOTAL_FORMS" value="5"' in text
    assert "Närvarolistan är ifylld från ledamotslistan den 29 september 2022" in text


def test_the_same_adjuster_twice_is_refused_and_nothing_is_lost(secretary, council):
    data = meeting_form(council["body"])
    data.update(
        {
            **management("adjuster_roles", 2),
            "adjuster_roles-0-person": council["member"].pk,
            "adjuster_roles-1-person": council["member"].pk,
        }
    )
    response = secretary.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 200
    assert "Korrigera duplikatdata för person." in response.content.decode()
    assert not Meeting.objects.exists()


def test_decisions_are_recorded_inline_and_numbered_on_save(secretary, council):
    data = meeting_form(council["body"])
    data.update(
        {
            **management("decisions", 2),
            **{
                f"decisions-{n}-{name}": value
                for n in (0, 1)
                for name, value in {
                    "serial": "",
                    "kind": "recommendation" if n else "decision",
                    "status": "following_up",
                    "title": f"Beslut {n}",
                    "agenda_item": "",
                    "text": "",
                    "addressee": "kommunerna" if n else "",
                }.items()
            },
        }
    )
    response = secretary.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    meeting = Meeting.objects.get()
    assert [(d.number, d.kind) for d in meeting.decisions.order_by("serial")] == [
        (f"{council['body'].display_name} 2022:1", "decision"),
        (f"{council['body'].display_name} 2022:2", "recommendation"),
    ]
