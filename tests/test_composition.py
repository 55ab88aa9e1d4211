"""Composition rules are data, and the check reports vacancies and missing seats."""

import datetime

import pytest

from bodies.models import Body, Seat

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def council(make):
    period = make.period("2023–2026")
    council = make.body(period, "Specifika samverkansrådet för kultur", min_members=3)
    region = make.organisation("Region Örebro län", kind="region")
    nora = make.organisation("Nora kommun")
    laxa = make.organisation("Laxå kommun")
    council.member_organisations.set([region, nora, laxa])
    make.rule(council, ordinary=1, substitutes=1)
    return council


def composition(body, on=None):
    return (
        Body.objects.prefetch_related("seats__appointments", "rules", "member_organisations")
        .get(pk=body.pk)
        .composition(on=on)
    )


def test_it_lists_every_organisation_missing_its_seats(council):
    report = composition(council)
    assert [(m.organisation.name, m.ordinary, m.substitutes) for m in report.missing] == [
        ("Laxå kommun", 1, 1),
        ("Nora kommun", 1, 1),
        ("Region Örebro län", 1, 1),
    ]
    assert report.too_few_members == 3
    assert not report.is_complete


def test_an_organisation_specific_rule_overrides_the_general_one(council, make):
    region = council.member_organisations.get(name="Region Örebro län")
    make.rule(council, organisation=region, ordinary=2)
    make.seat(council, region)
    report = composition(council)
    region_missing = next(m for m in report.missing if m.organisation == region)
    assert (region_missing.ordinary, region_missing.substitutes) == (1, 0)


def test_seats_without_a_holder_or_office_are_vacant(council, make):
    nora = council.member_organisations.get(name="Nora kommun")
    held = make.seat(council, nora)
    make.appointment(make.person(), held, start=D(2023, 1, 1), end=D(2023, 12, 31))
    by_office = make.seat(council, nora, role=Seat.Role.SUBSTITUTE, office_label="Kommundirektör")
    assert composition(council, on=D(2023, 6, 1)).vacant == []
    assert [seat.pk for seat in composition(council, on=D(2024, 1, 1)).vacant] == [held.pk]
    assert by_office not in composition(council, on=D(2024, 1, 1)).vacant


def test_a_secretary_seat_does_not_count_as_a_member(council, make):
    for org in council.member_organisations.all():
        make.seat(council, org)
        make.seat(council, org, role=Seat.Role.SUBSTITUTE)
    make.seat(council, council.member_organisations.first(), position=Seat.Position.SECRETARY)
    report = composition(council)
    assert report.missing == []
    assert report.ordinary_count == 3
    assert report.too_few_members == 0
