"""The operations: a paginated list and one object per kind, each in a fixed number of
queries and a stable order; only published people, their appointments and attendance are
read. Errors are ``{"error": "..."}``: 400 for a bad or unknown query parameter, 404."""

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from ninja import Field, FilterSchema, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.operation import Operation
from ninja.pagination import paginate
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from bodies.models import Body, CompositionRule, CountyPart, MandatePeriod, Organisation, Seat
from meetings.decisions import Decision, DecisionResponse
from meetings.models import AgendaItem, Attendance, Meeting
from meetings.privacy import UnpublishedNames
from members.models import Appointment, Party, Person
from samverkan.api import filters, schemas
from samverkan.api.filters import Pages


class Encoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and o.utcoffset() == dt.timedelta(0):
            # Always milliseconds (Django drops a zero fraction): UTC times then sort as
            # text, as a client comparing updated_at values for changed_since expects.
            return o.isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"
        return super().default(o)


class Json(JSONRenderer):
    encoder_class = Encoder
    json_dumps_params = {"ensure_ascii": False, "separators": (",", ":")}


class Api(NinjaAPI):
    def get_content_type(self) -> str:
        return "application/json"

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__


api = Api(
    title="Samverkan API",
    version="1",
    description=(
        "Read-only open data from the registry of the region's collaboration structure, in "
        "the Popolo vocabulary. Lists are paginated in a stable order; with changed_since "
        "they give only what changed after the updated_at you last saw. Every response has "
        "an ETag and Last-Modified (304 when unchanged); cross-origin GET is allowed. Only "
        "public fields of published people are served."
    ),
    openapi_url=None,  # served by the schema operation below, so that it is documented
    docs_url=None,  # docs(): a page without scripts; ninja's Swagger UI is all script
    urls_namespace="api",
    renderer=Json(),
)


def error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return api.create_response(request, {"error": message}, status=status)


