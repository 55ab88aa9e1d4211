"""The structure file loader and the real Örebro län data it carries."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bodies.models import Body, MandatePeriod, Organisation, Seat
from members.models import Appointment, Person

pytestmark = pytest.mark.django_db

D = datetime.date
OREBRO = Path(__file__).resolve().parent.parent / "fixtures" / "orebro.toml"


def tree(period_slug):
    """The period's forest as a compact string: one line per body, indented by level."""
    bodies = Body.objects.filter(period__slug=period_slug).order_by("tree_id", "lft")
    return "\n".join("  " * body.level + (body.short_name or body.name) for body in bodies)


def test_it_loads_every_organisation_with_its_official_code(orebro):
    municipalities = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    assert municipalities.count() == 12
    assert Organisation.objects.get(name="Örebro kommun").code == "1880"
    assert Organisation.objects.get(name="Laxå kommun").county_part.name == (
        "Södra länsdelen (Sydnärke)"
    )
    assert Organisation.objects.count() == 18


def test_it_loads_three_periods_with_the_proposal_not_current(orebro):
    assert list(MandatePeriod.objects.values_list("name", "status")) == [
        ("2019–2022", "decided"),
        ("2023–2026", "decided"),
        ("2027–2030", "proposed"),
    ]
    assert MandatePeriod.objects.current(on=D(2026, 11, 22)).name == "2023–2026"


def test_the_2023_structure_is_the_2019_structure_with_predecessors(orebro):
    assert tree("2019-2022") == tree("2023-2026")
    assert tree("2023-2026") == "\n".join(
        [
            "Regionala samverkansrådet",
            "  KC/RD",
            "    Chefsgrupp kultur",
            "    Chefsgrupp folkhälsa",
            "    Chefsgrupp social välfärd",
            "    Chefsgrupp skola",
            "    Ledningsgrupp BRO",
            "    Beredningsgruppen för trafik och infrastruktur",
            "    FÖL",
            "    Energi- och klimatnätverket",
            "    Regionala turismutvecklingsgruppen",
            "    Styrgrupp för Digitaliseringsstrategin",
            "  Specifika samverkansrådet för kultur",
            "  Specifika samverkansrådet för folkhälsa",
            "  Specifika samverkansrådet för social välfärd",
            "  Specifika samverkansrådet för skola",
            "Styrgrupp BRO",
            "Partnerskapet",
        ]
    )
    for body in Body.objects.filter(period__slug="2023-2026").select_related("predecessor"):
        assert body.predecessor.period.name == "2019–2022"
        assert body.predecessor.slug == body.slug


def test_each_chefsgrupp_supports_its_council_with_a_region_chair(orebro):
    groups = Body.objects.filter(period__slug="2023-2026", name__startswith="Chefsgrupp")
    assert groups.count() == 4
    for group in groups:
        assert group.supports.name.startswith("Specifika samverkansrådet")
        chair = group.seats.get(position=Seat.Position.CHAIR)
        assert chair.organisation.name == "Region Örebro län"


def test_regionala_samverkansradet_2019_has_its_33_members_as_in_the_minutes(orebro):
    council = Body.objects.get(period__slug="2019-2022", slug="regionala-samverkansradet")
    members = Appointment.objects.filter(seat__body=council).exclude(
        seat__position=Seat.Position.SECRETARY
    )
    assert members.count() == 33
    per_org = {
        org: members.filter(seat__organisation__name=org).count()
        for org in ("Region Örebro län", "Örebro kommun", "Nora kommun")
    }
    assert per_org == {"Region Örebro län": 8, "Örebro kommun": 3, "Nora kommun": 2}
    chair = members.get(seat__position=Seat.Position.CHAIR)
    assert (chair.person.full_name, chair.person.party.abbreviation) == ("Andreas Svahn", "S")
    secretary = Appointment.objects.get(seat__body=council, seat__position="secretary")
    assert secretary.person.full_name == "Tommy Larserö"
    assert Person.objects.get(slug="tom-rymoen").last_name == "Rymoén"


