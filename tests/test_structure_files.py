"""The structure and meeting files as a user meets them: every problem of a file in one
run, each with its place; the limits on what is read; no input ends in a traceback."""

import copy
import datetime
import json
import os
import string

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bodies.models import MandatePeriod, Organisation
from members.officers import OfficerTerm
from samverkan.files import limits, schema, structure_json
from samverkan.files.limits import StructureFileError
from tests.test_structure_json import small

pytestmark = pytest.mark.django_db


def problems_of(data):
    with pytest.raises(StructureFileError) as error:
        structure_json.import_structure(data)
    assert not MandatePeriod.objects.exists(), "a bad file must write nothing"
    return error.value.problems


def test_the_schema_file_is_generated_from_the_models():
    assert schema.PATH.read_text(encoding="utf-8") == schema.text(), (
        "docs/structure.schema.json is stale: run `make schema`"
    )


def every_kind_of_error():
    """small() with one error of every kind the models, the checker and the models of
    the apps know, each at its own place."""
    data = small()
    data["bogus"] = 1  # unknown key at the top
    data["county_parts"].append({"slug": "norra", "name": "Norra igen"})  # duplicate key
    orgs = data["organisations"]
    orgs[1]["code"] = "123"  # full_clean: a kommunkod has four digits
    orgs.append({"slug": "x", "name": "X", "kind": "kommun"})  # bad choice
    orgs.append({"slug": "y", "name": "Y", "kind": "other", "county_part": "sodra"})
    data["parties"][0]["colour"] = "röd"  # unknown key in an entry
    data["periods"].append(
        {"slug": "bakvand", "name": "Bakvänd", "start": "2030-01-01", "end": "2027-01-01"}
    )
    data["people"][0]["party"] = "X"  # unknown party
    data["people"][1]["organisation"] = "okand"  # unknown organisation
    data["people"].append({"slug": "cecilia-c", "first_name": "Cecilia", "last_name": "C"})
    council, group = data["bodies"][1], data["bodies"][2]
    council["min_meetings_per_year"] = "två"  # a type error
    council["lead_organisation"] = "okand-lead"
    council["county_part"] = "okand-del"
    council["members"].append("okand-medlem")
    council["rules"].append({"organisation": "okand-regel", "ordinary": 1})
    council["rules"].append({"ordinary": 2})  # the general rule twice
    seats = council["seats"]
    seats[1]["key"] = "kommunens-plats"  # key not following the order
    seats[1]["appointments"] = [
        {"person": "cecilia-c", "start": "2023-01-01", "end": "2022-01-01"},  # end < start
        {"person": "cecilia-c", "start": "2031-01-01"},  # outside the period
    ]
    seats[2]["appointments"][1]["start"] = "2024-06-01"  # overlaps on the same seat
    seats.append(
        {
            "key": "region-x/substitute/1",
            "organisation": "region-x",
            "role": "substitute",
            "backs": "okand/ordinary/1",  # unknown seat
            # The chair holds a second seat of the same body at the same time.
            "appointments": [{"person": "anna-a", "start": "2023-06-01", "end": "2023-12-31"}],
        }
    )
    seats.append(
        {
            "key": "okand-org/ordinary/1",
            "organisation": "okand-org",  # unknown organisation
            "role": "ordinary",
            "backs": "a-kommun/ordinary/1",  # only a substitute backs a seat
        }
    )
    seats.append(
        {
            "key": "a-kommun/substitute/2",
            "organisation": "a-kommun",
            "role": "substitute",
            "backs": "a-kommun/substitute/1",  # backs a substitute
            "appointments": [{"person": "nobody", "start": "2023-01-01"}],  # unknown person
        }
    )
    group["parent"] = "okand-forälder"  # unknown parent
    group["supports"] = "gruppen"  # points at itself
    data["bodies"] += [
        {"period": "2099", "slug": "z", "name": "Z", "kind": "network"},  # unknown period
        {"period": "2023-2026", "slug": "gruppen", "name": "Igen", "kind": "network"},
        {
            "period": "2019-2022",
            "slug": "a",
            "name": "A",
            "kind": "network",
            "parent": "b",  # a cycle
            "predecessor": {"period": "2023-2026", "body": "radet"},  # not earlier
        },
        {"period": "2019-2022", "slug": "b", "name": "B", "kind": "network", "parent": "a"},
        {
            "period": "2023-2026",
            "slug": "c",
            "name": "C",
            "kind": "network",
            "predecessor": {"period": "1999", "body": "c"},  # unknown period
        },
        {
            "period": "2023-2026",
            "slug": "d",
            "name": "D",
            "kind": "network",
            "predecessor": {"period": "2019-2022", "body": "okand"},  # unknown body
        },
    ]
    return data


