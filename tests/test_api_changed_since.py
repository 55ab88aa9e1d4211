"""Syncing with the API: every object carries updated_at, every list takes ?changed_since=,
and a change to what an object holds (a meeting's agenda, a body's rules) is a change of it."""

import datetime

import pytest
from django.utils import timezone

from bodies.models import Body, CompositionRule, Organisation, Seat
from meetings.models import AgendaItem, Attendance, Meeting
from members.models import Appointment, Person
from tests.pages import STAMP_QUERIES

pytestmark = pytest.mark.django_db

LISTS = ("periods", "county-parts", "organizations", "parties", "bodies", "posts", "people")
LISTS += ("memberships", "meetings")


def changed(client, endpoint, since, **filters):
    response = client.get(f"/api/v1/{endpoint}/", {"changed_since": since, **filters})
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def since(orebro_meetings):
    """A moment after the Örebro data was saved: nothing has changed since."""
    moment = timezone.now().isoformat()
    return moment


@pytest.fixture
def meeting(orebro_meetings):
    return Meeting.objects.get(start__date=datetime.date(2022, 9, 29))


def test_a_system_in_sync_fetches_only_what_changed_since_the_latest_updated_at(client, since):
    bodies = client.get("/api/v1/bodies/?page_size=200").json()["results"]
    latest = max(body["updated_at"] for body in bodies)
    assert changed(client, "bodies", since) == []

    council = Body.objects.get(period__slug="2023-2026", slug="regionala-samverkansradet")
    council.purpose = "Ett nytt syfte."
    council.save()

    # At or after the latest time seen: the changed body, and any seen at that very time.
    fetched = client.get("/api/v1/bodies/", {"changed_since": latest}).json()["results"]
    [body] = [body for body in fetched if body["updated_at"] > latest]
    assert {other["updated_at"] for other in fetched if other != body} <= {latest}
    assert body["id"] == "2023-2026/regionala-samverkansradet"
    assert body["purpose"] == "Ett nytt syfte."
    assert changed(client, "bodies", body["updated_at"]) == [body["id"]]
    for endpoint in LISTS:
        expected = ["2023-2026/regionala-samverkansradet"] if endpoint == "bodies" else []
        assert changed(client, endpoint, since) == expected, endpoint


def test_updated_at_always_has_milliseconds_so_that_times_sort_as_text(client, orebro_meetings):
    # A time on a whole second written as "…:28Z" would sort after "…:27.316Z" and
    # "…:28.316Z" alike: a client taking the largest string would skip changes.
    on_the_second = datetime.datetime(2026, 11, 30, 8, 0, 28, tzinfo=datetime.UTC)
    earlier, later = Body.objects.select_related("period").order_by("pk")[:2]
    Body.objects.filter(pk=earlier.pk).update(updated_at=on_the_second)
    Body.objects.filter(pk=later.pk).update(
        updated_at=on_the_second + datetime.timedelta(microseconds=316_999)
    )

    bodies = client.get("/api/v1/bodies/?page_size=200").json()["results"]
    times = {body["id"]: body["updated_at"] for body in bodies}
    first = times[f"{earlier.period.slug}/{earlier.slug}"]
    second = times[f"{later.period.slug}/{later.slug}"]
    assert (first, second) == ("2026-11-30T08:00:28.000Z", "2026-11-30T08:00:28.316Z")
    assert max(first, second) == second


def test_a_meeting_changes_with_its_agenda_attendance_and_adjusters(client, since, meeting):
    meeting_id = str(meeting.pk)
    other = Meeting.objects.exclude(pk=meeting.pk).get()

    item = meeting.agenda_items.first()
    item.decision = "Rådet beslutar enligt förslaget."
    item.save()
    assert changed(client, "meetings", since) == [meeting_id]

    later = timezone.now().isoformat()
    Attendance.objects.filter(meeting=meeting).first().delete()
    assert changed(client, "meetings", later) == [meeting_id]

    later = timezone.now().isoformat()
    other.adjusters.add(Person.objects.get(slug="andreas-svahn"))
    assert changed(client, "meetings", later) == [str(other.pk)]

    later = timezone.now().isoformat()
    AgendaItem.objects.create(meeting=other, number=99, title="Övrigt")
    assert changed(client, "meetings", later) == [str(other.pk)]


