"""No page, feed or API answer grows without limit: each one's bound at 100× Örebro.

The registry is tests/bigdata.py at scale 10 (3 periods × 1,500 bodies, ~33,000 seats,
20,000 people) with four meetings a year for every body of the current period (24,000
meetings) and attendance; it is built once for the module and rolled back at its end.
Each page must stay under 1 MB and read the same bounded number of queries as on
small data (tests/test_query_counts.py, tests/test_api.py, tests/test_meeting_pages.py).
"""

import re

import icalendar
import pytest
from django.db import transaction

from meetings import views as meeting_views
from meetings.models import Meeting
from tests import bigdata
from tests.pages import STAMP_QUERIES
from tests.test_api import LIMITS as API_LIMITS
from tests.test_api import endpoints
from tests.test_query_counts import LIMITS

MEGABYTE = 1024 * 1024


@pytest.fixture(scope="module")
def hundredfold(django_db_setup, django_db_blocker):
    """The 100× registry, made once for the module inside a transaction rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = bigdata.generate(scale=10)
        bigdata.add_meetings([data.current], data.busiest_person)
        yield data
        transaction.set_rollback(True)


def page_urls(data):
    body = data.biggest_body
    return {
        "start": ("/", LIMITS["start"]),
        "period": (data.current.get_absolute_url(), LIMITS["period"]),
        "body": (body.get_absolute_url(), LIMITS["body"]),
        "person": (data.busiest_person.get_absolute_url(), LIMITS["person"]),
        "person, last page of seats": (
            data.busiest_person.get_absolute_url() + "?uppdragssida=999",
            LIMITS["person"],
        ),
        "person, last page of attendance": (
            data.busiest_person.get_absolute_url() + "?motessida=999",
            LIMITS["person"],
        ),
        "organisation": (data.biggest_organisation.get_absolute_url(), LIMITS["organisation"]),
        "county part": (data.biggest_county_part.get_absolute_url(), LIMITS["county part"]),
        "compare": (
            f"/perioder/jamfor/?fran={data.periods[0].slug}&till={data.periods[1].slug}",
            LIMITS["period comparison"],
        ),
        "search": ("/sok/?q=a", LIMITS["search"]),
        "period changes": (
            data.current.get_absolute_url() + "andringar/?fran=2000-01-01",
            LIMITS["period changes"],
        ),
        "calendar": ("/moten/?tid=tidigare", 5),
        "calendar month": ("/moten/?visa=manad&manad=2025-04", 4),
        "statistics": ("/moten/statistik/?ar=2025", 3),
    }


@pytest.mark.django_db
def test_every_page_stays_under_a_megabyte_with_bounded_queries_at_100x(
    hundredfold, client, django_assert_max_num_queries, subtests
):
    for name, (url, queries) in page_urls(hundredfold).items():
        with subtests.test(page=name, url=url):
            with django_assert_max_num_queries(queries + STAMP_QUERIES):
                response = client.get(url)
            assert response.status_code == 200
            assert len(response.content) < MEGABYTE, len(response.content)


@pytest.mark.django_db
def test_every_api_list_and_object_stays_under_a_megabyte_at_100x(
    hundredfold, client, django_assert_max_num_queries, subtests
):
    from members.models import Appointment

    body = hundredfold.biggest_body
    appointment = Appointment.objects.public().filter(seat__body=body).first()
    meeting = Meeting.objects.filter(body__period=hundredfold.current).first()
    urls = endpoints(
        hundredfold.current.bodies.first(),
        appointment.seat,
        appointment.person,
        appointment,
        meeting,
    )
    urls["body"] = f"/api/v1/bodies/{body.period.slug}/{body.slug}/"
    for name, url in urls.items():
        with subtests.test(endpoint=name, url=url):
            with django_assert_max_num_queries(API_LIMITS[name] + STAMP_QUERIES):
                response = client.get(url)
            assert response.status_code == 200
            assert len(response.content) < MEGABYTE, len(response.content)


@pytest.mark.django_db
def test_the_person_page_shows_current_seats_and_pages_the_rest(hundredfold, client):
    person = hundredfold.busiest_person
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Nuvarande uppdrag" in html
    # 50 rows of earlier and later seats, 50 of attendance, and links to the next pages.
    assert 'href="?uppdragssida=2#other-heading"' in html
    assert 'href="?motessida=2#attendance-heading"' in html
    second = client.get(person.get_absolute_url() + "?uppdragssida=2&motessida=3")
    html = second.content.decode()
    assert 'href="?motessida=3&amp;uppdragssida=1#other-heading"' in html
    assert 'href="?uppdragssida=2&amp;motessida=2#attendance-heading"' in html


# The whole calendar at 100× holds at most FEED_MAX_EVENTS meetings of a few hundred
# bytes each: under this many bytes (3.2 MB, 6,000 events, before the cap).
WHOLE_CALENDAR_BOUND = 600 * 1024


@pytest.mark.django_db
def test_the_whole_calendar_feed_keeps_the_nearest_meetings_and_is_built_once_per_stamp(
    hundredfold, client, django_assert_max_num_queries
):
    start = meeting_views.feed_window_start()
    in_window = Meeting.objects.filter(end__gte=start).count()
    assert in_window > 5 * meeting_views.FEED_MAX_EVENTS

    # The meetings, and the unpublished names their texts are screened for.
    with django_assert_max_num_queries(2 + STAMP_QUERIES):
        response = client.get("/moten/kalender.ics")
    assert response.status_code == 200
    assert len(response.content) < WHOLE_CALENDAR_BOUND, len(response.content)
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == meeting_views.FEED_MAX_EVENTS
    # The nearest in time: nothing ahead in this data, so the latest past meetings.
    earliest_kept = min(event.decoded("DTSTART") for event in events)
    kept = [str(event["UID"]).removesuffix("@samverkan") for event in events]
    assert not Meeting.objects.filter(start__gt=earliest_kept).exclude(uid__in=kept).exists()
    assert "närmast i tiden" in str(calendar["X-WR-CALDESC"])

    # ?alla=1 lifts the window, not the cap.
    every = client.get("/moten/kalender.ics?alla=1")
    assert len(every.content) < WHOLE_CALENDAR_BOUND
    assert len(icalendar.Calendar.from_ical(every.content).walk("VEVENT")) == len(events)

    # Built once: the next request is answered from the page cache under the stamp.
    with django_assert_max_num_queries(STAMP_QUERIES):
        again = client.get("/moten/kalender.ics")
    assert again.content == response.content


@pytest.mark.django_db
def test_the_compare_page_pages_its_changes_and_leaves_out_the_large_charts(hundredfold, client):
    url = f"/perioder/jamfor/?fran={hundredfold.periods[0].slug}&till={hundredfold.periods[1].slug}"
    html = client.get(url).content.decode()
    assert "för många för att visa sida vid sida" in html
    assert "compare-trees" not in html
    summary = html.split('id="summary-heading"')[1].split("</section>")[0]
    assert len(re.findall(r"<li>", summary)) <= 100
    assert "sida=2#summary-heading" in html


@pytest.mark.django_db
def test_statistics_show_a_year_and_page_the_bodies(hundredfold, client):
    html = client.get("/moten/statistik/?ar=2025").content.decode()
    assert "Närvarostatistik 2025" in html
    assert "av 1500, i bokstavsordning" in html
    assert 'href="?ar=2025&amp;sida=2#body-heading"' in html