EVERY_KIND = [
    "bogus: okänt fält",
    'county_parts[1].slug: "norra" finns redan',
    "organisations[1]: En kommunkod har fyra siffror, till exempel 1880.",
    'organisations[2].kind: "kommun" är inte ett av ',
    'organisations[3].county_part: okänd länsdel "sodra"',
    "parties[0].colour: okänt fält",
    "periods[2].end: perioden måste sluta efter att den börjar",
    'people[0].party: okänd parti "X"',
    'people[1].organisation: okänd organisation "okand"',
    "bodies[1].min_meetings_per_year: ett heltal behövs",
    'bodies[1].lead_organisation: okänd organisation "okand-lead"',
    'bodies[1].county_part: okänd länsdel "okand-del"',
    'bodies[1].members[2]: okänd organisation "okand-medlem"',
    'bodies[1].rules[1].organisation: okänd organisation "okand-regel"',
    "bodies[1].rules[2].organisation: organet har redan en sådan regel",
    'bodies[1].seats[1].key: "kommunens-plats" ska vara "a-kommun/ordinary/1"',
    "bodies[1].seats[1].appointments[0].end: uppdraget kan inte sluta innan det börjar",
    "bodies[1].seats[1].appointments[1].start: datumet ligger utanför mandatperioden",
    "bodies[1].seats[2].appointments[1]: överlappar appointments[0] på samma plats",
    'bodies[1].seats[3].backs: okänd plats "okand/ordinary/1" i organet',
    'bodies[1].seats[3].appointments[0]: "anna-a" har redan en plats i organet '
    "(bodies[1].seats[0].appointments[0]",
    'bodies[1].seats[4].organisation: okänd organisation "okand-org"',
    "bodies[1].seats[4].backs: bara en ersättarplats kan backa en plats",
    'bodies[1].seats[5].backs: "a-kommun/substitute/1" är ingen ordinarie plats',
    'bodies[1].seats[5].appointments[0].person: okänd person "nobody"',
    'bodies[2].parent: okänt organ "okand-forälder" i 2023-2026',
    "bodies[2].supports: ett organ kan inte peka på sig självt",
    'bodies[3].period: okänd mandatperiod "2099"',
    'bodies[4].slug: "gruppen" finns redan i 2023-2026',
    "bodies[5].parent: organet rapporterar i en cirkel till sig självt",
    "bodies[5].predecessor: föregångaren måste höra till en tidigare period",
    "bodies[6].parent: organet rapporterar i en cirkel till sig självt",
    'bodies[7].predecessor: okänd mandatperiod "1999"',
    'bodies[8].predecessor: okänt organ "okand" i 2019-2022',
]


def test_one_run_reports_every_kind_of_error_each_with_its_place():
    problems = problems_of(every_kind_of_error())

    for expected in EVERY_KIND:
        assert any(problem.startswith(expected) for problem in problems), expected
    # Nothing else: no follow-on noise from the errors above.
    assert len(problems) == len(EVERY_KIND), "\n".join(problems)


