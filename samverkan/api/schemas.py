"""What each object of the API holds: the public-field allowlist, in Popolo's vocabulary.

A field leaves the registry only if a schema here names it. Bodies and organisations
are Popolo Organizations, seats Posts, appointments Memberships, meetings Events. Every
id is a string, as Popolo requires, also where it points at another object. ``source``
names the model attribute a field is read from when the names differ.
"""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from bodies import models as structure
from bodies.composition import SeatState
from meetings import decisions
from meetings import models as meetings


def body_id(body: structure.Body | None) -> str | None:
    return f"{body.period.slug}/{body.slug}" if body else None


# Ids of related objects, read from the objects; a person only while published.
Id = Annotated[str, BeforeValidator(str)]
OptionalId = Annotated[str | None, BeforeValidator(lambda pk: pk and str(pk))]
SlugOf = Annotated[str | None, BeforeValidator(lambda obj: obj and obj.slug)]
BodyIdOf = Annotated[str | None, BeforeValidator(body_id)]
PartyIdOf = Annotated[str | None, BeforeValidator(lambda party: party and party.abbreviation)]
PublicIdOf = Annotated[
    str | None, BeforeValidator(lambda p: p.slug if p and p.is_published else None)
]
LocalTime = Annotated[datetime.datetime, AfterValidator(timezone.localtime)]
BODY_ID = "A body's id: the period's id and its slug, e.g. 2023-2026/regionala-samverkansradet."
CHANGED = "When it or what it holds (e.g. a meeting's agenda) last changed: see changed_since."


def _absolute(path: str, info: ValidationInfo) -> str:
    request: HttpRequest = (info.context or {})["request"]
    return request.build_absolute_uri(path)


# An address on this site, from a path; ``url`` is the object's public page.
Url = Annotated[str, AfterValidator(_absolute)]
PAGE = "get_absolute_url"


def source(attribute: str, description: str | None = None) -> Any:
    return Field(validation_alias=attribute, description=description)


def choice(choices: type[Any], attribute: str | None = None) -> Any:
    return Field(validation_alias=attribute, json_schema_extra={"enum": list(choices.values)})


class ContactDetail(Schema):
    type: str = Field(description="email or voice (a phone number).")
    value: str


class Period(Schema):
    id: str = source("slug", "Slug, e.g. 2023-2026.")
    name: str
    start_date: datetime.date = source("start")
    end_date: datetime.date = source("end")
    status: str = choice(structure.MandatePeriod.Status)
    decision_reference: str
    decided_on: datetime.date | None
    url: Url = source(PAGE, "The public page.")
    updated_at: datetime.datetime = Field(description=CHANGED)


class CountyPart(Schema):
    id: str = source("slug")
    name: str
    url: Url = source(PAGE, "The public page.")
    updated_at: datetime.datetime


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
    url: Url = source(PAGE, "The public page.")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_identifiers(org: structure.Organisation) -> list[dict[str, str]]:
        schemes = {"municipality": "kommunkod", "region": "länskod", "county_board": "länskod"}
        return (
            [{"scheme": schemes.get(org.kind, "kod"), "identifier": org.code}] if org.code else []
        )


class Party(Schema):
    id: str = source("abbreviation", "The abbreviation.")
    abbreviation: str
    name: str
    classification: str = Field(json_schema_extra={"enum": ["party"]})
    updated_at: datetime.datetime

    @staticmethod
    def resolve_classification(party: Any) -> str:
        return "party"


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
    member_organization_ids: list[str]
    rules: list[Rule]
    contact_details: list[ContactDetail] = Field(
        [], description="The body's public functional mailbox, if it has one."
    )
    url: Url = source(PAGE, "The public page.")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_id(body: structure.Body) -> str | None:
        return body_id(body)

    @staticmethod
    def resolve_member_organization_ids(body: structure.Body) -> list[str]:
        return sorted(org.slug for org in body.member_organisations.all())

    @staticmethod
    def resolve_contact_details(body: structure.Body) -> list[dict[str, str]]:
        return [{"type": "email", "value": body.public_email}] if body.public_email else []


class Post(Schema):
    id: Id = source("pk")
    label: str
    organization_id: BodyIdOf = source("body", "The body. " + BODY_ID)
    on_behalf_of_id: str = source("organisation.slug", "The organization holding the seat.")
    period_id: str = source("body.period.slug")
    role: str = choice(structure.Seat.Role)
    position: str = choice(structure.Seat.Position)
    office: str = source("office_label", "The office holding the seat when no one is named.")
    backs_id: OptionalId = source("backs_id", "The ordinary seat a substitute seat backs.")
    status: str = Field(
        validation_alias="seat_state",
        description=(
            "The seat today (kept within its period): filled (someone or an office holds "
            "it), vacant (reported vacant, or its holder left and nobody took over) or "
            "unknown (nobody registered and nothing reported: not the same as vacant)."
        ),
        json_schema_extra={"enum": list(SeatState.values)},
    )
    vacant_since: datetime.date | None = source(
        "vacant_since", "The day the organisation reported the seat vacant; null: not reported."
    )
    updated_at: datetime.datetime

    @staticmethod
    def resolve_label(seat: structure.Seat) -> str:
        return f"{seat.get_role_display()}, {seat.organisation.name}"


