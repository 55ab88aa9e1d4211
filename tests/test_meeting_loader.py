"""The meeting file loader: every problem reported with its place, nothing half-written."""

import pytest
from django.core.management import CommandError, call_command

from meetings.models import Meeting, ReportingDuty
from members.models import Person

BAD = """
format = 1
people = [
  { slug = "andreas-svahn", first_name = "Andreas", last_name = "Svahn" },
  { slug = "ny-person", first_name = "Ny", last_name = "Person", organisation = "okand" },
]

[[reporting_duties]]
periods = ["2019-2022"]
reports_to = "regional-chefssamverkansgrupp"
bodies = ["chefsgrupp-kultur", "finns-inte"]

[[meetings]]
period = "2019-2022"
body = "regionala-samverkansradet"
start = 2022-09-29T09:00:00
end = 2022-09-29T08:00:00
status = "kanske"
chair = "okand-ordforande"
attendance = [
  { person = "tom-rymoen", status = "absent" },
  { person = "tom-rymoen", status = "borta" },
]

[[meetings.agenda]]
number = 1
title = "Ett"

[[meetings.agenda]]
number = 1
title = ""
"""


def test_the_real_file_loads(orebro):
    call_command("load_meetings", "fixtures/orebro-meetings.toml", verbosity=0)
    assert Meeting.objects.count() == 2
    assert ReportingDuty.objects.count() == 20
    with pytest.raises(CommandError, match="redan möten"):
        call_command("load_meetings", "fixtures/orebro-meetings.toml", verbosity=0)
    call_command("load_meetings", "--if-empty", "fixtures/orebro-meetings.toml", verbosity=0)


def test_every_problem_is_reported_and_nothing_is_written(orebro, tmp_path):
    path = tmp_path / "moten.toml"
    path.write_text(BAD, encoding="utf-8")
    people_before = Person.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("load_meetings", str(path), verbosity=0)
    message = str(error.value)
    for expected in (
        'people[0].slug: "andreas-svahn" finns redan i registret',
        'people[1].organisation: okänd organisation "okand"',
        'reporting_duties[0].bodies[1]: okänt organ "finns-inte" i mandatperioden "2019-2022"',
        "meetings[0].end: mötet måste sluta efter att det börjar",
        'meetings[0].status: "kanske" är inte ett av',
        'meetings[0].chair: okänd person "okand-ordforande"',
        'meetings[0].attendance[1].person: "tom-rymoen" finns redan i närvarolistan',
        'meetings[0].attendance[1].status: "borta" är inte ett av',
        "meetings[0].agenda[1].number: ärende 1 finns redan",
        "meetings[0].agenda[1].title: får inte vara tomt",
    ):
        assert expected in message, expected
    assert Person.objects.count() == people_before
    assert not Meeting.objects.exists() and not ReportingDuty.objects.exists()


def test_a_model_error_rolls_the_whole_load_back(orebro, tmp_path):
    path = tmp_path / "moten.toml"
    path.write_text(
        """
format = 1
people = [{ slug = "gast", first_name = "Gäst", last_name = "Gästsson" }]

[[meetings]]
period = "2019-2022"
body = "regionala-samverkansradet"
start = 2022-09-29T09:00:00
end = 2022-09-29T12:00:00
status = "held"
attendance = [{ person = "gast", status = "present" }]
""",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_meetings", str(path), verbosity=0)
    assert "meetings[0].attendance[0]: Gäst Gästsson har ingen plats som ordinarie ledamot" in (
        str(error.value)
    )
    assert not Person.objects.filter(slug="gast").exists()
    assert not Meeting.objects.exists()


def test_the_structure_must_be_loaded_first(db):
    with pytest.raises(CommandError, match="Läs in strukturfilen först"):
        call_command("load_meetings", "fixtures/orebro-meetings.toml", verbosity=0)