def write(tmp_path, text, name="struktur.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_toml_file_with_a_reference_a_code_and_an_overlap_wrong_names_all_three(tmp_path):
    # The example: once named only the parent, the next run only the code.
    path = write(
        tmp_path,
        """
format = 1
organisations = [
  { slug = "a", name = "A kommun", kind = "municipality", code = "188" },
]
periods = [{ slug = "p", name = "2023–2026", start = 2023-01-01, end = 2026-12-31 }]
people = [{ slug = "anna", first_name = "Anna", last_name = "A", organisation = "a" }]
[[bodies]]
slug = "kc"
name = "KC"
kind = "network"
periods = ["p"]
parent = "rsr"
seats = [{ organisation = "a" }, { organisation = "a" }]

[[appointments]]
period = "p"
body = "kc"
people = [{ person = "anna" }, { person = "anna", start = 2024-01-01 }]
""",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_structure", path)
    message = str(error.value)
    assert "innehåller 3 fel" in message
    assert 'bodies[0].parent: okänt organ "rsr" i p' in message
    assert "organisations[0]: En kommunkod har fyra siffror" in message
    assert 'appointments[0].people[1]: "anna" har redan en plats i organet' in message
    assert not Organisation.objects.exists()


def test_toml_unknown_keys_and_types_are_located(tmp_path):
    path = write(
        tmp_path,
        """
format = 1
regoin = "stavfel"
periods = [{ slug = "p", name = "P", start = "1 januari 2023", end = 2026-12-31 }]
[[bodies]]
slug = "kc"
name = "KC"
kind = "network"
periods = ["p"]
min_meetings_per_year = "4"
""",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_structure", path)
    message = str(error.value)
    assert "regoin: okänt fält" in message
    assert 'periods[0].start: ett datum som "2023-01-01" behövs' in message
    assert "bodies[0].min_meetings_per_year: ett heltal behövs" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("format = 1\n[[bodies]\n", "(rad 2, kolumn 9): ]] saknas i slutet av en tabellrubrik"),
        ('format = 1\nname = "a', "(i slutet av filen): en sträng tar aldrig slut"),
        ("format = 1\nname = 1 2\n", "går inte att läsa som TOML (rad 2, kolumn 10)"),
        ("format = 1\nx = " + "[" * 25 + "1" + "]" * 25 + "\n", "nästlad för djupt"),
        ("format = 1\nx = " + "[" * 5000 + "\n", "går inte att läsa som TOML"),
        ('format = 1\nregion = "a\x00b"\n', "rad 2, kolumn 12: tecknet NUL är inte tillåtet"),
        ('format = 1\nregion = "a\x1bb"\n', "tecknet U+001B är inte tillåtet"),
    ],
)
def test_an_unreadable_toml_file_is_located_never_a_traceback(tmp_path, text, expected):
    path = tmp_path / "struktur.toml"
    path.write_bytes(text.encode())
    with pytest.raises(CommandError) as error:
        call_command("load_structure", str(path))
    assert expected in str(error.value)


def test_the_commands_refuse_a_file_over_the_size_limit(tmp_path, settings):
    settings.IMPORT_FILE_MAX_BYTES = 100
    path = write(tmp_path, structure_json.dumps(small()), "region.json")
    with pytest.raises(CommandError, match="filen är för stor"):
        call_command("import_structure", path)
    with pytest.raises(CommandError, match="filen är för stor"):
        call_command("load_structure", write(tmp_path, "format = 1\n" + "#" * 200))
    MandatePeriod.objects.create(
        slug="p", name="P", start=datetime.date(2023, 1, 1), end=datetime.date(2026, 12, 31)
    )
    with pytest.raises(CommandError, match="filen är för stor"):
        call_command("load_meetings", write(tmp_path, "format = 1\n" + "#" * 200))


def test_a_non_utf8_file_and_a_bad_escape_are_located():
    with pytest.raises(StructureFileError, match=r"inte kodad som UTF-8 \(byte 3\)"):
        limits.parse(b'{"\xff', "f.json", "json")
    with pytest.raises(StructureFileError, match=r"people\[0\].slug: tecknet U\+0007"):
        limits.parse('{"people": [{"slug": "a\\u0007"}]}', "f.json", "json")


# --- fuzz: any input gives a load or a list of located problems --------------------------

# Each example of the files' fuzz writes to the database: a few dozen per run here,
# FUZZ_EXAMPLES=500 for a longer search.
FUZZ = hypothesis_settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["2023-01-01", "radet", "a-kommun", "anna-a", "2023-2026", "region-x"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(string.ascii_lowercase + "_", max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from paths(item, (*prefix, i))


def small_toml():
    """A small TOML structure file's data, as tomllib gives it."""
    day = datetime.date
    return {
        "format": 1,
        "county_parts": [{"slug": "norra", "name": "Norra"}],
        "organisations": [
            {"slug": "r", "name": "Region", "kind": "region", "code": "18"},
            {"slug": "k", "name": "K kommun", "kind": "municipality", "county_part": "norra"},
        ],
        "parties": [{"abbreviation": "S", "name": "S"}],
        "periods": [
            {"slug": "p", "name": "P", "start": day(2019, 1, 1), "end": day(2022, 12, 31)},
            {"slug": "q", "name": "Q", "start": day(2023, 1, 1), "end": day(2026, 12, 31)},
        ],
        "people": [
            {"slug": "a", "first_name": "A", "last_name": "A", "organisation": "k"},
            {"slug": "b", "first_name": "B", "last_name": "B", "organisation": "r"},
        ],
        "bodies": [
            {
                "slug": "rad",
                "name": "Rådet",
                "kind": "political_council",
                "periods": ["p", "q"],
                "members": ["@municipalities", "r"],
                "rules": [{"ordinary": 1, "substitutes": 1}],
                "seats": [{"organisation": "r", "position": "chair"}],
            },
            {
                "slug": "grp",
                "name": "Gruppen",
                "kind": "officials_group",
                "periods": ["q"],
                "parent": {"q": "rad"},
                "supports": "rad",
            },
        ],
        "appointments": [
            {
                "period": "q",
                "body": "rad",
                "people": [{"person": "a"}, {"person": "b", "position": "chair"}],
            }
        ],
    }


def small_meetings():
    return {
        "format": 1,
        "people": [{"slug": "g", "first_name": "G", "last_name": "G"}],
        "reporting_duties": [{"periods": ["q"], "reports_to": "rad", "bodies": ["grp"]}],
        "meetings": [
            {
                "period": "q",
                "body": "rad",
                "start": datetime.datetime(2024, 3, 1, 9),
                "end": datetime.datetime(2024, 3, 1, 12),
                "status": "held",
                "chair": "b",
                "attendance": [
                    {"person": "a"},
                    {"person": "g", "role": "other", "organisation": "r"},
                ],
                "agenda": [{"number": 1, "title": "Ett", "reports_on": "grp"}],
            }
        ],
    }


ALL_PATHS = list(paths(small()))[1:]
TOML_PATHS = list(paths(small_toml()))[1:]
MEETING_PATHS = list(paths(small_meetings()))[1:]


def mutate(data, changes):
    for path, value in changes:
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if value == "DELETE":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return data


def test_the_small_toml_and_meeting_files_load():
    from samverkan.files import meeting_file, structure_file

    report = structure_file.load(small_toml())
    assert structure_file.summary(report) == (
        "2 organisationer, 2 mandatperioder, 3 organ, 8 platser, 2 personer, 2 uppdrag"
    )
    report = meeting_file.load(small_meetings())
    assert meeting_file.summary(report) == (
        "1 personer, 1 återrapporteringskrav, 1 möten, 1 ärenden, 2 närvaroposter"
    )


def assert_located(problems):
    assert problems
    for problem in problems:
        place, _, message = problem.partition(": ")
        assert place and message, problem


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(ALL_PATHS), json_values | st.just("DELETE")), max_size=4
    )
)
def test_fuzz_a_mutated_structure_file_loads_or_is_located(changes):
    data = mutate(copy.deepcopy(small()), changes)
    try:
        structure_json.import_structure(data, dry_run=True)
    except StructureFileError as error:
        assert_located(error.problems)


