"""Public meeting pages on the real minutes of 29 September 2022, and their query counts."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from bodies.models import Body, Seat
from meetings.models import AgendaItem, Attendance, Meeting
from members.models import Appointment, Person
from tests.pages import STAMP_QUERIES


def text_of(response):
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def seed(orebro_meetings):
    return Meeting.objects.get(start__date=datetime.date(2022, 9, 29))


def test_the_seed_meeting_is_loaded_as_the_minutes_record_it(seed):
    assert seed.place == "Eken, Eklundavägen 1, Örebro"
    assert (seed.chair.full_name, seed.secretary.full_name) == ("Andreas Svahn", "Tommy Larserö")
    assert [p.full_name for p in seed.adjusters.all()] == ["Tom Rymoén"]
    assert seed.minutes_approved_on == datetime.date(2022, 10, 10)
    members = seed.attendances.exclude(role=Attendance.Role.OTHER)
    assert members.count() == 33
    assert sorted(members.filter(status="present").values_list("person__last_name", flat=True)) == [
        "Ahnér",
        "Barsom",
        "Dieker",
        "Englund",
        "Gunnarsson",
        "Höijer",
        "Svahn",
    ]
    others = seed.attendances.filter(role=Attendance.Role.OTHER)
    assert others.count() == 17
    assert others.filter(status="present").count() == 9
    assert others.get(person__slug="anna-olofsson").organisation.name == "Länsstyrelsen Örebro län"
    assert list(seed.agenda_items.values_list("number", flat=True)) == list(range(1, 9))
    assert seed.agenda_items.exclude(decision="").count() == 2
    planned = Meeting.objects.get(start__date=datetime.date(2022, 12, 22))
    assert planned.status == Meeting.Status.PLANNED
    assert timezone.localtime(planned.start).time() == datetime.time(9)


def test_the_adjuster_marked_absent_is_kept_and_flagged(seed):
    assert seed.attendances.get(person__slug="tom-rymoen").status == "absent"
    assert seed.warnings() == [
        "Justeraren Tom Rymoén är antecknad som frånvarande men har justerat protokollet "
        "(10 oktober 2022)."
    ]
    assert set(Meeting.objects.needing_attention()) == set(Meeting.objects.all())


def test_the_seed_meeting_page_shows_the_minutes(client, seed):
    response = client.get(seed.get_absolute_url())
    text = text_of(response)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1
    for expected in (
        "29 september 2022 kl. 09.00–12.00",
        "Eken, Eklundavägen 1, Örebro",
        "Ordförande Andreas Svahn (S)",
        "Sekreterare Tommy Larserö",
        "Justerare Tom Rymoén (M)",
        "Justerat den 10 oktober 2022",
        "8. Mötet avslutas",
        "Regionala samverkansrådet godkände efter revideringar",
        "2 av 8 ärenden har ett beslut.",
        "var 7 närvarande eller tjänstgörande och 26 frånvarande",
        "Anna Olofsson Länsstyrelsen Örebro län ✓ Närvarande",
        "Tom Rymoén (M) Nora kommun Ordinarie ledamot ✗ Frånvarande",
    ):
        assert expected in text, expected


def test_unpublished_people_and_contact_details_stay_hidden(client, seed):
    Person.objects.filter(slug="anna-olofsson").update(is_published=False, email="a@x.se")
    Person.objects.filter(slug="andreas-svahn").update(phone="070-123 45 67", email="as@x.se")
    Person.objects.filter(slug="tom-rymoen").update(is_published=False)
    html = client.get(seed.get_absolute_url()).content.decode()
    assert "Olofsson, Anna" not in html and "Anna Olofsson" not in html
    assert "Tom Rymoén (M)" not in html  # neither as adjuster nor in the attendance
    assert "tom-rymoen" not in html
    assert "070-123" not in html and "@x.se" not in html
    feed = client.get(reverse("meetings:feed")).content.decode()
    assert "Rymoén" not in feed and "Olofsson" not in feed


def test_the_calendar_lists_and_filters_meetings(client, seed):
    page = text_of(client.get(reverse("meetings:calendar") + "?tid=tidigare"))
    assert "22 december 2022 kl. 09.00–12.00" in page
    assert "29 september 2022 kl. 09.00–12.00" in page
    month = text_of(client.get(reverse("meetings:calendar") + "?visa=manad&manad=2022-09"))
    assert "September 2022" in month and "09.00 Regionala samverkansrådet" in month
    nora = client.get(reverse("meetings:calendar") + "?tid=tidigare&organisation=nora-kommun")
    assert "29 september 2022" in text_of(nora)
    outside = client.get(reverse("meetings:calendar") + "?tid=tidigare&organ=chefsgrupp-kultur")
    assert "Inga tidigare möten är registrerade." in text_of(outside)
    north = text_of(client.get(reverse("meetings:calendar") + "?tid=tidigare&lansdel=norra"))
    assert "29 september 2022" in north
    bad = text_of(client.get(reverse("meetings:calendar") + "?organ=finns-inte&visa=manad&manad=x"))
    assert "Det finns inget organ ”finns-inte”. Möten för alla organ visas." in bad
    assert "Månaden ”x” gick inte att läsa." in bad


def test_the_body_fragment_shows_meetings_frequency_and_reporting(seed, make):
    body = Body.objects.get(slug="regionala-samverkansradet", period__slug="2019-2022")
    body.min_meetings_per_year = 4
    body.save()
    html = Template("{% load meetings %}{% body_meeting_summary body %}").render(
        Context({"body": body})
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # 22 December 2022 stayed planned: it has passed, so it is not counted but flagged.
    assert (
        "1 av minst 4 möten 2022 – 1 planerat möte har passerat utan att registreras som "
        "genomfört – kravet uppfylldes inte" in text
    )
    assert "0 av minst 4 möten 2019" in text
    network = Body.objects.get(slug="chefsgrupp-kultur", period__slug="2019-2022")
    html = Template("{% load meetings %}{% body_meeting_summary body %}").render(
        Context({"body": network})
    )
    assert "Ska återrapportera till KC/RD minst 1 gång per år." in html
    assert "Ingen återrapport är registrerad; den första ska ske senast 1 januari 2020." in html


def body_summary_text(body):
    html = Template("{% load meetings %}{% body_meeting_summary body %}").render(
        Context({"body": body})
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_past_year_of_planned_meetings_never_held_does_not_meet_the_minimum(db, make):
    period = make.period("2021–2024")
    body = make.body(period, "Planeringsrådet", min_meetings_per_year=4)
    for month in (2, 5, 9, 11):
        start = timezone.make_aware(datetime.datetime(2021, month, 10, 9))
        Meeting.objects.create(body=body, start=start, end=start + datetime.timedelta(hours=2))
    text = body_summary_text(body)
    assert "4 av minst 4" not in text
    assert (
        "0 av minst 4 möten 2021 – 4 planerade möten har passerat utan att registreras som "
        "genomförda – kravet uppfylldes inte" in text
    )


def test_this_year_counts_held_meetings_and_those_still_to_come(db, make):
    today = timezone.localdate()
    period = make.period(f"{today.year - 1}–{today.year + 2}")
    body = make.body(period, "Årsrådet", min_meetings_per_year=3)
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    # Meetings must lie within the year for the test to be stable: only run mid-year.
    if not (datetime.date(today.year, 1, 3) < today < datetime.date(today.year, 12, 29)):
        pytest.skip("needs a day in the year before and after today")
    held = now - datetime.timedelta(days=1)
    Meeting.objects.create(body=body, start=held, end=held + hour, status=Meeting.Status.HELD)
    passed = now - datetime.timedelta(days=2)
    Meeting.objects.create(body=body, start=passed, end=passed + hour)
    coming = now + datetime.timedelta(days=1)
    Meeting.objects.create(body=body, start=coming, end=coming + hour)
    text = body_summary_text(body)
    assert (
        f"2 av minst 3 möten {today.year} (varav 1 planerat) – 1 planerat möte har passerat "
        "utan att registreras som genomfört – fler möten behöver planeras" in text
    )


def test_the_person_fragment_lists_attendance(seed):
    person = Person.objects.get(slug="tom-rymoen")
    html = Template("{% load meetings %}{% person_attendance person %}").render(
        Context({"person": person})
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Närvarande eller tjänstgörande vid 0 av 1 möte som ledamot eller ersättare." in text
    assert "29 september 2022 Regionala samverkansrådet (2019–2022)" in text


# --- Query counts: the same on the real data and on 200 meetings × 30 attendances ----------


def many_meetings(make, meetings=200, people=30):
    """A council with ``people`` members and ``meetings`` held meetings with full attendance."""
    period = make.period("2023–2026")
    body = make.body(period, "Stora rådet", min_meetings_per_year=4)
    town = make.organisation("Storstad kommun")
    members = []
    for i in range(people):
        seat = make.seat(body, town, order=i)
        person = make.person("Ledamot", f"Nummer{i}", organisation=town)
        Appointment.objects.create(person=person, seat=seat, start=period.start)
        members.append((person, seat))
    first = timezone.make_aware(datetime.datetime(2023, 1, 10, 9))
    rows = Meeting.objects.bulk_create(
        Meeting(
            body=body,
            start=first + datetime.timedelta(days=5 * i),
            end=first + datetime.timedelta(days=5 * i, hours=2),
            status=Meeting.Status.HELD,
            place=f"Sal {i}",
        )
        for i in range(meetings)
    )
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            person=person,
            seat=seat,
            organisation=town,
            role=Attendance.Role.ORDINARY,
            status=Attendance.Status.PRESENT if (i + j) % 3 else Attendance.Status.ABSENT,
        )
        for i, meeting in enumerate(rows)
        for j, (person, seat) in enumerate(members)
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, number=n, title=f"Ärende {n}", decision="Beslut" * (n % 2))
        for meeting in rows
        for n in range(1, 9)
    )
    return body, rows, members


PAGES = {
    "meeting": lambda meeting, body, person: meeting.get_absolute_url(),
    "calendar list": lambda meeting, body, person: reverse("meetings:calendar") + "?tid=tidigare",
    "calendar month": lambda meeting, body, person: (
        reverse("meetings:calendar") + f"?visa=manad&manad={meeting.day:%Y-%m}"
    ),
    "calendar filtered": lambda meeting, body, person: (
        reverse("meetings:calendar")
        + f"?tid=tidigare&organ={body.slug}&organisation={person.organisation.slug}"
    ),
    "statistics": lambda meeting, body, person: reverse("meetings:statistics"),
    "feed": lambda meeting, body, person: reverse("meetings:feed"),
    "body feed": lambda meeting, body, person: reverse("meetings:body_feed", args=[body.slug]),
    "organisation feed": lambda meeting, body, person: reverse(
        "meetings:organisation_feed", args=[person.organisation.slug]
    ),
}

# Each page's budget: session-free anonymous requests read no auth tables. The meeting
# page and the feeds read the unpublished people's names once, to screen the free text
# (meetings/privacy.py).
BUDGET = {
    # +1: the decisions in the register (meetings/decisions.py).
    "meeting": 5 + 1 + 1,
    "calendar list": 5,
    "calendar month": 4,
    "calendar filtered": 5,
    "statistics": 3,
    "feed": 1 + 1,
    "body feed": 2 + 1,
    "organisation feed": 2 + 1,
}


@pytest.mark.parametrize("name", PAGES)
def test_public_pages_read_few_queries_on_the_real_data(
    client, seed, name, django_assert_max_num_queries
):
    person = Person.objects.get(slug="tom-rymoen")
    url = PAGES[name](seed, seed.body, person)
    with django_assert_max_num_queries(BUDGET[name] + STAMP_QUERIES):
        assert client.get(url).status_code == 200


def test_public_pages_read_the_same_queries_on_large_data(
    client, db, make, django_assert_max_num_queries
):
    """200 meetings × 30 attendances × 8 agenda items, generated once for every page."""
    body, meetings, members = many_meetings(make)
    for name, page in PAGES.items():
        url = page(meetings[100], body, members[0][0])
        with django_assert_max_num_queries(BUDGET[name] + STAMP_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, name


def test_fragments_read_a_fixed_number_of_queries(db, make, django_assert_max_num_queries):
    body, meetings, members = many_meetings(make, meetings=60, people=10)
    person = members[0][0]
    for source, context, budget in (
        ("{% body_meeting_summary body %}", {"body": body}, 4),
        ("{% person_attendance person %}", {"person": person}, 2),
        ("{% upcoming_meetings 5 %}", {}, 1),
    ):
        template = Template("{% load meetings %}" + source)
        with django_assert_max_num_queries(budget):
            template.render(Context(context))


def test_the_large_meeting_page_shows_everyone(client, db, make):
    body, meetings, members = many_meetings(make, meetings=3, people=30)
    text = text_of(client.get(meetings[1].get_absolute_url()))
    assert "Av 30 ledamöter och ersättare på listan" in text
    assert text.count("Storstad kommun Ordinarie ledamot") == 30
    assert Seat.objects.count() == 30
