"""Dated officer roles: a chair rotation recorded with dates, shown on the roster as of a day;
Seat.position stays the default."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from bodies.models import Body, Seat
from members.models import OfficerTerm

D = datetime.date


@pytest.fixture
def council(db, make):
    period = make.period()
    body = make.body(period, "Rådet för äldre")
    region, town = (
        make.organisation("Region Mellan", kind="region"),
        make.organisation("Åby kommun"),
    )
    chair_seat = make.seat(body, region, position=Seat.Position.CHAIR)
    town_seat = make.seat(body, town)
    anna = make.appointment(make.person("Anna", "Ordförande"), chair_seat)
    bo = make.appointment(make.person("Bo", "Kommunal"), town_seat)
    return body, anna, bo


def roster_positions(body, day):
    body = Body.objects.for_body_page().get(pk=body.pk)
    return {
        cell.holders[0].person.first_name: cell.position
        for group in body.roster(day)
        for row in group.rows
        for cell in [row.ordinary]
        if cell and cell.holders
    }


def test_without_terms_the_seat_position_is_the_role(council):
    body, _anna, _bo = council
    assert roster_positions(body, D(2024, 5, 1)) == {"Anna": "chair", "Bo": "member"}


def test_a_chair_rotation_shows_the_chair_of_each_day(council):
    body, anna, bo = council
    OfficerTerm.objects.create(
        appointment=anna, role="chair", start=D(2023, 1, 1), end=D(2024, 12, 31)
    )
    OfficerTerm.objects.create(appointment=bo, role="chair", start=D(2025, 1, 1))
    assert roster_positions(body, D(2024, 5, 1)) == {"Anna": "chair", "Bo": "member"}
    assert roster_positions(body, D(2025, 5, 1)) == {"Anna": "member", "Bo": "chair"}


def test_the_body_page_as_of_a_day_shows_that_days_chair(client, council):
    body, _anna, bo = council
    OfficerTerm.objects.create(appointment=bo, role="vice_chair", start=D(2025, 1, 1))
    before = client.get(body.get_absolute_url(), {"datum": "2024-05-01"}).content.decode()
    after = client.get(body.get_absolute_url(), {"datum": "2025-05-01"}).content.decode()
    assert "Vice ordförande" not in before
    assert "Vice ordförande" in after


def test_two_chairs_at_once_are_refused(council):
    _body, anna, bo = council
    OfficerTerm.objects.create(
        appointment=anna, role="chair", start=D(2023, 1, 1), end=D(2024, 12, 31)
    )
    clash = OfficerTerm(appointment=bo, role="chair", start=D(2024, 6, 1))
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert error.value.messages == [
        "Anna Ordförande är redan ordförande i organet under en del av tiden. "
        "Avsluta den rollen först."
    ]
    OfficerTerm(appointment=bo, role="chair", start=D(2025, 1, 1)).full_clean()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_two_chairs_at_once_on_postgresql(council):
    """Bypassing validation (as a race between two saves would) still cannot make two
    chairs, nor give one appointment two roles at once."""
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraints exist on PostgreSQL only")
    _body, anna, bo = council
    OfficerTerm.objects.create(
        appointment=anna, role="chair", start=D(2023, 1, 1), end=D(2024, 12, 31)
    )
    with (
        pytest.raises(IntegrityError, match="officer_term_one_holder_per_role"),
        transaction.atomic(),
    ):
        OfficerTerm.objects.create(appointment=bo, role="chair", start=D(2024, 12, 31))
    with (
        pytest.raises(IntegrityError, match="officer_term_one_role_per_appointment"),
        transaction.atomic(),
    ):
        OfficerTerm.objects.create(appointment=anna, role="secretary", start=D(2024, 6, 1))
    OfficerTerm.objects.create(appointment=bo, role="chair", start=D(2025, 1, 1))
    assert OfficerTerm.objects.get(appointment=bo).body == anna.body


def test_a_term_lies_within_its_appointment_and_ends_after_it_starts(council):
    _body, anna, _bo = council
    anna.end = D(2024, 12, 31)
    anna.save()
    late = OfficerTerm(appointment=anna, role="chair", start=D(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        late.full_clean()
    assert error.value.message_dict["start"] == [
        "Rollen måste ligga inom uppdraget (1 januari 2023 – 31 december 2024)."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerTerm.objects.create(
            appointment=anna, role="chair", start=D(2024, 2, 1), end=D(2024, 1, 1)
        )


def test_one_appointment_holds_one_role_at_a_time(council):
    _body, anna, _bo = council
    OfficerTerm.objects.create(appointment=anna, role="chair", start=D(2023, 1, 1))
    second = OfficerTerm(appointment=anna, role="secretary", start=D(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert error.value.messages == ["Uppdraget har redan en roll under en del av tiden."]


def test_terms_are_kept_in_history(council):
    _body, anna, _bo = council
    term = OfficerTerm.objects.create(appointment=anna, role="chair", start=D(2023, 1, 1))
    term.end = D(2024, 6, 30)
    term.save()
    assert [h.end for h in term.history.order_by("history_date")] == [None, D(2024, 6, 30)]


def test_only_the_registry_secretary_edits_terms_in_the_admin(client, council, roles):
    body, anna, _bo = council
    url = reverse("admin:members_appointment_change", args=[anna.pk])
    client.force_login(roles("reg", registry_secretary=True))
    assert "officer_terms-TOTAL_FORMS" in client.get(url).content.decode()
    editor = roles("region", organisations=[anna.seat.organisation])
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert "officer_terms-TOTAL_FORMS" not in page.content.decode()


def test_the_body_page_reads_one_query_more_for_the_terms_whatever_their_number(
    client, make, council, django_assert_num_queries
):
    body, anna, bo = council
    client.get(body.get_absolute_url())  # warm: sessions, caches of the site
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(body.get_absolute_url())
    for n in range(10):
        OfficerTerm.objects.create(
            appointment=anna if n % 2 else bo,
            role="secretary",
            start=D(2023, 1, 1) + datetime.timedelta(days=40 * n),
            end=D(2023, 1, 1) + datetime.timedelta(days=40 * n + 30),
        )
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(body.get_absolute_url())
    assert len(many) == len(few)


def test_the_api_gives_each_membership_its_dated_roles(client, council):
    _body, anna, bo = council
    OfficerTerm.objects.create(appointment=bo, role="chair", start=D(2025, 1, 1))
    one = client.get(f"/api/v1/memberships/{bo.pk}/").json()
    assert one["position"] == "member"  # the seat's default stays
    assert one["officer_roles"] == [{"role": "chair", "start_date": "2025-01-01", "end_date": None}]
    listed = client.get("/api/v1/memberships/").json()["results"]
    assert {row["id"]: row["officer_roles"] for row in listed}[str(anna.pk)] == []


def test_the_roster_export_shows_the_role_of_the_day(client, council):
    body, _anna, bo = council
    OfficerTerm.objects.create(appointment=bo, role="chair", start=D(2025, 1, 1))
    url = f"/perioder/{body.period.slug}/{body.slug}/ledamoter.csv"
    before = client.get(url, {"datum": "2024-05-01"}).content.decode("utf-8-sig")
    after = client.get(url, {"datum": "2025-05-01"}).content.decode("utf-8-sig")
    assert ";Ordförande;Anna Ordförande;" in before and ";Ledamot;Bo Kommunal;" in before
    assert ";Ledamot;Anna Ordförande;" in after and ";Ordförande;Bo Kommunal;" in after