@FUZZ
@given(data=st.dictionaries(st.sampled_from(list(small())) | st.text(max_size=6), json_values))
def test_fuzz_any_json_object_is_located(data):
    try:
        structure_json.import_structure(data, dry_run=True)
    except StructureFileError as error:
        assert_located(error.problems)


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_fuzz_any_bytes_parse_or_are_located(raw):
    for fmt in ("json", "toml"):
        try:
            data = limits.parse(raw, "f", fmt)
        except StructureFileError as error:
            assert_located(error.problems)
            continue
        text = json.dumps(data, default=str)
        assert "\x00" not in text


@FUZZ
@given(raw=st.text(alphabet='[]{}="ab1,\n .-#', max_size=120))
def test_fuzz_toml_like_text_loads_or_is_located(raw, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "f.toml"
    path.write_text("format = 1\n" + raw, encoding="utf-8")
    from samverkan.files import meeting_file, structure_file

    for module in (structure_file, meeting_file):
        try:
            data = module.read(path)
            module.load(data)
        except StructureFileError as error:
            assert_located(error.problems)
        finally:
            MandatePeriod.objects.all().delete()


dates = st.dates() | st.datetimes()


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(TOML_PATHS), json_values | dates | st.just("DELETE")),
        max_size=4,
    )
)
def test_fuzz_a_mutated_toml_file_loads_or_is_located(changes):
    from samverkan.files import structure_file

    try:
        with transaction.atomic():
            structure_file.load(mutate(small_toml(), changes))
            transaction.set_rollback(True)
    except StructureFileError as error:
        assert_located(error.problems)


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(MEETING_PATHS), json_values | dates | st.just("DELETE")),
        max_size=4,
    )
)
def test_fuzz_a_mutated_meeting_file_loads_or_is_located(changes):
    from samverkan.files import meeting_file, structure_file

    with transaction.atomic():
        structure_file.load(small_toml())
        try:
            meeting_file.load(mutate(small_meetings(), changes))
        except StructureFileError as error:
            assert_located(error.problems)
        transaction.set_rollback(True)


