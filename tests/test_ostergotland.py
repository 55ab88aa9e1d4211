"""Region Östergötland (seed 004) from fixtures/ostergotland.json: a second region, no code."""

from pathlib import Path

import pytest
from django.core.management import call_command

from bodies.models import Body, Organisation, Seat
from members.models import Person
from samverkan.files import structure_json
from tests.pages import freeze_today, get

pytestmark = pytest.mark.django_db

FILE = Path(__file__).resolve().parent.parent / "fixtures" / "ostergotland.json"
PERIOD = "/perioder/2023-2026/"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def ostergotland(db):
    call_command("import_structure", str(FILE), verbosity=0)


def test_it_imports_the_region_and_its_thirteen_municipalities(ostergotland):
    region = Organisation.objects.get(kind="region")
    assert (region.name, region.code) == ("Region Östergötland", "05")
    codes = Organisation.objects.filter(kind="municipality").values_list("code", "name")
    assert len(codes) == 13
    assert ("0580", "Linköpings kommun") in codes
    assert ("0586", "Mjölby kommun") in codes
    assert not Person.objects.exists(), "the seed names no one: no people are invented"


def test_each_of_the_five_councils_has_its_ledningsgrupp_and_minimum_rules(ostergotland):
    councils = Body.objects.filter(kind=Body.Kind.POLITICAL_COUNCIL)
    assert sorted(councils.values_list("name", flat=True)) == [
        "Samrådet för företagande",
        "Samrådet för kultur",
        "Samrådet för samhällsplanering",
        "Samrådet för strategiska frågor",
        "Samrådet för vård och omsorg",
    ]
    for council in councils:
        group = council.supported_by.get()
        assert group.kind == Body.Kind.OFFICIALS_GROUP
        assert group.name.startswith("Ledningsgruppen för")
        assert council.min_meetings_per_year == 2
        assert "minst en politisk företrädare från respektive kommun" in council.composition_note
        assert "presidiet från Region Östergötland" in council.composition_note
        assert council.member_organisations.count() == 13
        assert Seat.objects.filter(body=council).count() == 14
    strategic = Body.objects.get(slug="samradet-for-strategiska-fragor")
    assert strategic.supported_by.get().short_name == "Kommunchefsgruppen"


def test_the_file_says_which_period_it_stands_for():
    description = structure_json.read(FILE)["description"]
    assert "2023–2026" in description
    assert "2016" in description


def test_it_renders_the_same_public_pages_as_orebro(client, ostergotland):
    start = get(client, "/")
    assert "Strukturen 2023–2026" in start.text
    assert "Samrådet för strategiska frågor" in start.text

    period = get(client, PERIOD)
    assert period.h1
    assert "Ledningsgruppen för kultur" in period.text

    council = get(client, PERIOD + "samradet-for-kultur/")
    assert council.h1 == ["Samrådet för kultur"]
    assert "Linköpings kommun" in council.text
    assert "Presidiet i Region Östergötland" in council.text
    assert "kultur och kreativitet" in council.text

    group = get(client, PERIOD + "ledningsgruppen-for-strategiska-fragor/")
    assert "Samrådet för strategiska frågor" in group.text
    assert "Kommunchef" in group.row_with("Norrköpings kommun")

    organisation = get(client, "/organisationer/norrkopings-kommun/")
    assert organisation.h1 == ["Norrköpings kommun"]
    assert "Samrådet för vård och omsorg" in organisation.text
    assert get(client, "/organisationer/").h1


def test_importing_it_again_changes_nothing_and_it_exports_as_it_is(ostergotland):
    data = structure_json.read(FILE)

    assert not structure_json.import_structure(data).changed
    exported = structure_json.export(description=data["description"])
    assert structure_json.dumps(exported) == FILE.read_text(encoding="utf-8")
