"""The rules of meetings and attendance, checked by the models and the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from bodies.models import Seat
from meetings.models import Attendance, Meeting, ReportingDuty, add_months, when_text


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def council(db, make):
    """A council 2019–2022 with one municipality: an ordinary seat, a substitute seat."""
    period = make.period("2019–2022")
    body = make.body(period, "Rådet", min_meetings_per_year=4)
    town = make.organisation("Nora kommun")
    ordinary = make.seat(body, town)
    substitute = make.seat(body, town, role=Seat.Role.SUBSTITUTE, backs=ordinary)
    member = make.person("Tom", "Rymoén", organisation=town)
    deputy = make.person("Solveig", "Oscarsson", organisation=town)
    make.appointment(member, ordinary)
    make.appointment(deputy, substitute)
    return {"body": body, "town": town, "member": member, "deputy": deputy, "period": period}


def messages_of(error):
    return [m for messages in error.value.message_dict.values() for m in messages]


def test_it_refuses_overlapping_meetings_of_one_body(make, council):
    make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    clash = Meeting(body=council["body"], start=local(2022, 9, 29, 11), end=local(2022, 9, 29, 14))
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert error.value.message_dict["start"] == [
        "Rådet har redan ett möte 29 september 2022 kl. 09.00–12.00 som överlappar den här "
        "tiden. Ändra tiden eller ställ in det andra mötet först."
    ]


def test_a_cancelled_meeting_does_not_block_the_time(make, council):
    make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9), status="cancelled")
    Meeting(
        body=council["body"], start=local(2022, 9, 29, 9), end=local(2022, 9, 29, 12)
    ).full_clean()


def test_back_to_back_meetings_do_not_overlap(make, council):
    make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9), hours=3)
    Meeting(
        body=council["body"], start=local(2022, 9, 29, 12), end=local(2022, 9, 29, 13)
    ).full_clean()


def test_the_database_refuses_overlaps_on_postgresql(make, council):
    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints need PostgreSQL")
    make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            body=council["body"], start=local(2022, 9, 29, 10), end=local(2022, 9, 29, 11)
        )


def test_a_meeting_ends_after_it_starts(council):
    meeting = Meeting(body=council["body"], start=local(2022, 9, 29, 9), end=local(2022, 9, 29, 8))
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "Mötet måste sluta efter att det börjar." in messages_of(error)


def test_a_meeting_lies_within_the_bodys_period(council):
    meeting = Meeting(body=council["body"], start=local(2023, 2, 1, 9), end=local(2023, 2, 1, 12))
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["start"] == [
        "Mötet måste ligga inom organets mandatperiod 2019–2022 (1 januari 2019–31 december 2022)."
    ]


def test_only_a_held_meeting_has_approved_minutes(council):
    meeting = Meeting(
        body=council["body"],
        start=local(2022, 9, 29, 9),
        end=local(2022, 9, 29, 12),
        status=Meeting.Status.PLANNED,
        minutes_approved_on=datetime.date(2022, 10, 10),
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["minutes_approved_on"] == [
        "Bara ett genomfört möte kan ha ett justerat protokoll."
    ]


def test_times_are_stored_in_utc_and_shown_in_stockholm_time(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    meeting.refresh_from_db()
    assert meeting.start.astimezone(datetime.UTC).hour == 7  # CEST is UTC+2
    assert when_text(meeting.start, meeting.end) == "29 september 2022 kl. 09.00–12.00"


def test_attendance_needs_a_seat_or_the_other_participant_role(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    stranger = make.person("Marie", "Hillman", organisation=council["town"])
    row = Attendance(meeting=meeting, person=stranger, role=Attendance.Role.ORDINARY)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert error.value.message_dict["person"] == [
        "Marie Hillman har ingen plats som ordinarie ledamot i Rådet den 29 september 2022. "
        "Registrera personen som övrig deltagare, eller lägg först in uppdraget."
    ]
    row.role = Attendance.Role.OTHER
    row.full_clean()
    assert row.organisation == council["town"]  # taken from the person


def test_attendance_of_a_member_records_the_seat_held_that_day(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    row = Attendance(meeting=meeting, person=council["member"])
    row.full_clean()
    assert row.seat.role == Seat.Role.ORDINARY
    assert row.organisation == council["town"]


def test_a_substitute_serves_for_a_named_ordinary_member(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    row = Attendance(
        meeting=meeting,
        person=council["deputy"],
        role=Attendance.Role.SUBSTITUTE,
        status=Attendance.Status.SERVING,
    )
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert error.value.message_dict["replaces"] == [
        "Ange vilken ordinarie ledamot ersättaren tjänstgör för."
    ]
    row.replaces = council["member"]
    row.full_clean()


def test_the_database_refuses_serving_without_a_member(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            meeting=meeting,
            person=council["deputy"],
            role=Attendance.Role.SUBSTITUTE,
            status=Attendance.Status.SERVING,
        )


def test_a_person_is_listed_once_per_meeting(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    make.attendance(meeting, council["member"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting, person=council["member"])


def test_history_protects_bodies_and_people(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    make.attendance(meeting, council["member"])
    with pytest.raises(ProtectedError):
        council["body"].delete()
    with pytest.raises(ProtectedError):
        council["member"].delete()


def test_default_attendance_comes_from_the_seats_held_on_the_day(make, council):
    later = make.person("Ny", "Ledamot", organisation=council["town"])
    seat = council["member"].appointments.get().seat
    appointment = council["member"].appointments.get()
    appointment.end = datetime.date(2022, 6, 30)
    appointment.save()
    make.appointment(later, seat, start=datetime.date(2022, 7, 1))
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    rows = meeting.default_attendance()
    assert [(r.person.full_name, r.role, r.status) for r in rows] == [
        ("Ny Ledamot", "ordinary", "present"),
        ("Solveig Oscarsson", "substitute", "present"),
    ]


def test_contradictions_are_warnings_not_errors(make, council):
    meeting = make.meeting(
        council["body"],
        datetime.datetime(2022, 9, 29, 9),
        chair=council["member"],
        minutes_approved_on=datetime.date(2022, 10, 10),
    )
    meeting.adjusters.set([council["member"]])
    make.attendance(meeting, council["member"], status="present")
    make.attendance(meeting, council["deputy"], status="serving", replaces=council["member"])
    assert meeting.warnings() == [
        "Solveig Oscarsson tjänstgör som ersättare för Tom Rymoén, som är antecknad som närvarande."
    ]
    Attendance.objects.filter(person=council["member"]).update(status="absent")
    assert meeting.warnings()[:2] == [
        "Ordföranden Tom Rymoén är antecknad som frånvarande.",
        "Justeraren Tom Rymoén är antecknad som frånvarande men har justerat protokollet "
        "(10 oktober 2022).",
    ]
    flags = Meeting.objects.with_warning_flags().get(pk=meeting.pk)
    assert (flags.chair_absent, flags.adjuster_absent, flags.substitute_while_present) == (
        True,
        True,
        False,  # the member is absent now
    )
    assert list(Meeting.objects.needing_attention()) == [meeting]


def test_attendance_of_someone_without_a_seat_is_flagged(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    stranger = make.person("Ingen", "Plats")
    Attendance.objects.create(meeting=meeting, person=stranger, role="ordinary")
    assert meeting.warnings() == [
        "Ingen Plats är antecknad som ordinarie ledamot men har ingen plats i organet den "
        "29 september 2022."
    ]
    assert Meeting.objects.with_warning_flags().get().attendance_without_seat
    assert Meeting.objects.needing_attention().count() == 1


def test_a_tidy_meeting_needs_no_attention(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9))
    make.attendance(meeting, council["member"])
    assert meeting.warnings() == []
    assert not Meeting.objects.needing_attention().exists()


def test_a_past_meeting_still_planned_needs_attention(make, council):
    meeting = make.meeting(council["body"], datetime.datetime(2022, 9, 29, 9), status="planned")
    assert meeting.warnings() == ["Mötet har passerat men står fortfarande som planerat."]
    assert list(Meeting.objects.needing_attention()) == [meeting]


def test_a_reporting_duty_is_met_by_an_agenda_item_of_the_receiving_body(make, council):
    kcrd = make.body(council["period"], "KC/RD")
    network = make.body(council["period"], "Nätverket", parent=kcrd)
    duty = ReportingDuty.objects.create(body=network, reports_to=kcrd)
    status = ReportingDuty.objects.with_last_report().get().status(today=datetime.date(2020, 6, 1))
    assert (status.last_reported, status.due, status.overdue) == (
        None,
        datetime.date(2020, 1, 1),
        True,
    )
    meeting = make.meeting(kcrd, datetime.datetime(2020, 5, 14, 13))
    meeting.agenda_items.create(number=3, title="Återrapport", reports_on=network)
    status = ReportingDuty.objects.with_last_report().get().status(today=datetime.date(2020, 6, 1))
    assert (status.last_reported, status.due, status.overdue) == (
        datetime.date(2020, 5, 14),
        datetime.date(2021, 5, 14),
        False,
    )
    assert str(duty) == "Nätverket rapporterar till KC/RD"


def test_add_months_keeps_the_end_of_month():
    assert add_months(datetime.date(2020, 1, 31), 1) == datetime.date(2020, 2, 29)
    assert add_months(datetime.date(2022, 11, 15), 12) == datetime.date(2023, 11, 15)
