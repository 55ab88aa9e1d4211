"""The public-field allowlist, in Popolo's vocabulary: a field leaves the registry only if a
schema here names it. Bodies and organisations are Organizations, seats Posts, appointments
Memberships, meetings Events. Every id is a string, as Popolo requires. ``source`` names the
attribute (a dotted path) a field is read from when the names differ."""

import datetime as dt
from typing import Annotated, Any, ClassVar

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator

from bodies import models as structure
from bodies.composition import SeatState
from meetings import decisions
from meetings import models as meetings


def body_id(body: structure.Body | None) -> str | None:
    return f"{body.period.slug}/{body.slug}" if body else None


def minutes_path(meeting: meetings.Meeting) -> str | None:
    return reverse("meetings:minutes", args=[meeting.pk]) if meeting.minutes else None


def contacts(of: Any) -> list[dict[str, str]]:
    """A body's mailbox (a string), or what of a person's contact details is public."""
    pairs = [("email", of)] if isinstance(of, str) else [("email", of.email), ("voice", of.phone)]
    return [{"type": kind, "value": value} for kind, value in pairs if value]


# Ids of related objects, read from the objects; a person only while published.
Id = Annotated[str, BeforeValidator(str)]
OptionalId = Annotated[str | None, BeforeValidator(lambda pk: pk and str(pk))]
SlugOf = Annotated[str | None, BeforeValidator(lambda obj: obj and obj.slug)]
SlugsOf = Annotated[list[str], BeforeValidator(lambda objs: sorted(obj.slug for obj in objs))]
BodyIdOf = Annotated[str | None, BeforeValidator(body_id)]
PartyIdOf = Annotated[str | None, BeforeValidator(lambda party: party and party.abbreviation)]
PublicIdOf = Annotated[
    str | None, BeforeValidator(lambda p: p.slug if p and p.is_published else None)
]
LocalTime = Annotated[dt.datetime, AfterValidator(timezone.localtime)]
# An address on this site, from a path.
Url = Annotated[
    str, AfterValidator(lambda path, info: info.context["request"].build_absolute_uri(path))
]
OrNone = BeforeValidator(lambda value: value or None)
Blank = Annotated[str | None, OrNone]
BlankUrl = Annotated[Url | None, OrNone]
BODY_ID = "A body's id: the period's id and its slug, e.g. 2023-2026/regionala-samverkansradet."
OF_BODY = "The body. " + BODY_ID
CHANGED = "When it or what it holds (e.g. a meeting's agenda) last changed: see changed_since."
CONSENT = "only with the person's consent."
MAILBOX = "The body's public functional mailbox, if it has one."
SCHEMES = {"municipality": "kommunkod", "region": "länskod", "county_board": "länskod"}
SEAT_STATE = (
    "The seat today (kept within its period): filled (someone or an office holds it), vacant "
    "(reported vacant, or its holder left and nobody took over) or unknown (nobody registered "
    "and nothing reported: not the same as vacant)."
)
VACANT_SINCE = "The day the organisation reported the seat vacant; null: not reported."
OFFICER_ROLES = (
    "Chair, vice chair or secretary for dates; on those days they override the seat's position."
)


def source(attribute: str | None, description: str | None = None, default: Any = ...) -> Any:
    return Field(default, validation_alias=attribute, description=description)


def choice(choices: Any, attribute: str | None = None, description: str | None = None) -> Any:
    enum: dict[str, Any] = {"enum": list(choices.values)}
    return Field(validation_alias=attribute, description=description, json_schema_extra=enum)


PAGE = source("get_absolute_url", "The public page.")  # an object's public page


class ContactDetail(Schema):
    type: str = Field(description="email or voice (a phone number).")
    value: str


Contacts = Annotated[list[ContactDetail], BeforeValidator(contacts)]


class Period(Schema):
    id: str = source("slug", "Slug, e.g. 2023-2026.")
    name: str
    start_date: dt.date = source("start")
    end_date: dt.date = source("end")
    status: str = choice(structure.MandatePeriod.Status)
    decision_reference: str
    decided_on: dt.date | None
    url: Url = PAGE
    updated_at: dt.datetime = Field(description=CHANGED)


