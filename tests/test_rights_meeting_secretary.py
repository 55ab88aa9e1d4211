"""What a meeting secretary of one council can do: record its meetings, with agenda and
the attendance grid, in an open period; no other body's."""

import datetime

import pytest
from django.urls import reverse

from bodies.models import Seat
from meetings.models import Meeting
from tests.pages import freeze_today
from tests.test_meeting_admin import attendance_rows, management

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(make, monkeypatch):
    freeze_today(monkeypatch)  # 22 November 2026
    period = make.period("2023–2026")
    body = make.body(period, "Rådet")
    other = make.body(period, "Andra rådet")
    town = make.organisation("Nora kommun")
    seat = make.seat(body, town)
    member = make.person("Tom", "Rymoén", organisation=town)
    make.appointment(member, seat)
    make.seat(other, town, role=Seat.Role.ORDINARY)
    return {"body": body, "other": other, "member": member}


@pytest.fixture
def secretary(client, council, roles):
    client.force_login(roles("sekreterare", bodies=[council["body"]]))
    return client


def meeting_data(body, **extra):
    return {
        "body": str(body.pk),
        "start_0": "2026-09-29",
        "start_1": "09:00",
        "end_0": "2026-09-29",
        "end_1": "12:00",
        "place": "Eken",
        "status": "held",
        "note": "",
        "chair": "",
        "secretary": "",
        "minutes_approved_on": "",
        **management("agenda_items", 1),
        "agenda_items-0-number": "1",
        "agenda_items-0-title": "Mötet öppnas",
        "agenda_items-0-presenters": "",
        "agenda_items-0-text": "",
        "agenda_items-0-decision": "",
        "agenda_items-0-reports_on": "",
        **management("decisions", 0),
        **management("attendances", 0),
        **management("adjuster_roles", 0),
        **extra,
    }


def test_the_body_choice_offers_only_the_secretarys_body(secretary, council):
    response = secretary.get(
        reverse("admin:autocomplete"),
        {"app_label": "meetings", "model_name": "meeting", "field_name": "body", "term": ""},
    )
    assert [r["text"] for r in response.json()["results"]] == [str(council["body"])]


def test_the_secretary_records_a_meeting_with_the_attendance_grid(secretary, council):
    page = secretary.get(
        reverse("admin:meetings_meeting_add") + f"?body={council['body'].pk}&datum=2026-09-29"
    )
    assert 'name="attendances-TOTAL_FORMS" value="4"' in page.text  # Tom + 3 blank rows

    data = meeting_data(council["body"])
    data.update(
        attendance_rows({"person": council["member"].pk, "role": "ordinary", "status": "present"})
    )
    response = secretary.post(reverse("admin:meetings_meeting_add"), data)

    assert response.status_code == 302, response.context["errors"]
    meeting = Meeting.objects.get()
    assert meeting.attendances.get().person == council["member"]
    assert meeting.history.get().history_user.username == "sekreterare"


def test_no_meeting_for_another_body_and_no_roster_of_it(secretary, council):
    response = secretary.post(reverse("admin:meetings_meeting_add"), meeting_data(council["other"]))
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.text
    assert not Meeting.objects.exists()
    # The attendance grid of another body is not filled in (it names its members).
    page = secretary.get(
        reverse("admin:meetings_meeting_add") + f"?body={council['other'].pk}&datum=2026-09-29"
    )
    assert 'name="attendances-TOTAL_FORMS" value="3"' in page.text


def test_meetings_of_an_ended_period_are_the_registry_secretarys(client, make, roles, monkeypatch):
    freeze_today(monkeypatch)
    body = make.body(make.period("2019–2022"), "Rådet")
    meeting = make.meeting(body, datetime.datetime(2022, 9, 29, 9))
    client.force_login(roles("sekreterare", bodies=[body]))

    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, meeting_data(body)).status_code == 403
