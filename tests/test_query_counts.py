"""Every public page reads a fixed number of SQL queries, whatever the size of the data.

The same limits hold for a handful of rows and for a registry ten times Örebro's
(tests/bigdata.py), on the biggest pages it has: the body with the most seats, the
person with the most appointments, the organisation with the most seats.
"""

import pytest

from tests import bigdata
from tests.pages import STAMP_QUERIES, freeze_today

pytestmark = pytest.mark.django_db

# Page name → the most queries it may read.
LIMITS = {
    "start": 6,  # two of them for the "min kommun" choice
    "periods": 2,
    # One of them counts how complete the rosters are, in one aggregate.
    "period": 4,
    "period filtered by kind": 4,
    # One of them is "Senast ändrad", read from the history; one the holders' dated
    # officer roles (members/officers.py).
    "body": 16,
    "body on a date": 16,
    "body of a past period": 16,
    "body deep in the tree": 16,
    "person": 6,
    "organisations": 1,
    "organisation": 6,  # one of them: the current period, shown first
    "county parts": 2,
    "county part": 7,
    # The current period, abbreviations, five kinds of result, the unpublished names
    # the agenda items and decisions are screened for.
    "search": 8,
    "period comparison": 7,  # periods, current, bodies, rules, seats, the two charts
    "accessibility": 0,
    # Its feed (not a page) is counted in test_period_changes.
    "period changes": 9,
    # Body and period choices, the count, the page, the unpublished names.
    "decisions": 5,
    "decisions filtered": 5,
}


def pages(data):
    body = data.biggest_body
    return {
        "start": "/",
        "periods": "/perioder/",
        "period": data.current.get_absolute_url(),
        "period filtered by kind": data.current.get_absolute_url() + "?typ=network",
        "body": body.get_absolute_url(),
        "body on a date": body.get_absolute_url() + f"?datum={body.period.start.year + 1}-03-01",
        "body of a past period": data.periods[0]
        .bodies.get(name__startswith="Stora rådet")
        .get_absolute_url(),
        "body deep in the tree": data.current.bodies.order_by("-level").first().get_absolute_url(),
        "person": data.busiest_person.get_absolute_url(),
        "organisations": "/organisationer/",
        "organisation": data.biggest_organisation.get_absolute_url(),
        "county parts": "/lansdelar/",
        "county part": data.biggest_county_part.get_absolute_url(),
        "search": "/sok/?q=a",
        "period comparison": f"/perioder/jamfor/?fran={data.periods[0].slug}"
        f"&till={data.periods[1].slug}",
        "accessibility": "/tillganglighet/",
        "period changes": data.current.get_absolute_url() + "andringar/?fran=2000-01-01",
        "decisions": "/beslut/",
        "decisions filtered": f"/beslut/?organ={body.slug}&typ=recommendation&q=a",
    }


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


def check_every_page(client, data, django_assert_max_num_queries, subtests):
    for name, url in pages(data).items():
        with subtests.test(page=name, url=url):
            with django_assert_max_num_queries(LIMITS[name] + STAMP_QUERIES):
                response = client.get(url)
            assert response.status_code == 200
            # Asked again, unchanged: the cached page for the stamp alone …
            with django_assert_max_num_queries(STAMP_QUERIES):
                again = client.get(url)
            assert again.content == response.content
            # … or a 304 for a browser that has it.
            with django_assert_max_num_queries(STAMP_QUERIES):
                not_modified = client.get(url, headers={"if-none-match": response["ETag"]})
            assert not_modified.status_code == 304


def test_every_public_page_has_a_fixed_query_count_on_small_data(
    client, django_assert_max_num_queries, subtests
):
    data = bigdata.generate(scale=0.02)

    check_every_page(client, data, django_assert_max_num_queries, subtests)


def test_every_public_page_has_the_same_query_count_on_ten_times_oerebro(
    client, django_assert_max_num_queries, subtests
):
    data = bigdata.generate()
    assert data.biggest_body.seats.count() > 150
    assert data.busiest_person.appointments.count() > 100

    check_every_page(client, data, django_assert_max_num_queries, subtests)