class CountyPart(Schema):
    id: str = source("slug")
    name: str
    url: Url = PAGE
    updated_at: dt.datetime


class Identifier(Schema):
    scheme: str
    identifier: str


class Organization(Schema):
    id: str = source("slug", "Slug.")
    name: str
    short_name: str
    classification: str = choice(structure.Organisation.Kind, "kind")
    identifiers: list[Identifier]
    county_part_id: SlugOf = source("county_part")
    url: Url = PAGE
    updated_at: dt.datetime

    @staticmethod
    def resolve_identifiers(org: structure.Organisation) -> list[dict[str, str]]:
        identifier = {"scheme": SCHEMES.get(org.kind, "kod"), "identifier": org.code}
        return [identifier] if org.code else []


class Party(Schema):
    id: str = source("abbreviation", "The abbreviation.")
    abbreviation: str
    name: str
    classification: str = Field(json_schema_extra={"enum": ["party"]})
    updated_at: dt.datetime

    resolve_classification: ClassVar = staticmethod(lambda party: "party")


class Rule(Schema):
    organization_id: SlugOf = source("organisation", "Null: the rule for each member.")
    ordinary: int = Field(ge=0)
    substitutes: int = Field(ge=0)


class Body(Schema):
    id: str = Field(description=BODY_ID)
    name: str
    short_name: str
    classification: str = choice(structure.Body.Kind, "kind")
    period_id: str = source("period.slug")
    parent_id: BodyIdOf = source("parent", "The body it reports to.")
    supports_id: BodyIdOf = source("supports", "The council it gives officials' support.")
    predecessor_id: BodyIdOf = source("predecessor", "The same body in an earlier period.")
    purpose: str
    min_meetings_per_year: int | None = Field(ge=0)
    min_members: int | None = Field(ge=0)
    composition_note: str
    legal_basis: str
    closing_note: str
    lead_organization_id: SlugOf = source("lead_organisation")
    county_part_id: SlugOf = source("county_part")
    member_organization_ids: SlugsOf = source("member_organisations")
    rules: list[Rule]
    contact_details: Contacts = source("public_email", MAILBOX, [])
    url: Url = PAGE
    updated_at: dt.datetime

    resolve_id: ClassVar = staticmethod(body_id)


class Post(Schema):
    id: Id = source("pk")
    label: str
    organization_id: BodyIdOf = source("body", OF_BODY)
    on_behalf_of_id: str = source("organisation.slug", "The organization holding the seat.")
    period_id: str = source("body.period.slug")
    role: str = choice(structure.Seat.Role)
    position: str = choice(structure.Seat.Position)
    office: str = source("office_label", "The office holding the seat when no one is named.")
    backs_id: OptionalId = source("backs_id", "The ordinary seat a substitute seat backs.")
    status: str = choice(SeatState, "seat_state", SEAT_STATE)
    vacant_since: dt.date | None = source(None, VACANT_SINCE)
    updated_at: dt.datetime

    resolve_label: ClassVar = staticmethod(
        lambda seat: f"{seat.get_role_display()}, {seat.organisation.name}"
    )


class Person(Schema):
    id: str = source("slug", "Slug.")
    name: str = source("full_name")
    given_name: str = source("first_name")
    family_name: str = source("last_name")
    party_id: PartyIdOf = source("party")
    organization_id: SlugOf = source("organisation", "The organization the person represents.")
    title: str
    # Contact details only where the person consented (Person.public_contact).
    email: Blank = source("public_contact.email", "Work e-mail; " + CONSENT, None)
    image: BlankUrl = source("public_contact.photo_url", "The photo; " + CONSENT, None)
    contact_details: Contacts = source("public_contact", "Work e-mail and phone; " + CONSENT, [])
    url: Url = PAGE
    updated_at: dt.datetime


