"""What a structure or meeting file may hold: one pydantic model per section.

Unknown keys are refused (``extra="forbid"``), types are strict (``"2"`` is no number,
``7`` no text) and every error is located (``bodies[4].min_meetings_per_year: ett
heltal behövs``, see ``check.located``). The JSON structure file's schema,
``docs/structure.schema.json``, is generated from ``Structure`` (``make schema``).

What a schema cannot say – references, the tree, seat keys, overlaps – is checked by
``check.Checker``; what the models of the apps say, by their ``full_clean()``.
"""

import datetime
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from bodies.models import Body, MandatePeriod, Organisation, Seat
from meetings.models import Attendance, Meeting
from members.officers import OfficerTerm

FORMAT = "samverkan-structure"
VERSION = 1
TOML_FORMAT = 1

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: Any) -> datetime.date:
    """A date: an ISO text (JSON) or a TOML date, nothing else (no numbers, no times)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("day", "a date")


def _moment(value: Any) -> datetime.datetime:
    """A TOML date-time (local or with an offset)."""
    if isinstance(value, datetime.datetime):
        return value
    raise PydanticCustomError("moment", "a date-time")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("text", "a text")
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("text", "a text")
    if not value.strip():
        raise PydanticCustomError("empty", "empty")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("whole", "a whole number")
    if value < 0:
        raise PydanticCustomError("negative", "0 or more")
    return value


def _positive(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PydanticCustomError("positive", "a whole number from 1")
    return value


def _per_period(value: Any) -> str | dict[str, str]:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return value
    raise PydanticCustomError("per_period", "a text or {period: text}")


Day = Annotated[
    datetime.date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "pattern": ISO_DATE.pattern, "format": "date"}),
]
Moment = Annotated[datetime.datetime, BeforeValidator(_moment)]
# Non-empty text (slugs, names); any text; a whole number ≥ 0; one ≥ 1.
Name = Annotated[str, BeforeValidator(_name), WithJsonSchema({"type": "string", "minLength": 1})]
Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string"})]
Count = Annotated[int, BeforeValidator(_count), WithJsonSchema({"type": "integer", "minimum": 0})]
Positive = Annotated[
    int, BeforeValidator(_positive), WithJsonSchema({"type": "integer", "minimum": 1})
]


class Section(BaseModel):
    """One entry of a section: unknown keys refused, nothing coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------
# The JSON structure file (docs/structure-json.md)


class CountyPart(Section):
    slug: Name
    name: Name


class OrganisationEntry(Section):
    slug: Name
    name: Name
    short_name: Text | None = None
    kind: Organisation.Kind
    code: Text | None = None
    county_part: Text | None = None


class Party(Section):
    abbreviation: Name
    name: Name


class Period(Section):
    slug: Name
    name: Name
    start: Day
    end: Day
    status: MandatePeriod.Status | None = None
    decision_reference: Text | None = None
    decided_on: Day | None = None


class PersonEntry(Section):
    slug: Name
    first_name: Name
    last_name: Name
    party: Text | None = None
    organisation: Text | None = None
    title: Text | None = None


class Predecessor(Section):
    period: Name
    body: Name


class Rule(Section):
    organisation: Text | None = None
    ordinary: Count = 1
    substitutes: Count = 0


class OfficerTermEntry(Section):
    """A dated officer role of the appointment (members/officers.py): chair, vice chair
    or secretary from ``start`` to ``end`` (absent: until further notice)."""

    role: OfficerTerm.Role
    start: Day
    end: Day | None = None


class AppointmentEntry(Section):
    person: Name
    start: Day
    end: Day | None = None
    appointed_by: Text | None = None
    note: Text | None = None
    officer_terms: list[OfficerTermEntry] = []


class SeatEntry(Section):
    key: Name
    organisation: Name
    role: Seat.Role
    position: Seat.Position | None = None
    office: Text | None = None
    backs: Text | None = None
    appointments: list[AppointmentEntry] = []


class BodyEntry(Section):
    period: Name
    slug: Name
    name: Name
    short_name: Text | None = None
    kind: Body.Kind
    parent: Text | None = None
    supports: Text | None = None
    # Absent: keep the database's; null: none.
    predecessor: Predecessor | None = None
    purpose: Text | None = None
    min_meetings_per_year: Count | None = None
    min_members: Count | None = None
    composition_note: Text | None = None
    legal_basis: Text | None = None
    lead_organisation: Text | None = None
    county_part: Text | None = None
    closing_note: Text | None = None
    members: list[Name] = []
    rules: list[Rule] = []
    seats: list[SeatEntry] = []


