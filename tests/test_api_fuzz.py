"""Query-string fuzz of every API address: random, unknown and garbage parameters (NUL
characters, odd Unicode, huge numbers, far-off dates) never give a server error.

The schemathesis run (test_api_schemathesis.py) sends what the schema allows; this
sends what it does not. Runs on SQLite and PostgreSQL (where a NUL in a query is an
error of the database, not of the filter).
"""

import datetime
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bodies.models import Seat
from meetings.models import Attendance
from samverkan.api.views import openapi
from tests import factories

LISTS = [path for path in openapi()["paths"] if "{" not in path]
DETAILS = [path for path in openapi()["paths"] if "{" in path]
NAMES = sorted(
    {
        parameter["name"]
        for item in openapi()["paths"].values()
        for parameter in item["get"].get("parameters", [])
        if parameter["in"] == "query"
    }
)
GARBAGE = [
    "\x00",
    "a\x00b",
    "",
    " ",
    "-1",
    "0",
    "99999999999999999999999",
    "1e9",
    "NaN",
    "2022-09-29",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59-12:00",
    "2022-02-30",
    "2023-2026/",
    "/",
    "%",
    "'; DROP TABLE bodies_body; --",
    "\ud7ff\ue000\U0010ffff",
    "Örebro",
    "x" * 3000,
]
values = st.one_of(st.sampled_from(GARBAGE), st.text(max_size=40))
names = st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=12))
queries = st.lists(st.tuples(names, values), max_size=5)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def registry(db):
    """One of everything, enough for every filter to reach the database."""
    period = factories.period("2019–2022")
    part = factories.county_part("Norra")
    town = factories.organisation("A kommun", code="9901", county_part=part)
    council = factories.body(period, "Rådet", lead_organisation=town)
    council.member_organisations.set([town])
    seat = factories.seat(council, town, position=Seat.Position.CHAIR)
    anna = factories.person("Anna", "Ek", party=factories.party(), organisation=town)
    factories.appointment(anna, seat)
    meeting = factories.meeting(council, datetime.date(2020, 3, 1), chair=anna)
    Attendance.objects.create(meeting=meeting, person=anna, seat=seat, organisation=town)


def encoded(query):
    # Surrogates cannot be sent as UTF-8: the client sends what a browser would.
    return "&".join(
        quote(name.encode("utf-8", "replace"), safe="")
        + "="
        + quote(value.encode("utf-8", "replace"), safe="")
        for name, value in query
    )


def check(client, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    assert response["Content-Type"] == "application/json", url
    if response.status_code != 200:
        assert response.json()["error"], url


@pytest.mark.parametrize("path", LISTS)
def test_no_query_string_makes_a_list_fail(client, registry, path):
    @given(query=queries)
    @FUZZ
    def fuzz(query):
        check(client, f"{path}?{encoded(query)}")

    fuzz()


@pytest.mark.parametrize("path", DETAILS)
def test_no_address_or_query_string_makes_an_object_fail(client, registry, path):
    segment = st.one_of(st.sampled_from(GARBAGE), st.text(min_size=1, max_size=20))

    @given(key=segment, query=queries)
    @FUZZ
    def fuzz(key, query):
        address = path
        for name in ("{slug}", "{period}", "{abbreviation}", "{id}"):
            address = address.replace(name, quote(key.encode("utf-8", "replace"), safe=""))
        check(client, f"{address}?{encoded(query)}")

    fuzz()
