"""The invariants of DESIGN.md, checked through model validation (every database)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from bodies.models import Body, MandatePeriod, Seat

pytestmark = pytest.mark.django_db


def messages(error):
    return " ".join(error.value.messages)


def test_a_body_cannot_report_to_a_body_in_another_period(make):
    old, new = make.period("2019–2022"), make.period("2023–2026")
    council = make.body(old, "Regionala samverkansrådet")
    body = Body(
        period=new, name="KC/RD", slug="kc-rd", kind=Body.Kind.OFFICIALS_GROUP, parent=council
    )
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "Ett organ kan bara rapportera till ett organ i samma mandatperiod." in messages(error)


def test_a_body_cannot_report_to_a_body_below_it(make):
    period = make.period()
    top = make.body(period, "Rådet")
    child = make.body(period, "Gruppen", parent=top)
    top.parent = child
    with pytest.raises(ValidationError) as error:
        top.full_clean()
    assert "organ under sig" in messages(error)


def test_a_predecessor_must_be_in_an_earlier_period(make):
    old, new = make.period("2019–2022"), make.period("2023–2026")
    later = make.body(new, "Rådet")
    earlier = make.body(old, "Rådet", predecessor=None)
    earlier.predecessor = later
    with pytest.raises(ValidationError) as error:
        earlier.full_clean()
    assert "Föregångaren måste höra till en tidigare mandatperiod." in messages(error)


def test_support_link_stays_within_the_period(make):
    old, new = make.period("2019–2022"), make.period("2023–2026")
    council = make.body(old, "Rådet för kultur")
    group = make.body(new, "Chefsgrupp kultur", kind=Body.Kind.OFFICIALS_GROUP, supports=council)
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "samma mandatperiod" in messages(error)


def test_body_names_are_unique_within_a_period_but_not_across_periods(make):
    old, new = make.period("2019–2022"), make.period("2023–2026")
    make.body(old, "Rådet")
    make.body(new, "Rådet").full_clean()
    duplicate = Body(period=old, name="Rådet", slug="radet-2", kind=Body.Kind.NETWORK)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Det finns redan ett organ med det namnet i perioden." in messages(error)


def test_periods_must_not_overlap_and_must_end_after_they_start(make):
    make.period("2023–2026")
    overlapping = MandatePeriod(
        name="2026–2029",
        slug="2026-2029",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2029, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert "Perioden överlappar 2023–2026." in messages(error)
    backwards = MandatePeriod(
        name="X", slug="x", start=datetime.date(2031, 1, 1), end=datetime.date(2030, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        backwards.full_clean()
    assert "En mandatperiod måste sluta efter att den börjar." in messages(error)


def test_a_proposed_period_never_becomes_current_by_date(make):
    decided = make.period("2023–2026")
    make.period("2027–2030", status=MandatePeriod.Status.PROPOSED)
    assert MandatePeriod.objects.current(on=datetime.date(2024, 5, 1)) == decided
    assert MandatePeriod.objects.current(on=datetime.date(2028, 5, 1)) is None


def test_only_a_substitute_seat_backs_an_ordinary_seat(make):
    body = make.body(make.period())
    org = make.organisation("Nora kommun")
    ordinary = make.seat(body, org)
    other_ordinary = Seat(body=body, organisation=org, backs=ordinary)
    with pytest.raises(ValidationError) as error:
        other_ordinary.full_clean()
    assert "Bara en ersättarplats kan vara ersättare för en ordinarie plats." in messages(error)
    substitute = Seat(body=body, organisation=org, role=Seat.Role.SUBSTITUTE, backs=ordinary)
    substitute.full_clean()


def test_a_substitute_backs_a_seat_in_the_same_body(make):
    period = make.period()
    org = make.organisation()
    elsewhere = make.seat(make.body(period), org)
    substitute = Seat(
        body=make.body(period), organisation=org, role=Seat.Role.SUBSTITUTE, backs=elsewhere
    )
    with pytest.raises(ValidationError) as error:
        substitute.full_clean()
    assert "Den ordinarie platsen måste höra till samma organ." in messages(error)


def test_municipality_codes_have_four_digits(make):
    org = make.organisation("Nora kommun")
    org.code = "188"
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "En kommunkod har fyra siffror, till exempel 1880." in messages(error)


def test_deleting_a_body_with_seats_is_refused(make):
    body = make.body(make.period())
    make.seat(body, make.organisation())
    with pytest.raises(ProtectedError):
        body.delete()


def test_deleting_a_period_with_bodies_is_refused(make):
    period = make.period()
    make.body(period)
    with pytest.raises(ProtectedError):
        period.delete()


def test_deleting_a_body_with_children_is_refused(make):
    period = make.period()
    parent = make.body(period)
    make.body(period, parent=parent)
    with pytest.raises(ProtectedError):
        parent.delete()


def test_a_period_cannot_take_the_address_of_the_comparison_page():
    period = MandatePeriod(
        name="Jämför",
        slug="jamfor",
        start=datetime.date(2031, 1, 1),
        end=datetime.date(2034, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        period.full_clean()
    assert "Adressen är upptagen av en annan sida; välj en annan." in messages(error)
