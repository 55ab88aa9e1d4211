"""Property-based tests of the API against its own OpenAPI schema (schemathesis).

Every operation gets generated requests (paths, filters, pages); every response must
be documented, match its schema and never be a server error. Kept small for CI.
"""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from bodies.models import Seat
from meetings.models import AgendaItem, Attendance, Meeting
from members.models import Person
from samverkan.api import views as api
from tests import factories

EXAMPLES = 30


@pytest.fixture
def api_schema(db):
    """A small registry with one of everything, including a hidden person."""
    period = factories.period("2019–2022")
    part = factories.county_part("Norra")
    region = factories.organisation("Region X", kind="region", code="99")
    town = factories.organisation("A kommun", code="9901", county_part=part)
    council = factories.body(period, "Rådet", lead_organisation=region)
    group = factories.body(
        period, "Gruppen", kind="officials_group", parent=council, supports=council
    )
    council.member_organisations.set([region, town])
    factories.rule(council, ordinary=1, substitutes=1)
    chair = factories.seat(council, region, position=Seat.Position.CHAIR)
    substitute = factories.seat(council, town, role=Seat.Role.SUBSTITUTE)
    factories.seat(group, town, office_label="Kommunchef")
    anna = factories.person("Anna", "Ek", party=factories.party(), organisation=region)
    hidden = factories.person("Hemlig", "Person", email="x@example.se", is_published=False)
    factories.appointment(anna, chair)
    factories.appointment(hidden, substitute, end=datetime.date(2020, 6, 30))
    meeting = factories.meeting(council, datetime.date(2020, 3, 1), place="Eken", chair=anna)
    AgendaItem.objects.create(meeting=meeting, number=1, title="Inledning", reports_on=group)
    Attendance.objects.create(meeting=meeting, person=anna, seat=chair, organisation=region)
    Attendance.objects.create(
        meeting=meeting, person=hidden, role=Attendance.Role.OTHER, organisation=town
    )
    assert Person.objects.public().count() == 1 and Meeting.objects.count() == 1
    # Requests go straight to the WSGI application: keep it from closing the test's
    # connection at the end of each request, as Django's own test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# schemathesis' own pytest integration (from_fixture) does not run on pytest 9 yet, so
# each operation's strategy is run by hypothesis directly, one test per operation.
OPERATIONS = sorted(api.openapi()["paths"])


@pytest.mark.parametrize("path", OPERATIONS)
def test_every_operation_answers_as_its_schema_says(api_schema, path):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate()

    check()