ROTATION_TOML = """
format = 1
organisations = [{ slug = "a", name = "A kommun", kind = "municipality", code = "1880" }]
periods = [{ slug = "p", name = "2023–2026", start = 2023-01-01, end = 2026-12-31 }]
people = [
  { slug = "anna", first_name = "Anna", last_name = "A", organisation = "a" },
  { slug = "bo", first_name = "Bo", last_name = "B", organisation = "a" },
]
[[bodies]]
slug = "kc"
name = "KC"
kind = "network"
periods = ["p"]
seats = [{ organisation = "a" }, { organisation = "a" }]

[[appointments]]
period = "p"
body = "kc"
people = [
  { person = "anna", officer_terms = [{ role = "chair", start = 2023-01-01, end = END }] },
  { person = "bo", officer_terms = [{ role = "chair", start = 2025-01-01, end = 2026-12-31 }] },
]
"""


def test_a_toml_file_carries_dated_officer_roles(tmp_path):
    call_command("load_structure", write(tmp_path, ROTATION_TOML.replace("END", "2024-12-31")))
    terms = OfficerTerm.objects.order_by("start")
    assert [(t.appointment.person.slug, t.role, t.end) for t in terms] == [
        ("anna", "chair", datetime.date(2024, 12, 31)),
        ("bo", "chair", datetime.date(2026, 12, 31)),
    ]


def test_a_second_chair_at_once_in_a_toml_file_is_located(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("load_structure", write(tmp_path, ROTATION_TOML.replace("END", "2025-06-30")))
    assert (
        'appointments[0].people[1].officer_terms[0]: organet har redan en "chair" då '
        "(appointments[0].people[0].officer_terms[0], 2023-01-01–2025-06-30)"
    ) in str(error.value)