class Structure(BaseModel):
    """A region's structure as JSON: ``manage.py export_structure`` / ``import_structure``."""

    model_config = ConfigDict(
        extra="forbid",
        title="Samverkan structure file, version 1",
        json_schema_extra={
            "description": "A region's collaboration structure: organisations, county parts, "
            "parties, mandate periods, published people, and per period the body forest with "
            "composition rules, explicit seats and appointments. See docs/structure-json.md. "
            "Generated from samverkan/files/models.py (make schema). The import checks more "
            "than this schema can say (references, the tree, seat keys, overlapping "
            "appointments) and reports each problem with its place.",
        },
    )

    schema_: StrictStr | None = Field(default=None, alias="$schema")
    format: Literal["samverkan-structure"]
    version: Literal[1]
    description: StrictStr | None = None
    county_parts: list[CountyPart]
    organisations: list[OrganisationEntry]
    parties: list[Party]
    periods: list[Period]
    people: list[PersonEntry]
    bodies: list[BodyEntry]


# The sections of a JSON structure file, in file order, with each entry's model.
SECTIONS: dict[str, type[Section]] = {
    "county_parts": CountyPart,
    "organisations": OrganisationEntry,
    "parties": Party,
    "periods": Period,
    "people": PersonEntry,
    "bodies": BodyEntry,
}


# ---------------------------------------------------------------------------
# The hand-maintained TOML structure file (docs/structure-file.md)


class TomlPerson(PersonEntry):
    published: StrictBool = True


class TomlSeat(Section):
    organisation: Name
    role: Seat.Role = Seat.Role.ORDINARY
    position: Seat.Position = Seat.Position.MEMBER
    office: Text = ""


# A field that is one value for all the body's periods or {period: value}.
PerPeriod = Annotated[
    str | dict[str, str],
    BeforeValidator(_per_period),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "string"}},
            ]
        }
    ),
]


class TomlBody(Section):
    slug: Name
    name: Name
    short_name: Text = ""
    kind: Body.Kind
    periods: list[Name] = Field(min_length=1)
    parent: PerPeriod | None = None
    supports: PerPeriod | None = None
    purpose: Text = ""
    min_meetings_per_year: Count | None = None
    min_members: Count | None = None
    composition_note: Text = ""
    legal_basis: Text = ""
    lead_organisation: Text | None = None
    county_part: Text | None = None
    closing_note: PerPeriod | None = None
    members: list[Name] = []
    rules: list[Rule] = []
    seats: list[TomlSeat] = []


class TomlAppointment(Section):
    person: Name
    organisation: Text | None = None
    role: Seat.Role = Seat.Role.ORDINARY
    position: Seat.Position = Seat.Position.MEMBER
    start: Day | None = None
    end: Day | None = None
    appointed_by: Text = ""
    note: Text | None = None
    officer_terms: list[OfficerTermEntry] = []


class TomlAppointments(Section):
    period: Name
    body: Name
    note: Text = ""
    people: list[TomlAppointment] = []


class TomlStructure(Section):
    format: Literal[1]
    region: Text = ""
    county_parts: list[CountyPart] = []
    organisations: list[OrganisationEntry] = []
    parties: list[Party] = []
    periods: list[Period] = []
    people: list[TomlPerson] = []
    bodies: list[TomlBody] = []
    appointments: list[TomlAppointments] = []


TOML_SECTIONS: dict[str, type[Section]] = {
    "county_parts": CountyPart,
    "organisations": OrganisationEntry,
    "parties": Party,
    "periods": Period,
    "people": TomlPerson,
    "bodies": TomlBody,
    "appointments": TomlAppointments,
}


# ---------------------------------------------------------------------------
# The meeting file (fixtures/orebro-meetings.toml)


class MeetingPerson(Section):
    slug: Name
    first_name: Name
    last_name: Name
    organisation: Text | None = None
    title: Text = ""
    published: StrictBool = True


class Duty(Section):
    periods: list[Name] = Field(min_length=1)
    reports_to: Name
    bodies: list[Name] = []
    times_per_year: Positive = 1
    note: Text = ""


class AttendanceEntry(Section):
    person: Name
    status: Attendance.Status = Attendance.Status.PRESENT
    role: Attendance.Role | None = None
    replaces: Text | None = None
    organisation: Text | None = None


class AgendaEntry(Section):
    number: Positive
    title: Name
    presenters: Text = ""
    text: Text = ""
    decision: Text = ""
    reports_on: Text | None = None
    attachments: list[Name] = []


class MeetingEntry(Section):
    period: Name
    body: Name
    uid: Text | None = None
    start: Moment
    end: Moment
    place: Text = ""
    status: Meeting.Status = Meeting.Status.PLANNED
    chair: Text | None = None
    secretary: Text | None = None
    adjusters: list[Name] = []
    minutes_approved_on: Day | None = None
    note: Text = ""
    attendance: list[AttendanceEntry] = []
    agenda: list[AgendaEntry] = []


class MeetingFile(Section):
    format: Literal[1]
    people: list[MeetingPerson] = []
    reporting_duties: list[Duty] = []
    meetings: list[MeetingEntry] = []


MEETING_SECTIONS: dict[str, type[Section]] = {
    "people": MeetingPerson,
    "reporting_duties": Duty,
    "meetings": MeetingEntry,
}
