"""The JSON structure format: export, import, round trip, idempotence and bad files."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bodies.models import Body, CompositionRule, CountyPart, MandatePeriod, Organisation, Seat
from members.models import Appointment, Party, Person
from members.officers import OfficerTerm
from samverkan.files import structure_json
from samverkan.files.limits import StructureFileError

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "docs" / "structure.schema.json"


def export_text(*periods):
    selected = [MandatePeriod.objects.get(slug=slug).pk for slug in periods] or None
    return structure_json.dumps(structure_json.export(selected, description="Test"))


def empty_database():
    """Delete the whole registry, children first (``flush`` cannot run in a test on PostgreSQL)."""
    Appointment.objects.all().delete()
    Seat.objects.update(backs=None)
    Seat.objects.all().delete()
    CompositionRule.objects.all().delete()
    Body.objects.update(parent=None, supports=None, predecessor=None)
    Body.objects.all().delete()
    for model in (Person, Party, Organisation, CountyPart, MandatePeriod):
        model.objects.all().delete()


def small():
    """A small valid file: two periods, a council with a group below it, three people."""
    return {
        "format": "samverkan-structure",
        "version": 1,
        "description": "Liten testregion",
        "county_parts": [{"slug": "norra", "name": "Norra länsdelen"}],
        "organisations": [
            {"slug": "region-x", "name": "Region X", "kind": "region", "code": "99"},
            {
                "slug": "a-kommun",
                "name": "A kommun",
                "kind": "municipality",
                "code": "9901",
                "county_part": "norra",
            },
        ],
        "parties": [{"abbreviation": "S", "name": "Arbetarepartiet-Socialdemokraterna"}],
        "periods": [
            {"slug": "2019-2022", "name": "2019–2022", "start": "2019-01-01", "end": "2022-12-31"},
            {
                "slug": "2023-2026",
                "name": "2023–2026",
                "start": "2023-01-01",
                "end": "2026-12-31",
                "status": "decided",
            },
        ],
        "people": [
            {"slug": "anna-a", "first_name": "Anna", "last_name": "A", "party": "S"},
            {"slug": "bo-b", "first_name": "Bo", "last_name": "B", "organisation": "a-kommun"},
            {"slug": "cia-c", "first_name": "Cia", "last_name": "C", "organisation": "a-kommun"},
        ],
        "bodies": [
            {"period": "2019-2022", "slug": "radet", "name": "Rådet", "kind": "political_council"},
            {
                "period": "2023-2026",
                "slug": "radet",
                "name": "Rådet",
                "kind": "political_council",
                "predecessor": {"period": "2019-2022", "body": "radet"},
                "members": ["a-kommun", "region-x"],
                "rules": [{"ordinary": 1, "substitutes": 1}],
                "min_meetings_per_year": 2,
                "seats": [
                    {
                        "key": "region-x/ordinary/1",
                        "organisation": "region-x",
                        "role": "ordinary",
                        "position": "chair",
                        # Chair until she moves to the municipality's substitute seat:
                        # one seat of a body at a time.
                        "appointments": [
                            {"person": "anna-a", "start": "2023-01-01", "end": "2024-06-30"}
                        ],
                    },
                    {"key": "a-kommun/ordinary/1", "organisation": "a-kommun", "role": "ordinary"},
                    {
                        "key": "a-kommun/substitute/1",
                        "organisation": "a-kommun",
                        "role": "substitute",
                        "backs": "a-kommun/ordinary/1",
                        "appointments": [
                            {"person": "bo-b", "start": "2023-01-01", "end": "2024-06-30"},
                            {"person": "cia-c", "start": "2024-07-01", "end": None},
                        ],
                    },
                ],
            },
            {
                "period": "2023-2026",
                "slug": "gruppen",
                "name": "Gruppen",
                "kind": "officials_group",
                "parent": "radet",
                "supports": "radet",
            },
        ],
    }


def problems_of(data):
    with pytest.raises(StructureFileError) as error:
        structure_json.import_structure(data)
    assert not MandatePeriod.objects.exists(), "a bad file must write nothing"
    return error.value.problems


# --- round trip and idempotence -------------------------------------------------------


def test_a_round_trip_of_the_orebro_data_gives_the_identical_file(orebro):
    first = export_text()
    empty_database()

    structure_json.import_structure(structure_json.parse(first))

    assert export_text() == first
    assert Body.objects.count() == 54
    assert Seat.objects.count() == 609
    assert Appointment.objects.count() == 34


def test_a_single_period_round_trips_and_leaves_out_predecessors_outside_it(orebro):
    first = export_text("2023-2026")
    data = json.loads(first)
    assert [period["slug"] for period in data["periods"]] == ["2023-2026"]
    assert all("predecessor" not in body for body in data["bodies"])
    empty_database()

    structure_json.import_structure(data)

    assert export_text("2023-2026") == first


def test_importing_the_orebro_export_over_the_loaded_data_changes_nothing(orebro):
    data = json.loads(export_text())

    report = structure_json.import_structure(data)

    assert not report.changed
    assert report.counts[("seat", "unchanged")] == 609
    assert export_text() == structure_json.dumps(data)


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    first = structure_json.import_structure(small())
    second = structure_json.import_structure(small())

    assert first.counts[("body", "created")] == 3
    assert first.counts[("appointment", "created")] == 3
    assert not second.changed
    assert second.counts[("body", "unchanged")] == 3
    assert Appointment.objects.count() == 3


def test_an_import_updates_by_stable_keys():
    structure_json.import_structure(small())
    data = small()
    data["bodies"][1]["purpose"] = "Ett nytt syfte."
    data["bodies"][2]["parent"] = None
    data["bodies"][1]["seats"][2]["appointments"][0]["end"] = "2024-03-31"

    report = structure_json.import_structure(data)

    lines = list(report.lines())
    assert "~ organ: 2023-2026/radet (purpose)" in lines
    assert "~ organ: 2023-2026/gruppen (parent)" in lines
    assert "~ uppdrag: 2023-2026/radet/a-kommun/substitute/1: bo-b från 2023-01-01 (end)" in lines
    assert Body.objects.get(slug="gruppen").parent is None
    assert len(lines) == 3


def test_the_new_term_the_same_person_got_earlier_is_refused_as_an_overlap():
    structure_json.import_structure(small())
    data = small()
    data["bodies"][1]["seats"][2]["appointments"][1]["start"] = "2024-09-01"

    with pytest.raises(StructureFileError) as error:
        structure_json.import_structure(data)

    assert error.value.problems[0].startswith(
        "bodies[1].seats[2].appointments[1]: Platsen innehas redan av Cia C"
    )
    assert Appointment.objects.filter(start="2024-09-01").count() == 0


def test_a_dry_run_writes_nothing_and_says_what_would_change():
    report = structure_json.import_structure(small(), dry_run=True)

    assert not MandatePeriod.objects.exists()
    assert report.counts[("body", "created")] == 3
    assert "+ organ: 2023-2026/gruppen" in list(report.lines())


def test_the_import_keeps_what_the_file_does_not_carry():
    structure_json.import_structure(small())
    Person.objects.filter(slug="bo-b").update(
        email="bo@example.se", phone="070-1", note="intern", is_published=False
    )

    report = structure_json.import_structure(small())

    bo = Person.objects.get(slug="bo-b")
    assert (bo.email, bo.phone, bo.note, bo.is_published) == (
        "bo@example.se",
        "070-1",
        "intern",
        False,
    )
    assert not report.changed


# --- what the export holds -------------------------------------------------------------


def test_the_export_leaves_out_contact_details_and_unpublished_people():
    structure_json.import_structure(small())
    Person.objects.filter(slug="bo-b").update(
        email="bo@example.se", phone="070-1234567", note="intern", is_published=False
    )

    text = export_text()

    assert "bo-b" not in text
    for secret in ("bo@example.se", "070-1234567", "intern", "email", "phone"):
        assert secret not in text
    seat = json.loads(text)["bodies"][1]["seats"][2]
    assert seat["appointments"] == [{"person": "cia-c", "start": "2024-07-01", "end": None}]


def test_seats_are_explicit_with_keys_and_backing():
    structure_json.import_structure(small())

    seats = json.loads(export_text())["bodies"][1]["seats"]

    assert [seat["key"] for seat in seats] == [
        "region-x/ordinary/1",
        "a-kommun/ordinary/1",
        "a-kommun/substitute/1",
    ]
    assert seats[0]["position"] == "chair"
    assert seats[2]["backs"] == "a-kommun/ordinary/1"
    # No seat is generated from the rules: the region has none owed but the rule's.
    assert Seat.objects.count() == 3


def test_the_export_and_the_ostergotland_file_match_the_json_schema(orebro):
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text()))

    validator.validate(json.loads(export_text()))
    validator.validate(json.loads((ROOT / "fixtures" / "ostergotland.json").read_text()))
    validator.validate(small())
    assert not validator.is_valid({**small(), "version": 2})


# --- bad files: every problem with its place, nothing written --------------------------


def test_an_unknown_reference_is_reported_with_its_place():
    data = small()
    data["bodies"][2]["parent"] = "KC/RD"
    data["people"][0]["party"] = "X"
    data["bodies"][1]["seats"][0]["appointments"][0]["person"] = "nobody"
    data["organisations"][1]["county_part"] = "sodra"

    assert problems_of(data) == [
        'organisations[1].county_part: okänd länsdel "sodra"',
        'people[0].party: okänd parti "X"',
        'bodies[1].seats[0].appointments[0].person: okänd person "nobody"',
        'bodies[2].parent: okänt organ "KC/RD" i 2023-2026',
    ]


def test_a_cycle_in_the_tree_is_reported():
    data = small()
    data["bodies"][1]["parent"] = "gruppen"

    assert problems_of(data) == [
        "bodies[1].parent: organet rapporterar i en cirkel till sig självt",
        "bodies[2].parent: organet rapporterar i en cirkel till sig självt",
    ]


def test_overlapping_appointments_to_one_seat_are_reported():
    data = small()
    data["bodies"][1]["seats"][2]["appointments"][1]["start"] = "2024-06-01"

    assert problems_of(data) == [
        "bodies[1].seats[2].appointments[1]: överlappar appointments[0] på samma plats "
        "(2023-01-01–2024-06-30)"
    ]


def test_values_of_the_wrong_type_are_reported():
    data = small()
    data["periods"][0]["start"] = "1 januari 2019"
    data["bodies"][1]["min_meetings_per_year"] = "två"
    data["bodies"][1]["members"] = "a-kommun"
    data["bodies"][0]["name"] = 7
    data["bodies"][1]["seats"][0]["role"] = "boss"
    data["bodies"][1]["purpos"] = "stavfel"
    data["people"][1] = "Bo B"

    # Each in one run, in file order; a bad value is left out and the rest of its
    # entry still checked (bo-b's entry is no object, so the reference to him fails).
    assert problems_of(data) == [
        'periods[0].start: ett datum som "2023-01-01" behövs',
        "people[1]: ett objekt {…} behövs",
        "bodies[0].name: en text behövs",
        "bodies[1].min_meetings_per_year: ett heltal behövs",
        "bodies[1].members: en lista […] behövs",
        "bodies[1].purpos: okänt fält",
        'bodies[1].seats[0].role: "boss" är inte ett av ordinary, substitute',
        'bodies[1].seats[2].appointments[0].person: okänd person "bo-b"',
    ]


def test_missing_fields_and_a_wrong_version_are_reported():
    data = small()
    data["version"] = 2
    del data["bodies"][0]["kind"]
    del data["people"]

    assert problems_of(data) == [
        "version: formatversion 1 behövs",
        "people: saknas",
        "bodies[0].kind: saknas",
        'bodies[1].seats[0].appointments[0].person: okänd person "anna-a"',
        'bodies[1].seats[2].appointments[0].person: okänd person "bo-b"',
        'bodies[1].seats[2].appointments[1].person: okänd person "cia-c"',
    ]


def test_a_truncated_file_is_reported_with_line_and_column():
    text = structure_json.dumps(small())
    with pytest.raises(StructureFileError) as error:
        structure_json.parse(text[: len(text) // 2], "region.json")

    (problem,) = error.value.problems
    assert problem.startswith("region.json: filen är inte giltig JSON (rad ")
    assert "är filen avklippt?" in problem


def test_a_model_error_rolls_the_whole_import_back():
    data = small()
    data["organisations"][1]["code"] = "123"  # a kommunkod has four digits

    with pytest.raises(StructureFileError) as error:
        structure_json.import_structure(data)

    assert error.value.problems == [
        "organisations[1]: En kommunkod har fyra siffror, till exempel 1880."
    ]
    assert not CountyPart.objects.exists()
    assert not Organisation.objects.exists()


def test_a_seat_key_must_follow_the_seat_order():
    data = small()
    data["bodies"][1]["seats"][1]["key"] = "kommunens-plats"

    assert problems_of(data)[0] == (
        'bodies[1].seats[1].key: "kommunens-plats" ska vara "a-kommun/ordinary/1" '
        "(organisation/platstyp/nummer i filens ordning)"
    )


# --- the commands -------------------------------------------------------------------


def test_the_commands_export_import_and_dry_run(tmp_path):
    path = tmp_path / "region.json"
    path.write_text(structure_json.dumps(small()), encoding="utf-8")
    out = io.StringIO()

    call_command("import_structure", str(path), "--dry-run", stdout=out)
    assert "Torrkörning, ingenting sparades" in out.getvalue()
    assert "+ organ: 2023-2026/radet" in out.getvalue()
    assert not MandatePeriod.objects.exists()

    call_command("import_structure", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_structure", str(path), stdout=out)
    assert "är redan inläst; ingenting ändrades" in out.getvalue()

    out = io.StringIO()
    call_command("export_structure", "2023-2026", stdout=out)
    assert json.loads(out.getvalue())["periods"][0]["slug"] == "2023-2026"


def test_the_import_command_lists_every_problem(tmp_path):
    data = copy.deepcopy(small())
    data["bodies"][2]["parent"] = "kc-rd"
    path = tmp_path / "region.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("import_structure", str(path))

    assert "innehåller 1 fel; ingenting sparades" in str(error.value)
    assert 'bodies[2].parent: okänt organ "kc-rd" i 2023-2026' in str(error.value)


def test_the_export_command_refuses_an_unknown_period():
    with pytest.raises(CommandError, match="Okänd mandatperiod: 2031-2034"):
        call_command("export_structure", "2031-2034")


# --- dated officer roles ------------------------------------------------------------------


def with_rotation():
    """small() with a chair rotation: Anna chairs 2023, Bo from 2024 until his term ends."""
    data = small()
    seats = data["bodies"][1]["seats"]
    seats[0]["appointments"][0]["officer_terms"] = [
        {"role": "chair", "start": "2023-01-01", "end": "2023-12-31"}
    ]
    seats[2]["appointments"][0]["officer_terms"] = [
        {"role": "vice_chair", "start": "2023-01-01", "end": "2023-12-31"},
        {"role": "chair", "start": "2024-01-01", "end": "2024-06-30"},
    ]
    return data


def test_officer_terms_round_trip_through_export_and_import():
    report = structure_json.import_structure(with_rotation())

    assert report.counts[("officer_term", "created")] == 3
    terms = OfficerTerm.objects.order_by("start", "role")
    assert [(t.appointment.person.slug, t.role, str(t.start), str(t.end)) for t in terms] == [
        ("anna-a", "chair", "2023-01-01", "2023-12-31"),
        ("bo-b", "vice_chair", "2023-01-01", "2023-12-31"),
        ("bo-b", "chair", "2024-01-01", "2024-06-30"),
    ]
    exported = json.loads(export_text())
    seats = exported["bodies"][1]["seats"]
    assert seats[0]["appointments"][0]["officer_terms"] == [
        {"role": "chair", "start": "2023-01-01", "end": "2023-12-31"}
    ]
    assert not structure_json.import_structure(exported).changed

    empty_database()
    structure_json.import_structure(exported)
    assert export_text() == structure_json.dumps(exported)

    data = with_rotation()  # Bo hands over the chair a month early: only its end changes
    data["bodies"][1]["seats"][2]["appointments"][0]["officer_terms"][1]["end"] = "2024-05-31"
    lines = list(structure_json.import_structure(data).lines())
    assert lines == [
        "~ roller med datum: 2023-2026/radet/a-kommun/substitute/1: bo-b chair från "
        "2024-01-01 (end)"
    ]


def test_a_term_outside_its_appointment_or_a_second_chair_at_once_is_reported():
    data = with_rotation()
    seats = data["bodies"][1]["seats"]
    seats[0]["appointments"][0]["officer_terms"][0]["end"] = "2024-12-31"  # Anna left 06-30
    seats[2]["appointments"][1]["officer_terms"] = [{"role": "vice_chair", "start": "2024-07-01"}]
    seats[2]["appointments"][1]["start"] = "2024-07-01"

    assert problems_of(data) == [
        "bodies[1].seats[0].appointments[0].officer_terms[0]: rollen ligger utanför "
        "uppdraget (2023-01-01–2024-06-30)",
        'bodies[1].seats[2].appointments[0].officer_terms[1]: organet har redan en "chair" '
        "då (bodies[1].seats[0].appointments[0].officer_terms[0], 2023-01-01–2024-12-31)",
    ]
