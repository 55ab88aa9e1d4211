"""The iCal feeds, parsed back with a real iCalendar library."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting
from tests.pages import freeze_today

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    # The feeds hold the last twelve months and everything ahead.
    freeze_today(monkeypatch, datetime.date(2024, 11, 1))


@pytest.fixture
def data(db, make):
    period = make.period("2023–2026")
    town = make.organisation("Nora kommun")
    other = make.organisation("Laxå kommun")
    council = make.body(period, "Regionala samverkansrådet")
    make.seat(council, town)
    network = make.body(period, "Nätverket")
    make.seat(network, other)
    held = make.meeting(council, datetime.datetime(2024, 3, 14, 9), place="Eken, Örebro")
    cancelled = make.meeting(
        council, datetime.datetime(2024, 6, 13, 9), status=Meeting.Status.CANCELLED
    )
    winter = make.meeting(network, datetime.datetime(2024, 1, 18, 13), hours=2)
    return {"held": held, "cancelled": cancelled, "winter": winter, "council": council}


def parse(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_is_a_valid_calendar_with_a_time_zone(client, data):
    calendar = parse(client.get(reverse("meetings:feed")))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert len(events(calendar)) == 3


def test_each_event_has_a_stable_uid_the_local_time_place_body_and_link(client, data):
    held = data["held"]
    first = events(parse(client.get(reverse("meetings:feed"))))
    second = events(parse(client.get(reverse("meetings:feed"))))
    uid = f"{held.uid}@samverkan"
    assert uid in first and uid in second
    event = first[uid]
    start = event.decoded("DTSTART")
    assert start == datetime.datetime(2024, 3, 14, 9, tzinfo=STOCKHOLM)
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("DTEND") - start == datetime.timedelta(hours=3)
    # Winter time too: 13.00 in January is 12.00 UTC.
    winter = first[f"{data['winter'].uid}@samverkan"].decoded("DTSTART")
    assert winter.astimezone(datetime.UTC).hour == 12
    assert str(event["SUMMARY"]) == "Regionala samverkansrådet"
    assert str(event["LOCATION"]) == "Eken, Örebro"
    assert str(event["URL"]) == f"http://testserver/moten/{held.pk}/"
    assert f"http://testserver/moten/{held.pk}/" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_cancelled_meeting_is_sent_as_cancelled(client, data):
    event = events(parse(client.get(reverse("meetings:feed"))))[
        f"{data['cancelled'].uid}@samverkan"
    ]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("INSTÄLLT:")


def feed_event(client, meeting):
    return events(parse(client.get(reverse("meetings:feed"))))[f"{meeting.uid}@samverkan"]


def test_moving_a_meeting_raises_its_sequence(client, data):
    held = Meeting.objects.get(pk=data["held"].pk)
    assert feed_event(client, held)["SEQUENCE"] == 0
    held.start += datetime.timedelta(hours=1)
    held.end += datetime.timedelta(hours=1)
    held.save()
    event = feed_event(client, held)
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == datetime.datetime(2024, 3, 14, 10, tzinfo=STOCKHOLM)
    held.place = "Slottet, Örebro"
    held.save()
    assert feed_event(client, held)["SEQUENCE"] == 2


def test_a_change_the_calendar_does_not_show_keeps_the_sequence(client, data):
    held = Meeting.objects.get(pk=data["held"].pk)
    held.note = "Fika från 08.30."
    held.save()
    assert feed_event(client, held)["SEQUENCE"] == 0


def test_cancelling_a_meeting_sends_it_cancelled_with_a_higher_sequence(client, data):
    held = Meeting.objects.get(pk=data["held"].pk)
    before = feed_event(client, held)
    assert str(before["STATUS"]) == "CONFIRMED"
    held.status = Meeting.Status.CANCELLED
    held.save()
    after = feed_event(client, held)
    assert str(after["STATUS"]) == "CANCELLED"
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_saving_a_meeting_reads_the_stored_row_once(data):
    held = Meeting.objects.get(pk=data["held"].pk)
    held.place = "Slottet, Örebro"
    with CaptureQueriesContext(connection) as context:
        held.save()
    reads = [q["sql"] for q in context.captured_queries if q["sql"].startswith("SELECT")]
    assert len([sql for sql in reads if 'FROM "meetings_meeting"' in sql]) == 1


def test_feeds_per_body_and_per_organisation(client, data):
    body_feed = parse(client.get(reverse("meetings:body_feed", args=["regionala-samverkansradet"])))
    assert set(events(body_feed)) == {
        f"{data['held'].uid}@samverkan",
        f"{data['cancelled'].uid}@samverkan",
    }
    assert "Regionala samverkansrådet" in str(body_feed["X-WR-CALNAME"])
    laxa = parse(client.get(reverse("meetings:organisation_feed", args=["laxa-kommun"])))
    assert set(events(laxa)) == {f"{data['winter'].uid}@samverkan"}
    assert client.get(reverse("meetings:body_feed", args=["finns-inte"])).status_code == 404


def test_the_filtered_calendar_links_to_a_matching_feed(client, data):
    page = client.get(reverse("meetings:calendar") + "?organisation=laxa-kommun")
    assert reverse("meetings:organisation_feed", args=["laxa-kommun"]) in page.content.decode()
    by_part = parse(client.get(reverse("meetings:feed") + "?organ=natverket"))
    assert set(events(by_part)) == {f"{data['winter'].uid}@samverkan"}


def test_feeds_hold_the_last_twelve_months_and_everything_ahead_unless_asked_for_all(
    client, data, make, monkeypatch
):
    old = make.meeting(data["council"], datetime.datetime(2023, 3, 2, 9))
    edge = make.meeting(data["council"], datetime.datetime(2023, 11, 1, 9))
    later = make.meeting(data["council"], datetime.datetime(2026, 5, 7, 9))
    for url in (
        reverse("meetings:feed"),
        reverse("meetings:feed") + "?organ=regionala-samverkansradet",
        reverse("meetings:body_feed", args=["regionala-samverkansradet"]),
        reverse("meetings:organisation_feed", args=["nora-kommun"]),
    ):
        shown = events(parse(client.get(url)))
        assert f"{edge.uid}@samverkan" in shown and f"{later.uid}@samverkan" in shown, url
        assert f"{old.uid}@samverkan" not in shown, url
        every = events(parse(client.get(url + ("&" if "?" in url else "?") + "alla=1")))
        assert f"{old.uid}@samverkan" in every, url

    # The calendar page says so and links to the whole feed.
    page = client.get(reverse("meetings:calendar")).content.decode()
    assert "de senaste 12 månaderna och alla kommande möten" in page
    assert f'href="{reverse("meetings:feed")}?alla=1"' in page


def test_a_feed_keeps_the_meetings_nearest_in_time_up_to_its_cap_and_says_so(
    client, data, make, monkeypatch
):
    from meetings import views

    # Today is 2024-11-01: two meetings ahead, and the past ones of the window.
    soon = make.meeting(data["council"], datetime.datetime(2024, 11, 20, 9))
    later = make.meeting(data["council"], datetime.datetime(2025, 2, 6, 9))
    recent = make.meeting(data["council"], datetime.datetime(2024, 10, 3, 9))
    monkeypatch.setattr(views, "FEED_MAX_EVENTS", 3)
    calendar = parse(client.get(reverse("meetings:feed")))
    # Every coming meeting first, then the latest past one; the rest left out.
    assert set(events(calendar)) == {f"{m.uid}@samverkan" for m in (soon, later, recent)}
    assert [event.decoded("DTSTART").date() for event in calendar.walk("VEVENT")] == [
        datetime.date(2024, 10, 3),
        datetime.date(2024, 11, 20),
        datetime.date(2025, 2, 6),
    ]
    description = str(calendar["X-WR-CALDESC"])
    assert "de 3 som ligger närmast i tiden" in description
    assert "http://testserver/moten/" in description
    # ?alla=1 lifts the window, not the cap.
    assert len(events(parse(client.get(reverse("meetings:feed") + "?alla=1")))) == 3

    # Under the cap nothing is left out, and the description says what the window is.
    monkeypatch.setattr(views, "FEED_MAX_EVENTS", 6)
    calendar = parse(client.get(reverse("meetings:body_feed", args=["regionala-samverkansradet"])))
    assert len(events(calendar)) == 5
    assert str(calendar["X-WR-CALDESC"]) == (
        "Mötena från de senaste 12 månaderna och alla kommande möten."
    )
    page = client.get(reverse("meetings:calendar")).content.decode()
    assert "Ett flöde har högst 6 möten, de som ligger närmast i tiden." in page


def test_texts_are_escaped_and_long_lines_folded_at_75_octets(client, data, make):
    note = "Rum; våning 3, hus B\\C\n" + "Fika från 08.30 med smörgås och kaffe. " * 6
    meeting = make.meeting(data["council"], datetime.datetime(2024, 11, 20, 9), note=note)
    response = client.get(reverse("meetings:feed"))
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    assert response.content.endswith(b"END:VCALENDAR\r\n")
    event = events(parse(response))[f"{meeting.uid}@samverkan"]
    assert note in str(event["DESCRIPTION"])


def test_the_feed_is_folded_as_the_library_folds_it():
    # Lines under 75 octets skip icalendar's folding (meetings/ical.py); long ones,
    # and ones made long by multi-byte letters at the limit, are folded by it.
    from meetings.ical import to_ical

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Test//SV")
    for text in ("kort", "å" * 36, "a" * 62, "a" * 63, "ö" * 40 + ", ett; två\\tre", "x" * 300):
        event = icalendar.Event()
        event.add("summary", text)
        event.add("description", text + "\n\n" + text)
        cal.add_component(event)
    assert to_ical(cal) == cal.to_ical()
