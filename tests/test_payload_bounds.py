"""Every public page, feed and API list has a bounded size at 100× the Örebro data."""

import time

import pytest
from django.db import transaction

from tests import bigdata


@pytest.fixture(scope="module")
def hundredfold(django_db_setup, django_db_blocker):
    """tests/bigdata.py at scale 10 (1,500 bodies a period), with meetings; rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.perf_counter()
        data = bigdata.generate(scale=10)
        print("generate", time.perf_counter() - started)
        started = time.perf_counter()
        data.meetings = bigdata.add_meetings([data.current], data.busiest_person)
        print("meetings", data.meetings, time.perf_counter() - started)
        yield data
        transaction.set_rollback(True)


PAGES = {
    "start": lambda d: "/",
    "period": lambda d: d.current.get_absolute_url(),
    "body": lambda d: d.biggest_body.get_absolute_url(),
    "person": lambda d: d.busiest_person.get_absolute_url(),
    "organisation": lambda d: d.biggest_organisation.get_absolute_url(),
    "county part": lambda d: d.biggest_county_part.get_absolute_url(),
    "compare": lambda d: f"/perioder/jamfor/?fran={d.periods[0].slug}&till={d.periods[1].slug}",
    "calendar": lambda d: "/moten/",
    "feed": lambda d: "/moten/kalender.ics",
    "statistics": lambda d: "/moten/statistik/",
    "api bodies": lambda d: "/api/v1/organ?page_size=200",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_measure(hundredfold, client, name, django_assert_max_num_queries):
    url = PAGES[name](hundredfold)
    started = time.perf_counter()
    response = client.get(url)
    print(name, url, response.status_code, len(response.content), time.perf_counter() - started)