class Person(Schema):
    id: str = source("slug", "Slug.")
    name: str = source("full_name")
    given_name: str = source("first_name")
    family_name: str = source("last_name")
    party_id: PartyIdOf = source("party")
    organization_id: SlugOf = source("organisation", "The organization the person represents.")
    title: str
    # Contact details only where the person consented (Person.public_contact).
    email: str | None = Field(None, description="Work e-mail; only with the person's consent.")
    image: Url | None = Field(None, description="The photo; only with the person's consent.")
    contact_details: list[ContactDetail] = Field(
        [], description="Work e-mail and phone; only with the person's consent."
    )
    url: Url = source(PAGE, "The public page.")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_email(person: Any) -> str | None:
        return person.public_contact().email or None

    @staticmethod
    def resolve_image(person: Any) -> str | None:
        return person.public_contact().photo_url or None

    @staticmethod
    def resolve_contact_details(person: Any) -> list[dict[str, str]]:
        contact = person.public_contact()
        details = [("email", contact.email), ("voice", contact.phone)]
        return [{"type": kind, "value": value} for kind, value in details if value]


class OfficerRole(Schema):
    role: str = choice(structure.Seat.Position)
    start_date: datetime.date = source("start")
    end_date: datetime.date | None = source("end", "Null: until further notice.")


class Membership(Schema):
    id: Id = source("pk")
    person_id: str = source("person.slug")
    organization_id: BodyIdOf = source("seat.body", "The body. " + BODY_ID)
    post_id: Id = source("seat_id")
    on_behalf_of_id: str = source("seat.organisation.slug")
    period_id: str = source("seat.body.period.slug")
    role: str = choice(structure.Seat.Role, "seat.role")
    position: str = choice(structure.Seat.Position, "seat.position")
    start_date: datetime.date = source("start")
    end_date: datetime.date | None = source("end", "Null: until further notice.")
    officer_roles: list[OfficerRole] = Field(
        validation_alias="officer_terms",
        description="Chair, vice chair or secretary for dates; on those days they override "
        "the seat's position.",
    )
    updated_at: datetime.datetime


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
    organization_id: BodyIdOf = source("body", "The body. " + BODY_ID)
    period_id: str = source("body.period.slug")
    start_date: LocalTime = source("start")
    end_date: LocalTime = source("end")
    location: str = source("place")
    status: str = choice(meetings.Meeting.Status)
    description: str = source("note")
    chair_id: PublicIdOf = source("chair")
    secretary_id: PublicIdOf = source("secretary")
    adjuster_ids: list[str]
    minutes_approved_on: datetime.date | None
    minutes_url: Url | None = source("minutes_path")
    agenda: list[AgendaItem] = source("agenda_items")
    attendance: list[Attendance] = source("attendances")
    url: Url = source(PAGE, "The public page.")
    updated_at: datetime.datetime = Field(description=CHANGED)

    @staticmethod
    def resolve_name(meeting: meetings.Meeting) -> str:
        return str(meeting)

    @staticmethod
    def resolve_adjuster_ids(meeting: meetings.Meeting) -> list[str]:
        return [person.slug for person in meeting.adjusters.all()]

    @staticmethod
    def resolve_minutes_path(meeting: meetings.Meeting) -> str | None:
        return reverse("meetings:minutes", args=[meeting.pk]) if meeting.minutes else None


class FollowUp(Schema):
    organization_id: str = source("organisation.slug", "The addressed organization.")
    status: str = choice(decisions.DecisionResponse.Status)
    date: datetime.date | None = source("decided_on", "When it decided or declined.")
    reference: str = Field(description="Its own reference, e.g. a paragraph or file number.")


class Decision(Schema):
    id: Id = source("pk")
    identifier: str = source("number", "The number, e.g. RSR 2024:3 (per body and year).")
    classification: str = choice(decisions.Decision.Kind, "kind")
    title: str
    text: str
    addressee: str = Field(description="To whom it is addressed, as written.")
    organization_id: BodyIdOf = source("body", "The body. " + BODY_ID)
    period_id: str = source("body.period.slug")
    meeting_id: Id = source("meeting_id", "The meeting (Event) it was taken at.")
    date: datetime.date = source("meeting.day", "The meeting's day.")
    agenda_item_number: int | None = Field(None, description="Its agenda item's number.")
    status: str = choice(decisions.Decision.Status)
    follow_up_note: str
    follow_up: list[FollowUp] = source("responses", "Per addressed organization.")
    url: Url = source(PAGE, "The public page.")
    updated_at: datetime.datetime = Field(description=CHANGED)

    @staticmethod
    def resolve_agenda_item_number(decision: decisions.Decision) -> int | None:
        return decision.agenda_item.number if decision.agenda_item else None


class Index(Schema):
    name: str
    version: str
    schema_: str = Field(alias="schema")
    docs: str
    endpoints: dict[str, str]


class Error(Schema):
    error: str


# The objects the docs page describes, in its order.
OBJECTS = ["Period", "CountyPart", "Organization", "Identifier", "Party", "Body", "Rule", "Post"]
OBJECTS += [
    "ContactDetail",
    "Person",
    "Membership",
    "Meeting",
    "AgendaItem",
    "Attendance",
    "Decision",
    "FollowUp",
]
OBJECTS += ["Index", "Error"]