def test_a_body_changes_with_its_rules_and_member_organisations(client, since):
    council = Body.objects.get(period__slug="2023-2026", slug="regionala-samverkansradet")
    nora = Organisation.objects.get(slug="nora-kommun")
    council_id = "2023-2026/regionala-samverkansradet"

    council.member_organisations.remove(nora)
    assert changed(client, "bodies", since) == [council_id]
    assert (
        "nora-kommun"
        not in client.get(f"/api/v1/bodies/{council_id}/").json()["member_organization_ids"]
    )

    later = timezone.now().isoformat()
    nora.member_of.add(council)  # from the organisation's side
    assert changed(client, "bodies", later) == [council_id]

    later = timezone.now().isoformat()
    CompositionRule.objects.filter(body=council).delete()
    assert changed(client, "bodies", later) == [council_id]

    later = timezone.now().isoformat()
    member_of = [f"{body.period.slug}/{body.slug}" for body in nora.member_of.order_by("pk")]
    nora.member_of.clear()
    assert sorted(changed(client, "bodies", later)) == sorted(member_of)
    assert len(member_of) > 1


def test_a_membership_changes_with_its_seat(client, since):
    appointment = Appointment.objects.public().select_related("seat").first()
    seat = appointment.seat
    seat.position = Seat.Position.VICE_CHAIR
    seat.save()

    ids = changed(client, "memberships", since)
    assert ids == [
        str(pk)
        for pk in Appointment.objects.public().filter(seat=seat).values_list("pk", flat=True)
    ]
    assert client.get(f"/api/v1/memberships/{ids[0]}/").json()["position"] == "vice_chair"
    assert changed(client, "posts", since) == [str(seat.pk)]


def test_hiding_a_person_changes_the_meetings_that_named_them(client, since, meeting):
    person = Person.objects.get(slug="andreas-svahn")
    assert person.attendances.filter(meeting=meeting).exists()

    person.is_published = False
    person.save()

    assert changed(client, "meetings", since) == [str(meeting.pk)]
    served = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert "andreas-svahn" not in str(served)
    assert changed(client, "people", since) == []  # gone, not changed


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("2020-01-01", 9),  # a date: from its midnight, Swedish time
        ("2999-12-31", 0),
        ("2999-12-31T08:00", 0),  # no zone: Swedish time
        ("2020-01-01T00:00:00Z", 9),
        ("0001-01-01T00:00:00+14:00", 9),  # far outside any period: everything
        ("9999-12-31T23:59:59-12:00", 0),
    ],
)
def test_changed_since_takes_a_date_or_a_time(client, db, make, value, count):
    period = make.period("2019–2022")
    for number in range(9):
        make.body(period, f"Råd {number}")

    response = client.get("/api/v1/bodies/", {"changed_since": value})

    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "1712000000", "2024-01-01T25:00"])
def test_changed_since_refuses_what_is_not_a_date_or_time(client, db, value):
    response = client.get("/api/v1/meetings/", {"changed_since": value})

    assert response.status_code == 400
    assert "changed_since" in response.json()["error"]


def test_every_list_filters_by_changed_since_in_a_fixed_number_of_queries(
    client, since, django_assert_max_num_queries
):
    # Meetings +1: the unpublished people's names, to screen the free text; memberships
    # +1: their dated officer roles.
    limits = {"bodies": 4, "meetings": 5 + 1, "memberships": 2 + 1}
    Body.objects.filter(slug="regionala-samverkansradet").update(updated_at=timezone.now())
    for endpoint in LISTS:
        with django_assert_max_num_queries(limits.get(endpoint, 2) + STAMP_QUERIES, info=endpoint):
            response = client.get(f"/api/v1/{endpoint}/", {"changed_since": "2000-01-01"})
        assert response.json()["count"] > 0, endpoint
