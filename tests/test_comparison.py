"""Comparing two periods: each kind of change, and the real 2027 proposal."""

import pytest

from bodies import services
from bodies.comparison import compare
from bodies.models import Body, MandatePeriod, Seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def periods(make):
    old = make.period("2023–2026")
    region = make.organisation("Region", kind="region")
    nora = make.organisation("Nora kommun")
    top = make.body(old, "Regionala rådet", min_meetings_per_year=4)
    make.rule(top, ordinary=1)
    make.seat(top, nora)
    council = make.body(
        old, "Kulturrådet", parent=top, closing_note="Frågorna hanteras i Regionala rådet."
    )
    make.body(old, "Skolrådet", parent=top)
    group = make.body(
        old, "Chefsgrupp", kind=Body.Kind.OFFICIALS_GROUP, parent=top, supports=council
    )
    make.body(old, "Nätverket", kind=Body.Kind.NETWORK, parent=group)
    new = services.carry_forward(old, name="2027–2030", slug="2027-2030")
    return old, new, region


def texts(comparison, kind):
    return [change.text for change in comparison.of_kind(kind)]


def test_an_unchanged_copy_has_no_changes(periods):
    old, new, _ = periods
    assert compare(old, new).changes == []


def test_added_and_closed_bodies_read_as_sentences(periods, make):
    old, new, _ = periods
    top = new.bodies.get(slug="regionala-radet")
    new.bodies.get(slug="chefsgrupp").__class__.objects.filter(
        period=new, slug="chefsgrupp"
    ).update(supports=None)
    new.bodies.get(slug="kulturradet").delete()
    make.body(new, "Länsdelsråd Norra", parent=top)
    comparison = compare(old, new)
    assert texts(comparison, "added") == [
        "Länsdelsråd Norra bildas och rapporterar till Regionala rådet."
    ]
    assert texts(comparison, "closed") == [
        "Kulturrådet läggs ned; frågorna hanteras i Regionala rådet."
    ]
    assert texts(comparison, "support") == [
        "Chefsgrupp är inte längre tjänstepersonsstöd för Kulturrådet."
    ]


def test_renamed_moved_and_changed_kind(periods):
    old, new, _ = periods
    network = new.bodies.get(slug="natverket")
    network.name = "Nätverket för digitalisering"
    network.kind = Body.Kind.STEERING_GROUP
    network.save()
    network.move_to(new.bodies.get(slug="regionala-radet"), "last-child")
    comparison = compare(old, new)
    assert texts(comparison, "renamed") == [
        "Nätverket byter namn till Nätverket för digitalisering."
    ]
    assert texts(comparison, "moved") == [
        "Nätverket för digitalisering rapporterar till Regionala rådet i stället för Chefsgrupp."
    ]
    assert texts(comparison, "kind") == [
        "Nätverket för digitalisering blir styrgrupp i stället för nätverk."
    ]


def test_changed_rules_and_seats(periods, make):
    old, new, region = periods
    top = new.bodies.get(slug="regionala-radet")
    top.min_meetings_per_year = 2
    top.save()
    top.rules.update(substitutes=1)
    make.seat(top, region)
    make.seat(top, region, role=Seat.Role.SUBSTITUTE)
    comparison = compare(old, new)
    assert texts(comparison, "meetings") == [
        "Regionala rådet: minst 2 möten per år i stället för 4."
    ]
    assert texts(comparison, "composition") == [
        "Regionala rådet: sammansättningen ändras från varje organisation 1 ordinarie och "
        "0 ersättare till varje organisation 1 ordinarie och 1 ersättare."
    ]
    assert texts(comparison, "seats") == [
        "Regionala rådet: Region får 1 ordinarie plats till.",
        "Regionala rådet: Region får 1 ersättarplats till.",
    ]


def test_the_comparison_takes_a_fixed_number_of_queries(
    periods, make, django_assert_max_num_queries
):
    old, new, region = periods
    top = new.bodies.get(slug="regionala-radet")
    make.body(new, "Länsdelsråd Norra", parent=top)
    make.seat(top, region)
    Body.objects.filter(period=new, slug="natverket").update(name="Nätverket för data")
    # The bodies of both periods, their rules, their seats counted; the texts need none.
    with django_assert_max_num_queries(3):
        comparison = compare(old, new)
        assert [change.text for change in comparison.changes] == [
            "Länsdelsråd Norra bildas och rapporterar till Regionala rådet.",
            "Regionala rådet: Region får 1 ordinarie plats till.",
            "Nätverket byter namn till Nätverket för data.",
        ]


def test_bodies_are_matched_across_a_period_in_between(orebro):
    comparison = compare(
        MandatePeriod.objects.get(slug="2019-2022"), MandatePeriod.objects.get(slug="2027-2030")
    )
    assert len(comparison.of_kind("added")) == 4
    assert len(comparison.of_kind("closed")) == 4
    assert {c.kind for c in comparison.changes} == {"added", "closed", "support"}


def test_the_real_2027_proposal_reads_like_the_memo(orebro):
    comparison = compare(
        MandatePeriod.objects.get(slug="2023-2026"), MandatePeriod.objects.get(slug="2027-2030")
    )
    assert texts(comparison, "added") == [
        "Länsdelsrådet för Norra länsdelen bildas och rapporterar till Regionala samverkansrådet.",
        "Länsdelsrådet för Västra länsdelen bildas och rapporterar till Regionala samverkansrådet.",
        "Länsdelsrådet för Södra länsdelen (Sydnärke) bildas och rapporterar till "
        "Regionala samverkansrådet.",
        "Länsdelsrådet för Örebro bildas och rapporterar till Regionala samverkansrådet.",
    ]
    closed = texts(comparison, "closed")
    assert closed == [
        "Specifika samverkansrådet för kultur läggs ned; frågorna som behöver politisk "
        "avstämning hanteras i Regionala samverkansrådet.",
        "Specifika samverkansrådet för folkhälsa läggs ned; frågorna tas över av de fyra "
        "länsdelsråden för folkhälsa samt vård och omsorg.",
        "Specifika samverkansrådet för social välfärd samt vård och omsorg läggs ned; frågorna "
        "tas över av de fyra länsdelsråden för folkhälsa samt vård och omsorg.",
        "Specifika samverkansrådet för skola, utbildning och kompetensförsörjning läggs ned; "
        "frågorna som behöver politisk avstämning hanteras i Regionala samverkansrådet.",
    ]
    assert len(comparison.of_kind("support")) == 4
    assert {c.kind for c in comparison.changes} == {"added", "closed", "support"}


def test_2019_and_2023_have_the_same_structure(orebro):
    comparison = compare(
        MandatePeriod.objects.get(slug="2019-2022"), MandatePeriod.objects.get(slug="2023-2026")
    )
    assert comparison.changes == []


def test_each_county_part_council_has_its_municipalities_and_the_region(orebro):
    council = Body.objects.get(slug="lansdelsrad-norra")
    assert sorted(council.member_organisations.values_list("name", flat=True)) == [
        "Hällefors kommun",
        "Lindesbergs kommun",
        "Ljusnarsbergs kommun",
        "Nora kommun",
        "Region Örebro län",
    ]
    assert council.seats.count() == 10
    assert council.min_meetings_per_year == 2
    assert council.period.is_proposed