class OfficerRole(Schema):
    role: str = choice(structure.Seat.Position)
    start_date: dt.date = source("start")
    end_date: dt.date | None = source("end", "Null: until further notice.")


class Membership(Schema):
    id: Id = source("pk")
    person_id: str = source("person.slug")
    organization_id: BodyIdOf = source("seat.body", OF_BODY)
    post_id: Id = source("seat_id")
    on_behalf_of_id: str = source("seat.organisation.slug")
    period_id: str = source("seat.body.period.slug")
    role: str = choice(structure.Seat.Role, "seat.role")
    position: str = choice(structure.Seat.Position, "seat.position")
    start_date: dt.date = source("start")
    end_date: dt.date | None = source("end", "Null: until further notice.")
    officer_roles: list[OfficerRole] = source("officer_terms", OFFICER_ROLES)
    updated_at: dt.datetime


class AgendaItem(Schema):
    number: int
    title: str
    presenters: str
    text: str
    decision: str
    reports_on_id: BodyIdOf = source("reports_on", "The body whose report this is.")


class Attendance(Schema):
    person_id: str = source("person.slug")
    role: str = choice(meetings.Attendance.Role)
    status: str = choice(meetings.Attendance.Status)
    replaces_id: PublicIdOf = source("replaces")
    on_behalf_of_id: SlugOf = source("organisation")


class Meeting(Schema):
    id: Id = source("pk")
    name: str
    organization_id: BodyIdOf = source("body", OF_BODY)
    period_id: str = source("body.period.slug")
    start_date: LocalTime = source("start")
    end_date: LocalTime = source("end")
    location: str = source("place")
    status: str = choice(meetings.Meeting.Status)
    description: str = source("note")
    chair_id: PublicIdOf = source("chair")
    secretary_id: PublicIdOf = source("secretary")
    adjuster_ids: SlugsOf = source("adjusters")
    minutes_approved_on: dt.date | None
    minutes_url: Url | None = source("minutes_path")
    agenda: list[AgendaItem] = source("agenda_items")
    attendance: list[Attendance] = source("attendances")
    url: Url = PAGE
    updated_at: dt.datetime = Field(description=CHANGED)

    resolve_name: ClassVar = staticmethod(lambda meeting: str(meeting))
    resolve_minutes_path: ClassVar = staticmethod(minutes_path)


class FollowUp(Schema):
    organization_id: str = source("organisation.slug", "The addressed organization.")
    status: str = choice(decisions.DecisionResponse.Status)
    date: dt.date | None = source("decided_on", "When it decided or declined.")
    reference: str = Field(description="Its own reference, e.g. a paragraph or file number.")


class Decision(Schema):
    id: Id = source("pk")
    identifier: str = source("number", "The number, e.g. RSR 2024:3 (per body and year).")
    classification: str = choice(decisions.Decision.Kind, "kind")
    title: str
    text: str
    addressee: str = Field(description="To whom it is addressed, as written.")
    organization_id: BodyIdOf = source("body", OF_BODY)
    period_id: str = source("body.period.slug")
    meeting_id: Id = source("meeting_id", "The meeting (Event) it was taken at.")
    date: dt.date = source("meeting.day", "The meeting's day.")
    agenda_item_number: int | None = source("agenda_item.number", "Its agenda item's number.", None)
    status: str = choice(decisions.Decision.Status)
    follow_up_note: str
    follow_up: list[FollowUp] = source("responses", "Per addressed organization.")
    url: Url = PAGE
    updated_at: dt.datetime = Field(description=CHANGED)


class Index(Schema):
    name: str
    version: str
    schema_: str = Field(alias="schema")
    docs: str
    endpoints: dict[str, str]


class Error(Schema):
    error: str


# The objects the docs page describes, in its order.
OBJECTS = ["Period", "CountyPart", "Organization", "Identifier", "Party", "Body", "Rule"]
OBJECTS += ["Post", "ContactDetail", "Person", "Membership", "Meeting", "AgendaItem"]
OBJECTS += ["Attendance", "Decision", "FollowUp", "Index", "Error"]
