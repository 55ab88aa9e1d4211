"""The query parameters of each list: ninja validates (a bad value is a 400) and documents
them. A field named like an ORM lookup filters by it (its alias is the parameter);
``filter_<field>`` methods build the other conditions. An empty value filters nothing."""

import datetime
import re
from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, FilterSchema, Schema
from ninja.pagination import PaginationBase
from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

from bodies.models import Membership, Seat
from members.models import Appointment

# Times far outside any mandate period would overflow: at these bounds they filter the same.
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC)
ONE_DAY = datetime.timedelta(days=1)


def _day(value: Any) -> Any:
    if isinstance(value, str) and value and not re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise PydanticCustomError("day", "must be a date like 2022-09-29")
    return value or None


def _moment(value: Any) -> Any:
    if not (isinstance(value, str) and value):
        return value or None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        message = "must be a date or a time like 2026-01-31 or 2026-01-31T08:00:00+01:00"
        raise PydanticCustomError("moment", message) from None
    return _utc(timezone.make_aware(moment) if timezone.is_naive(moment) else moment)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return min(max(moment, EARLIEST), LATEST).astimezone(datetime.UTC)  # any offset to UTC


OrNone = BeforeValidator(lambda value: value or None)
Text = Annotated[Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")] | None, OrNone]  # no NUL
Digits = Annotated[Annotated[str, StringConstraints(pattern="^[0-9]{1,18}$")] | None, OrNone]
Day = Annotated[datetime.date | None, BeforeValidator(_day)]
# The moments a day starts and ends in Swedish time, in UTC.
DayStart = Annotated[Day, AfterValidator(lambda day: day and local_midnight(day))]
DayEnd = Annotated[Day, AfterValidator(lambda day: day and local_midnight(day) + ONE_DAY)]
Moment = Annotated[datetime.datetime | datetime.date | None, BeforeValidator(_moment)]


def param(description: str, name: str | None = None) -> Any:
    return Field(None, alias=name, description=description)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return _utc(datetime.datetime.combine(day, datetime.time(), timezone.get_current_timezone()))


def body_q(prefix: str, value: str | None) -> Q:  # an id like 2023-2026/regionala-samverkansradet
    period, _, slug = (value or "").partition("/")
    return Q(**{f"{prefix}period__slug": period, f"{prefix}slug": slug})


class Listed(FilterSchema):
    """What every list takes."""

    updated_at__gte: Moment = param(
        "Only what changed at or after this time, e.g. 2026-01-31 or 2026-01-31T08:00:00+01:00 "
        "(Swedish time if no zone is given): the latest updated_at you have seen.",
        "changed_since",
    )


class InBodies(Listed):  # bodies and what belongs to one, at ``body_path``
    body_path: ClassVar[str] = ""
    period: Text = param("A period's id, e.g. 2023-2026.")
    body: Text = param("A body's id, e.g. 2023-2026/regionala-samverkansradet.")

    def filter_period(self, slug: str | None) -> Q:
        return Q(**{f"{self.body_path}period__slug": slug})

    def filter_body(self, value: str | None) -> Q:
        return body_q(self.body_path, value)


class TakesPart(InBodies):  # bodies and meetings, by the organisations taking part
    organization: Text = param("An organization's id: where it has a seat, is a member or leads.")
    county_part: Text = param(
        "A county part's id, e.g. norra: its own bodies and those where its "
        "municipalities have a seat or are members."
    )

    def filter_organization(self, slug: str | None) -> Q:
        lead = Q(**{f"{self.body_path}lead_organisation__slug": slug})
        return self.taking_part(Q(organisation__slug=slug)) | lead

    def filter_county_part(self, slug: str | None) -> Q:
        own = Q(**{f"{self.body_path}county_part__slug": slug})
        return self.taking_part(Q(organisation__county_part__slug=slug)) | own

    def taking_part(self, organisations: Q) -> Q:  # they hold a seat or are members
        body = OuterRef(self.body_path.removesuffix("__") or "pk")
        seats = Seat.objects.filter(organisations, body=body)
        return Q(Exists(seats)) | Q(Exists(Membership.objects.filter(organisations, body=body)))


class PeriodFilter(Listed):
    status: Text = param("Only this status.")
    date: Day = param("The period that runs on this day (YYYY-MM-DD).")

    def filter_date(self, day: datetime.date | None) -> Q:
        return Q(start__lte=day, end__gte=day)


class OrganizationFilter(Listed):
    kind: Text = param("Only this kind.", "classification")
    county_part__slug: Text = param("A county part's id, e.g. norra.", "county_part")


class BodyFilter(TakesPart):
    kind: Text = param("Only this kind.", "classification")
    parent: Text = param("The parent body's id.")

    def filter_parent(self, value: str | None) -> Q:
        return body_q("parent__", value)


class PostFilter(InBodies):
    body_path = "body__"
    organisation__slug: Text = param("The organization holding the seat.", "organization")
    organisation__county_part__slug: Text = param("A county part's id.", "county_part")
    role: Text = param("ordinary or substitute.")


class MembershipFilter(InBodies):
    body_path = "seat__body__"
    seat_id: Digits = param("A post's (seat's) id.", "post")
    person__slug: Text = param("A person's id.", "person")
    seat__organisation__slug: Text = param("The organization holding the seat.", "organization")
    seat__organisation__county_part__slug: Text = param("A county part's id.", "county_part")
    person__party__abbreviation: Text = param("A party's id, e.g. S.", "party")
    seat__role: Text = param("ordinary or substitute.", "role")
    date: Day = param("Who sat there on the day: ?post=42&date=2022-09-29.")

    def filter_date(self, day: datetime.date | None) -> Q:
        return Q(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)


class PersonFilter(Listed):
    party__abbreviation: Text = param("A party's id, e.g. S.", "party")
    organisation__slug: Text = param("The organization the person represents.", "organization")
    organisation__county_part__slug: Text = param("A county part's id.", "county_part")
    period: Text = param("People with an appointment in the period.")
    body: Text = param("People with an appointment in the body.")
    date: Day = param("People with an appointment on the day (YYYY-MM-DD).")

    def filter_period(self, value: Any) -> Q:
        return Q()  # these three ask about appointments: see get_filter_expression

    filter_body: ClassVar[Callable[..., Q]] = filter_period
    filter_date: ClassVar[Callable[..., Q]] = filter_period

    def get_filter_expression(self) -> Q:
        conditions = super().get_filter_expression()
        if not (self.period or self.body or self.date):
            return conditions
        held = MembershipFilter(period=self.period, body=self.body, date=self.date)
        appointments = Appointment.objects.filter(held.get_filter_expression())
        return conditions & Q(Exists(appointments.filter(person=OuterRef("pk"))))


class MeetingFilter(TakesPart):
    body_path = "body__"
    status: Text = param("Only this status.")
    start__date: Day = param("Meetings on the day (YYYY-MM-DD).", "date")
    start__gte: DayStart = param("Meetings starting on or after the day.", "from")
    start__lt: DayEnd = param("Meetings starting on or before the day.", "to")


class DecisionFilter(InBodies):
    body_path = "body__"
    kind: Text = param("Only this kind: decision, recommendation …", "classification")
    status: Text = param("Only this follow-up status.")
    meeting_id: Digits = param("A meeting's id.", "meeting")
    responses__organisation__slug: Text = param(
        "Addressed to this organization (it has a follow-up row).", "organization"
    )


PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SIZE = f"Items per page (default {PAGE_SIZE}, at most {MAX_PAGE_SIZE})."


class Pages(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=10**6, description="Page number, from 1.")
        page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=SIZE)

    class Output(Schema):
        count: int = Field(ge=0)
        page: int = Field(ge=1)
        page_size: int = Field(ge=1, le=MAX_PAGE_SIZE)
        next: str | None = Field(description="The next page's address.")
        previous: str | None = Field(description="The previous page's address.")
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page, size = pagination.page, pagination.page_size
        count = queryset.count()
        offset = (page - 1) * size

        def link(number: int) -> str:
            query = request.GET.copy()
            query["page"] = str(number)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return {
            "count": count,
            "page": page,
            "page_size": size,
            "next": link(page + 1) if offset + size < count else None,
            "previous": link(page - 1) if page > 1 and offset - size < count else None,
            "results": list(queryset[offset : offset + size]) if offset < count else [],
        }