def test_no_person_is_invented_for_seats_the_sources_leave_unnamed(orebro):
    council = Body.objects.get(period__slug="2023-2026", slug="regionala-samverkansradet")
    assert not Appointment.objects.filter(seat__body__period__slug="2023-2026").exists()
    assert council.seats.count() == 34  # 33 members and the secretary, all vacant


def test_specific_councils_follow_their_rule_of_one_ordinary_and_one_substitute(orebro):
    council = Body.objects.get(
        period__slug="2023-2026", slug="specifika-samverkansradet-for-kultur"
    )
    assert council.min_members == 13
    assert council.min_meetings_per_year == 4
    assert council.seats.filter(role=Seat.Role.ORDINARY).count() == 13
    substitutes = council.seats.filter(role=Seat.Role.SUBSTITUTE).select_related("backs")
    assert substitutes.count() == 13
    assert all(s.backs.organisation_id == s.organisation_id for s in substitutes)


def test_kcrd_has_16_participants_shown_by_office(orebro):
    group = Body.objects.get(period__slug="2023-2026", short_name="KC/RD")
    members = group.seats.exclude(position=Seat.Position.SECRETARY)
    assert members.count() == 16
    assert members.filter(office_label="").count() == 0
    assert group.parent.name == "Regionala samverkansrådet"


def test_the_partnership_has_20_officials(orebro):
    partnership = Body.objects.get(period__slug="2023-2026", short_name="Partnerskapet")
    assert partnership.seats.count() == 20


def test_every_body_has_a_purpose(orebro):
    assert not Body.objects.filter(purpose="").exists()


def write(tmp_path, text):
    path = tmp_path / "struktur.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_file_with_bad_references_reports_each_problem_and_writes_nothing(tmp_path, db):
    path = write(
        tmp_path,
        """
format = 1
organisations = [{ slug = "nora", name = "Nora kommun", kind = "kommun" }]
periods = [{ slug = "p", name = "2023–2026", start = 2023-01-01, end = 2026-12-31 }]
[[bodies]]
slug = "kc"
name = "KC/RD"
kind = "officials_group"
periods = ["p"]
parent = "rsr"
members = ["okand"]
""",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_structure", path)
    message = str(error.value)
    assert 'organisations[0].kind: "kommun" är inte ett av' in message
    assert 'bodies[0].parent: okänt organ "rsr" i p' in message
    assert 'bodies[0].members[0]: okänd organisation "okand"' in message
    assert not MandatePeriod.objects.exists()
    assert not Organisation.objects.exists()


def test_a_cycle_in_the_tree_is_reported(tmp_path, db):
    path = write(
        tmp_path,
        """
format = 1
periods = [{ slug = "p", name = "2023–2026", start = 2023-01-01, end = 2026-12-31 }]
bodies = [
  { slug = "a", name = "A", kind = "network", periods = ["p"], parent = "b" },
  { slug = "b", name = "B", kind = "network", periods = ["p"], parent = "a" },
]
""",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_structure", path)
    assert "bodies[0].parent: organet rapporterar i en cirkel till sig självt" in str(error.value)
    assert not Body.objects.exists()


def test_a_model_error_midway_rolls_everything_back(tmp_path, db):
    # Passes the file check but breaks a model rule (a municipality code of 3 digits).
    path = write(
        tmp_path,
        """
format = 1
organisations = [
  { slug = "a", name = "A kommun", kind = "municipality", code = "1880" },
  { slug = "b", name = "B kommun", kind = "municipality", code = "188" },
]
""",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_structure", path)
    assert "organisations[1]: En kommunkod har fyra siffror" in str(error.value)
    assert not Organisation.objects.exists()


def test_broken_toml_gets_a_clear_message(tmp_path, db):
    with pytest.raises(CommandError) as error:
        call_command("load_structure", write(tmp_path, "format = 1\n[[bodies]\n"))
    assert "går inte att läsa som TOML" in str(error.value)


def test_it_refuses_a_database_that_already_has_a_structure(orebro):
    with pytest.raises(CommandError) as error:
        call_command("load_structure", str(OREBRO))
    assert "Databasen innehåller redan en struktur" in str(error.value)
    call_command("load_structure", str(OREBRO), if_empty=True)  # no error, nothing loaded
    assert MandatePeriod.objects.count() == 3