@api.exception_handler(ValidationError)
def invalid_parameter(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if any(problem["loc"][0] == "path" for problem in exc.errors):
        return error(request, 404, "Not found.")  # no object has an id of that shape
    problems = [f"'{p['loc'][-1]}': {p['msg'][:1].lower()}{p['msg'][1:]}" for p in exc.errors]
    return error(request, 400, f"Invalid query parameter {'; '.join(problems)}.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(request, exc.status_code, exc.message)


def refuse_unknown_parameters(run: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """A misspelt filter (``?perod=``) is an error, not a silently unfiltered list."""
    operation: Operation = run.__self__  # type: ignore[attr-defined]
    sources = [model for model in operation.models if model.__ninja_param_source__ == "query"]
    known = {name for model in sources for name in model.__ninja_flatten_map__}
    allowed = ", ".join(sorted(known)) or "none"

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not (unknown := sorted(set(request.GET) - known)):
            return run(request, *args, **kwargs)
        return error(request, 400, f"Unknown query parameter '{unknown[0]}'. Allowed: {allowed}.")

    return checked


api.add_decorator(refuse_unknown_parameters, mode="view")  # around run(): before validation

# The keys of one object, in its address: a value of another shape is a 404 (invalid_parameter).
SLUG = "^[-a-zA-Z0-9_]+$"


class BySlug(Schema):
    slug: str = Field(description="The slug.", pattern=SLUG)


class ByAbbreviation(Schema):
    abbreviation: str = Field(description="The abbreviation, e.g. S.", pattern=r"^[^/\x00]+$")


class ById(Schema):
    id: str = Field(description="The id.", pattern="^[0-9]{1,18}$")


class ByPeriod(Schema):
    period__slug: str = Field(alias="period", description="The slug.", pattern=SLUG)
    slug: str = Field(description="The slug.", pattern=SLUG)


# --- what each kind reads, in a stable order -------------------------------------------


def bodies_rows() -> QuerySet:
    rules = CompositionRule.objects.select_related("organisation")
    rules = rules.order_by("organisation__slug", "pk")
    return (
        Body.objects.select_related("period", "parent__period", "supports__period")
        .select_related("predecessor__period", "lead_organisation", "county_part")
        .prefetch_related("member_organisations", Prefetch("rules", queryset=rules))
        .order_by("period__start", "tree_id", "lft", "pk")
    )


def posts_rows() -> QuerySet:
    seats = Seat.objects.select_related("body__period", "organisation").with_state()
    return seats.order_by("body__period__start", "body__tree_id", "body__lft", "order", "pk")


def memberships_rows() -> QuerySet:
    in_tree = ("seat__body__period__start", "seat__body__tree_id", "seat__body__lft")
    return (
        Appointment.objects.public()
        .select_related("person", "seat__body__period", "seat__organisation")
        .prefetch_related("officer_terms")
        .order_by(*in_tree, "seat__order", "seat_id", "start", "pk")
    )


def meetings_rows() -> QuerySet:
    names = UnpublishedNames()  # texts naming unpublished people are screened: one query
    agenda = AgendaItem.objects.screened(names).select_related("reports_on__period")
    attendance = Attendance.objects.public().select_related("person", "replaces", "organisation")
    by_seat = ("role", "organisation__name", "person__last_name", "person__slug", "pk")
    return (
        Meeting.objects.screened(names)
        .select_related("body__period", "chair", "secretary")
        .prefetch_related(
            Prefetch("adjusters", queryset=Person.objects.public().order_by("slug")),
            Prefetch("agenda_items", queryset=agenda.order_by("number", "pk")),
            Prefetch("attendances", queryset=attendance.order_by(*by_seat)),
        )
        .order_by("start", "pk")
    )


def decisions_rows() -> QuerySet:
    responses = DecisionResponse.objects.select_related("organisation")
    return (
        Decision.objects.screened()
        .select_related("body__period", "meeting", "agenda_item")
        .prefetch_related(Prefetch("responses", queryset=responses.order_by("organisation__slug")))
        .order_by("year", "body__period__start", "body__slug", "serial", "pk")
    )


class Kind(NamedTuple):
    """``/{name}/`` lists them, ``/{name}/{key}/`` serves one (URL name: the schema's)."""

    name: str
    schema: type[Schema]
    filters: type[FilterSchema]
    rows: Callable[[], QuerySet]
    summary: str
    key: type[Schema] = BySlug


# fmt: off
KINDS = [
    Kind("periods", schemas.Period, filters.PeriodFilter,
         lambda: MandatePeriod.objects.order_by("start", "pk"), "Mandate periods"),
    Kind("county_parts", schemas.CountyPart, filters.Listed,
         lambda: CountyPart.objects.order_by("order", "name", "pk"), "County parts"),
    Kind("organizations", schemas.Organization, filters.OrganizationFilter,
         lambda: Organisation.objects.select_related("county_part").order_by("name", "pk"),
         "Organizations: the region, municipalities, the county board …"),
    Kind("parties", schemas.Party, filters.Listed,
         lambda: Party.objects.order_by("order", "abbreviation", "pk"), "Parties", ByAbbreviation),
    Kind("bodies", schemas.Body, filters.BodyFilter, bodies_rows,
         "Bodies: councils, groups, networks (Popolo Organization), in tree order", ByPeriod),
    Kind("posts", schemas.Post, filters.PostFilter, posts_rows, "Seats (Popolo Post)", ById),
    Kind("people", schemas.Person, filters.PersonFilter,
         lambda: Person.objects.public().select_related("party", "organisation")
         .order_by("last_name", "first_name", "slug", "pk"),
         "People (Popolo Person): published people, public fields only"),
    Kind("memberships", schemas.Membership, filters.MembershipFilter, memberships_rows,
         "Appointments: who sat in which seat when (Popolo Membership)", ById),
    Kind("meetings", schemas.Meeting, filters.MeetingFilter, meetings_rows,
         "Meetings with agenda and attendance (Popolo Event)", ById),
    Kind("decisions", schemas.Decision, filters.DecisionFilter, decisions_rows,
         "Decisions and recommendations, with the follow-up per addressed organization", ById),
]
# fmt: on
ERRORS: dict[int, Any] = {304: None, 400: schemas.Error}


def add_operations(kind: Kind) -> None:
    one = re.sub("(?<=.)([A-Z])", r"_\1", kind.schema.__name__).lower()  # CountyPart: county_part
    tags, path = [kind.name], kind.name.replace("_", "-")
    keys = "/".join(f"{{{field.alias or name}}}" for name, field in kind.key.model_fields.items())

    def view(request: HttpRequest, filters: Query[kind.filters]) -> QuerySet:  # type: ignore[name-defined]
        return filters.filter(kind.rows())

    def get(request: HttpRequest, key: Path[kind.key]) -> Model:  # type: ignore[name-defined]
        if obj := kind.rows().filter(**key.dict()).first():
            return obj
        raise HttpError(404, f"No such {one.replace('_', ' ')}.")

    view.__name__, get.__name__ = f"list_{kind.name}", f"get_{one}"
    responses = {200: list[kind.schema], **ERRORS}  # type: ignore[name-defined]
    api.get(f"/{path}/", response=responses, url_name=kind.name, summary=kind.summary, tags=tags)(
        paginate(Pages)(view)
    )
    summary = f"One {one.replace('_', ' ')}"
    responses = {200: kind.schema, **ERRORS, 404: schemas.Error}
    api.get(f"/{path}/{keys}/", response=responses, url_name=one, summary=summary, tags=tags)(get)


@api.get(
    "/", response={200: schemas.Index, **ERRORS}, url_name="index", summary="The endpoints",
    tags=["index"], by_alias=True,
)  # fmt: skip
def index(request: HttpRequest) -> dict[str, Any]:
    def absolute(name: str) -> str:
        return request.build_absolute_uri(reverse(f"api:{name}"))

    endpoints = {kind.name: absolute(kind.name) for kind in KINDS}
    links = {"schema": absolute("schema"), "docs": absolute("docs"), "endpoints": endpoints}
    return {"name": "Samverkan API", "version": "1", **links}


for kind in KINDS:
    add_operations(kind)


@api.get(
    "/schema/", response={200: dict[str, Any], **ERRORS}, url_name="schema",
    summary="This OpenAPI document", tags=["index"],
)  # fmt: skip
def schema(request: HttpRequest) -> dict[str, Any]:
    return openapi()


@functools.cache
def openapi() -> dict[str, Any]:  # generated by ninja from the schemas and filters
    return api.get_openapi_schema()


def unknown_address(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(request, 404, "No such endpoint. The endpoints are listed at /api/v1/.")


def docs(request: HttpRequest) -> HttpResponse:  # from the schema: no scripts, no CDN
    document = openapi()
    endpoints = [
        {"path": path, "example": "{" not in path, **item["get"]}
        for path, item in document["paths"].items()
    ]
    components = [(name, document["components"]["schemas"][name]) for name in schemas.OBJECTS]
    context = {"endpoints": endpoints, "components": components}
    context |= {"schema_url": reverse("api:schema"), "index_url": reverse("api:index")}
    return render(request, "api/docs.html", context)
