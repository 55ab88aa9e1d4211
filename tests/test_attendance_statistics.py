"""Attendance rates per organisation and per body, computed from a known set of meetings."""

import datetime
import re

import pytest
from django.urls import reverse

from bodies.models import Seat
from meetings.models import Attendance


@pytest.fixture
def known(db, make):
    """Two towns, two seats each plus a substitute for town A, three meetings in 2022.

    Held 1: A1 present, A2 absent (substitute serving), B1 present, B2 absent.
    Held 2: A1 present, A2 present, B1 absent, B2 absent.
    Cancelled and 2023 meetings must not count; other participants never count.
    """
    period = make.period("2019–2022")
    council = make.body(period, "Rådet")
    a, b = make.organisation("A-stad kommun"), make.organisation("B-by kommun")
    people = {}
    for org, names in ((a, ["A1", "A2"]), (b, ["B1", "B2"])):
        for name in names:
            seat = make.seat(council, org)
            people[name] = make.person(name, "Ledamot", organisation=org)
            make.appointment(people[name], seat)
    sub_seat = make.seat(council, a, role=Seat.Role.SUBSTITUTE)
    people["AS"] = make.person("AS", "Ersättare", organisation=a)
    make.appointment(people["AS"], sub_seat)
    guest = make.person("Gäst", "Tjänsteperson", organisation=b)

    def meeting(day, statuses, status="held"):
        m = make.meeting(council, day, status=status)
        for name, value in statuses.items():
            if name == "AS":
                make.attendance(m, people[name], status="serving", replaces=people["A2"])
            else:
                make.attendance(m, people[name], status=value)
        make.attendance(m, guest, role=Attendance.Role.OTHER, status="absent")
        return m

    meeting(
        datetime.datetime(2022, 3, 1, 9),
        {"A1": "present", "A2": "absent", "AS": "serving", "B1": "present", "B2": "absent"},
    )
    meeting(
        datetime.datetime(2022, 6, 1, 9),
        {"A1": "present", "A2": "present", "B1": "absent", "B2": "absent"},
    )
    meeting(
        datetime.datetime(2022, 9, 1, 9),
        {"A1": "absent", "A2": "absent", "B1": "absent", "B2": "absent"},
        status="cancelled",
    )
    return council


def test_rates_per_organisation(known):
    rows = {
        row["organisation__name"]: row
        for row in Attendance.objects.filter(meeting__start__year=2022).rates("organisation__name")
    }
    # A: 4 ordinary places over 2 meetings, 3 present + 1 serving substitute = 100 %.
    assert (rows["A-stad kommun"]["expected"], rows["A-stad kommun"]["present"]) == (4, 3)
    assert rows["A-stad kommun"]["serving"] == 1
    # B: 4 places, 1 present = 25 %.
    assert (rows["B-by kommun"]["expected"], rows["B-by kommun"]["present"]) == (4, 1)
    assert rows["B-by kommun"]["meeting_count"] == 2


def test_the_statistics_page_shows_chart_and_table(client, known):
    response = client.get(reverse("meetings:statistics") + "?ar=2022")
    html = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "A-stad kommun 2 4 3 1 100 %" in text
    assert "B-by kommun 2 4 1 0 25 %" in text
    assert "Rådet 2 8 4 1 62 %" in text  # 5 of 8 is 62.5 %, rounded to even
    assert 'role="img"' in html and "Samma siffror finns i tabellen" in html
    assert 'width="300" height="22"' in html  # a full bar for A-stad kommun
    assert "style=" not in html  # the CSP allows no inline styles


def test_an_unknown_year_gets_a_swedish_message(client, known):
    text = client.get(reverse("meetings:statistics") + "?ar=1999").content.decode()
    assert "Det finns inga genomförda möten med närvaro för år ”1999”. Visar 2022." in text
