"""The read-only JSON API under /api/v1/ (docs: /api/v1/docs/, schema: /api/v1/schema/).

Plain Django views with one explicit serializer function per resource: a field
reaches the API only if a serializer below names it (the public-field allowlist),
and only published people, their appointments and attendance are ever read. Shapes
follow the Popolo vocabulary where it fits: bodies and organisations are
Organizations (``classification``, ``parent_id``), seats are Posts, appointments are
Memberships (``start_date``/``end_date``), meetings are Events.

Every response is paginated where it is a list, ordered by a unique key, carries an
ETag (a hash of its body) and a Last-Modified (when this process first served that
body for the address, so never earlier than the change that made it), answers
``If-None-Match``/``If-Modified-Since`` with 304, and allows cross-origin GET.

The OpenAPI 3.1 document is built here, next to the serializers it describes; the
test suite checks every response against it (schemathesis).
"""

import datetime
import functools
import hashlib
import json
import threading
import time
from collections import OrderedDict

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from bodies.models import Body, CompositionRule, CountyPart, MandatePeriod, Organisation, Seat
from meetings.models import AgendaItem, Attendance, Meeting
from members.models import Appointment, Party, Person

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_ID = 2**63 - 1


class ApiError(Exception):
    def __init__(self, status, message):
        self.status = status
        self.message = message


def error_response(status, message):
    return JsonResponse({"error": message}, status=status)


# ---------------------------------------------------------------------------
# HTTP: CORS, conditional GET, errors

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
    "Access-Control-Max-Age": "86400",
}


class _FirstServed:
    """When this process first served the current body of each address (bounded LRU).

    A body that changes gets a new time, later than any time given before for the
    address, so ``If-Modified-Since`` never hides a change; after a restart every
    address simply looks new.
    """

    def __init__(self, size=2048):
        self.size = size
        self.seen = OrderedDict()
        self.lock = threading.Lock()

    def since(self, key, etag):
        now = int(time.time()) + 1  # whole seconds, not before this moment
        with self.lock:
            known = self.seen.get(key)
            if known and known[0] == etag:
                self.seen.move_to_end(key)
                return known[1]
            since = max(now, known[1] + 1) if known else now
            self.seen[key] = (etag, since)
            self.seen.move_to_end(key)
            while len(self.seen) > self.size:
                self.seen.popitem(last=False)
            return since


first_served = _FirstServed()


def api_view(view):
    """GET/HEAD only, JSON out, CORS for any origin (no credentials), ETag and 304s."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method not in ("GET", "HEAD"):
            response = error_response(405, "Only GET, HEAD and OPTIONS are allowed.")
            response["Allow"] = "GET, HEAD, OPTIONS"
        else:
            try:
                with translation.override("sv"):
                    data = view(request, *args, **kwargs)
            except ApiError as error:
                response = error_response(error.status, error.message)
            else:
                response = conditional_json(request, data)
        for header, value in CORS_HEADERS.items():
            response[header] = value
        return response

    return wrapper


def conditional_json(request, data):
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    last_modified = first_served.since(request.get_full_path(), etag)
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, no-cache"
    conditional = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    if conditional is not response:
        conditional["ETag"] = etag
        conditional["Last-Modified"] = http_date(last_modified)
        conditional["Cache-Control"] = "public, no-cache"
    return conditional


# ---------------------------------------------------------------------------
# Query parameters and pagination


def param(request, name):
    value = request.GET.get(name)
    if value is None or value == "":
        return None
    if "\x00" in value:
        raise ApiError(400, f"Invalid value for '{name}'.")
    return value


def filter_by(request, qs, **lookups):
    """Narrow ``qs`` by each query parameter given: ``organization="organisation__slug"``."""
    for name, lookup in lookups.items():
        if value := param(request, name):
            qs = qs.filter(**{lookup: value})
    return qs


def date_param(request, name):
    value = param(request, name)
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value) if len(value) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name):
    raise ApiError(400, f"'{name}' must be a date like 2022-09-29.")


def int_param(request, name, default, minimum=1, maximum=None):
    value = param(request, name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise ApiError(400, f"'{name}' must be a whole number.")
    number = int(value)
    if number < minimum or (maximum is not None and number > maximum):
        limit = f" and at most {maximum}" if maximum else ""
        raise ApiError(400, f"'{name}' must be at least {minimum}{limit}.")
    return number


def paginate(request, queryset, serialize):
    page = int_param(request, "page", 1, maximum=10**6)
    size = int_param(request, "page_size", PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    count = queryset.count()
    offset = (page - 1) * size
    items = list(queryset[offset : offset + size]) if offset < count else []

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": page,
        "page_size": size,
        "next": link(page + 1) if offset + size < count else None,
        "previous": link(page - 1) if page > 1 and offset - size < count else None,
        "results": [serialize(request, item) for item in items],
    }


def get_or_404(queryset, what, **lookup):
    for value in lookup.values():
        if isinstance(value, str) and "\x00" in value:
            raise ApiError(404, f"No such {what}.")
        if isinstance(value, int) and value > MAX_ID:
            raise ApiError(404, f"No such {what}.")
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise ApiError(404, f"No such {what}.")
    return obj


def absolute(request, path):
    return request.build_absolute_uri(path)


# ---------------------------------------------------------------------------
# Serializers: the allowlist. A field not named here never leaves the registry.


def body_id(body):
    return f"{body.period.slug}/{body.slug}"


def serialize_period(request, period):
    return {
        "id": period.slug,
        "name": period.name,
        "start_date": period.start.isoformat(),
        "end_date": period.end.isoformat(),
        "status": period.status,
        "decision_reference": period.decision_reference,
        "decided_on": period.decided_on.isoformat() if period.decided_on else None,
        "url": absolute(request, period.get_absolute_url()),
    }


def serialize_county_part(request, part):
    return {"id": part.slug, "name": part.name, "url": absolute(request, part.get_absolute_url())}


CODE_SCHEMES = {"municipality": "kommunkod", "region": "länskod", "county_board": "länskod"}


def serialize_organisation(request, org):
    identifiers = []
    if org.code:
        identifiers.append({"scheme": CODE_SCHEMES.get(org.kind, "kod"), "identifier": org.code})
    return {
        "id": org.slug,
        "name": org.name,
        "short_name": org.short_name,
        "classification": org.kind,
        "identifiers": identifiers,
        "county_part_id": org.county_part.slug if org.county_part else None,
        "url": absolute(request, org.get_absolute_url()),
    }


def serialize_party(request, party):
    return {
        "id": party.abbreviation,
        "abbreviation": party.abbreviation,
        "name": party.name,
        "classification": "party",
    }


def serialize_body(request, body):
    return {
        "id": body_id(body),
        "name": body.name,
        "short_name": body.short_name,
        "classification": body.kind,
        "period_id": body.period.slug,
        "parent_id": body_id(body.parent) if body.parent else None,
        "supports_id": body_id(body.supports) if body.supports else None,
        "predecessor_id": body_id(body.predecessor) if body.predecessor else None,
        "purpose": body.purpose,
        "min_meetings_per_year": body.min_meetings_per_year,
        "min_members": body.min_members,
        "composition_note": body.composition_note,
        "legal_basis": body.legal_basis,
        "closing_note": body.closing_note,
        "lead_organization_id": body.lead_organisation.slug if body.lead_organisation else None,
        "county_part_id": body.county_part.slug if body.county_part else None,
        "member_organization_ids": sorted(org.slug for org in body.member_organisations.all()),
        "rules": [
            {
                "organization_id": rule.organisation.slug if rule.organisation else None,
                "ordinary": rule.ordinary,
                "substitutes": rule.substitutes,
            }
            for rule in body.rules.all()
        ],
        "url": absolute(request, body.get_absolute_url()),
    }


def serialize_post(request, seat):
    return {
        "id": seat.pk,
        "label": f"{seat.get_role_display()}, {seat.organisation.name}",
        "organization_id": body_id(seat.body),
        "on_behalf_of_id": seat.organisation.slug,
        "period_id": seat.body.period.slug,
        "role": seat.role,
        "position": seat.position,
        "office": seat.office_label,
        "backs_id": seat.backs_id,
    }


def serialize_person(request, person):
    return {
        "id": person.slug,
        "name": person.full_name,
        "given_name": person.first_name,
        "family_name": person.last_name,
        "party_id": person.party.abbreviation if person.party else None,
        "organization_id": person.organisation.slug if person.organisation else None,
        "title": person.title,
        "url": absolute(request, person.get_absolute_url()),
    }


def serialize_membership(request, appointment):
    seat = appointment.seat
    return {
        "id": appointment.pk,
        "person_id": appointment.person.slug,
        "organization_id": body_id(seat.body),
        "post_id": seat.pk,
        "on_behalf_of_id": seat.organisation.slug,
        "period_id": seat.body.period.slug,
        "role": seat.role,
        "position": seat.position,
        "start_date": appointment.start.isoformat(),
        "end_date": appointment.end.isoformat() if appointment.end else None,
    }


def _public_slug(person):
    return person.slug if person is not None and person.is_published else None


def serialize_meeting(request, meeting):
    return {
        "id": meeting.pk,
        "name": str(meeting),
        "organization_id": body_id(meeting.body),
        "period_id": meeting.body.period.slug,
        "start_date": timezone.localtime(meeting.start).isoformat(),
        "end_date": timezone.localtime(meeting.end).isoformat(),
        "location": meeting.place,
        "status": meeting.status,
        "description": meeting.note,
        "chair_id": _public_slug(meeting.chair),
        "secretary_id": _public_slug(meeting.secretary),
        "adjuster_ids": [person.slug for person in meeting.adjusters.all()],
        "minutes_approved_on": meeting.minutes_approved_on.isoformat()
        if meeting.minutes_approved_on
        else None,
        "minutes_url": absolute(request, reverse("meetings:minutes", args=[meeting.pk]))
        if meeting.minutes
        else None,
        "agenda": [
            {
                "number": item.number,
                "title": item.title,
                "presenters": item.presenters,
                "text": item.text,
                "decision": item.decision,
                "reports_on_id": body_id(item.reports_on) if item.reports_on else None,
            }
            for item in meeting.agenda_items.all()
        ],
        "attendance": [
            {
                "person_id": row.person.slug,
                "role": row.role,
                "status": row.status,
                "replaces_id": _public_slug(row.replaces),
                "on_behalf_of_id": row.organisation.slug if row.organisation else None,
            }
            for row in meeting.attendances.all()
        ],
        "url": absolute(request, meeting.get_absolute_url()),
    }


# ---------------------------------------------------------------------------
# Querysets: every list reads a fixed number of queries, in a stable order.


def periods_qs():
    return MandatePeriod.objects.order_by("start", "pk")


def county_parts_qs():
    return CountyPart.objects.order_by("order", "name", "pk")


def organisations_qs():
    return Organisation.objects.select_related("county_part").order_by("name", "pk")


def parties_qs():
    return Party.objects.order_by("order", "abbreviation", "pk")


def bodies_qs():
    return (
        Body.objects.select_related(
            "period",
            "parent__period",
            "supports__period",
            "predecessor__period",
            "lead_organisation",
            "county_part",
        )
        .prefetch_related(
            "member_organisations",
            Prefetch(
                "rules",
                queryset=CompositionRule.objects.select_related("organisation").order_by(
                    "organisation__slug", "pk"
                ),
            ),
        )
        .order_by("period__start", "tree_id", "lft", "pk")
    )


def posts_qs():
    return Seat.objects.select_related("body__period", "organisation").order_by(
        "body__period__start", "body__tree_id", "body__lft", "order", "pk"
    )


def people_qs():
    return (
        Person.objects.public()
        .select_related("party", "organisation")
        .order_by("last_name", "first_name", "slug", "pk")
    )


def memberships_qs():
    return (
        Appointment.objects.public()
        .select_related("person", "seat__body__period", "seat__organisation")
        .order_by(
            "seat__body__period__start",
            "seat__body__tree_id",
            "seat__body__lft",
            "seat__order",
            "seat_id",
            "start",
            "pk",
        )
    )


def meetings_qs():
    return (
        Meeting.objects.select_related("body__period", "chair", "secretary")
        .prefetch_related(
            Prefetch("adjusters", queryset=Person.objects.public().order_by("slug")),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("reports_on__period").order_by(
                    "number", "pk"
                ),
            ),
            Prefetch(
                "attendances",
                queryset=Attendance.objects.public()
                .select_related("person", "replaces", "organisation")
                .order_by("role", "organisation__name", "person__last_name", "person__slug", "pk"),
            ),
        )
        .order_by("start", "pk")
    )


def split_body_id(value):
    period, _, slug = value.partition("/")
    return period, slug


# ---------------------------------------------------------------------------
# Views


@api_view
def index(request):
    return {
        "name": "Samverkan API",
        "version": "1",
        "schema": absolute(request, reverse("api:schema")),
        "docs": absolute(request, reverse("api:docs")),
        "endpoints": {
            name: absolute(request, reverse(f"api:{name}"))
            for name in (
                "periods",
                "county_parts",
                "organizations",
                "parties",
                "bodies",
                "posts",
                "people",
                "memberships",
                "meetings",
            )
        },
    }


@api_view
def periods(request):
    qs = periods_qs()
    if status := param(request, "status"):
        qs = qs.filter(status=status)
    if day := date_param(request, "date"):
        qs = qs.filter(start__lte=day, end__gte=day)
    return paginate(request, qs, serialize_period)


@api_view
def period(request, slug):
    return serialize_period(request, get_or_404(periods_qs(), "period", slug=slug))


@api_view
def county_parts(request):
    return paginate(request, county_parts_qs(), serialize_county_part)


@api_view
def county_part(request, slug):
    return serialize_county_part(request, get_or_404(county_parts_qs(), "county part", slug=slug))


@api_view
def organizations(request):
    qs = organisations_qs()
    if classification := param(request, "classification"):
        qs = qs.filter(kind=classification)
    if part := param(request, "county_part"):
        qs = qs.filter(county_part__slug=part)
    return paginate(request, qs, serialize_organisation)


@api_view
def organization(request, slug):
    return serialize_organisation(
        request, get_or_404(organisations_qs(), "organization", slug=slug)
    )


@api_view
def parties(request):
    return paginate(request, parties_qs(), serialize_party)


@api_view
def party(request, abbreviation):
    return serialize_party(request, get_or_404(parties_qs(), "party", abbreviation=abbreviation))


def _filter_bodies(request, qs, prefix=""):
    """Filters shared by bodies, posts, memberships and meetings (``prefix`` = path to body)."""
    if period_slug := param(request, "period"):
        qs = qs.filter(**{f"{prefix}period__slug": period_slug})
    if body := param(request, "body"):
        period_slug, slug = split_body_id(body)
        qs = qs.filter(**{f"{prefix}period__slug": period_slug, f"{prefix}slug": slug})
    return qs


@api_view
def bodies(request):
    qs = _filter_bodies(request, bodies_qs())
    if classification := param(request, "classification"):
        qs = qs.filter(kind=classification)
    if parent := param(request, "parent"):
        period_slug, slug = split_body_id(parent)
        qs = qs.filter(parent__period__slug=period_slug, parent__slug=slug)
    if org := param(request, "organization"):
        seats = Seat.objects.filter(body=OuterRef("pk"), organisation__slug=org)
        qs = qs.filter(
            Q(Exists(seats))
            | Q(
                Exists(
                    Body.member_organisations.through.objects.filter(
                        body=OuterRef("pk"), organisation__slug=org
                    )
                )
            )
            | Q(lead_organisation__slug=org)
        )
    if part := param(request, "county_part"):
        seats = Seat.objects.filter(body=OuterRef("pk"), organisation__county_part__slug=part)
        qs = qs.filter(Q(county_part__slug=part) | Q(Exists(seats)))
    return paginate(request, qs, serialize_body)


@api_view
def body(request, period, slug):
    return serialize_body(request, get_or_404(bodies_qs(), "body", period__slug=period, slug=slug))


@api_view
def posts(request):
    qs = filter_by(
        request,
        _filter_bodies(request, posts_qs(), "body__"),
        organization="organisation__slug",
        county_part="organisation__county_part__slug",
        role="role",
    )
    return paginate(request, qs, serialize_post)


@api_view
def post(request, pk):
    return serialize_post(request, get_or_404(posts_qs(), "post", pk=pk))


@api_view
def people(request):
    qs = filter_by(
        request,
        people_qs(),
        party="party__abbreviation",
        organization="organisation__slug",
        county_part="organisation__county_part__slug",
    )
    held = Appointment.objects.filter(person=OuterRef("pk"))
    filtered = _filter_bodies(request, held, "seat__body__")
    if day := date_param(request, "date"):
        filtered = filtered.current(on=day)
    if filtered is not held:
        qs = qs.filter(Exists(filtered))
    return paginate(request, qs, serialize_person)


@api_view
def person(request, slug):
    return serialize_person(request, get_or_404(people_qs(), "person", slug=slug))


@api_view
def memberships(request):
    qs = _filter_bodies(request, memberships_qs(), "seat__body__")
    if post_id := param(request, "post"):
        if not (post_id.isascii() and post_id.isdigit()) or int(post_id) > MAX_ID:
            raise ApiError(400, "'post' must be a post id (a whole number).")
        qs = qs.filter(seat_id=int(post_id))
    qs = filter_by(
        request,
        qs,
        person="person__slug",
        organization="seat__organisation__slug",
        county_part="seat__organisation__county_part__slug",
        party="person__party__abbreviation",
        role="seat__role",
    )
    if day := date_param(request, "date"):
        qs = qs.current(on=day)
    return paginate(request, qs, serialize_membership)


@api_view
def membership(request, pk):
    return serialize_membership(request, get_or_404(memberships_qs(), "membership", pk=pk))


@api_view
def meetings(request):
    qs = _filter_bodies(request, meetings_qs(), "body__")
    if org := param(request, "organization"):
        organisation = Organisation.objects.filter(slug=org).first()
        qs = qs.for_organisation(organisation) if organisation else qs.none()
    if part := param(request, "county_part"):
        county = CountyPart.objects.filter(slug=part).first()
        qs = qs.for_county_part(county) if county else qs.none()
    if status := param(request, "status"):
        qs = qs.filter(status=status)
    if day := date_param(request, "date"):
        qs = qs.filter(start__date=day)
    # Days far outside any mandate period would overflow as times: they filter nothing.
    zone = timezone.get_current_timezone()
    first = date_param(request, "from")
    if first and first.year > 1900:
        qs = qs.filter(start__gte=datetime.datetime.combine(first, datetime.time(), zone))
    last = date_param(request, "to")
    if last and last.year < 9000:
        next_day = last + datetime.timedelta(days=1)
        qs = qs.filter(start__lt=datetime.datetime.combine(next_day, datetime.time(), zone))
    return paginate(request, qs, serialize_meeting)


@api_view
def meeting(request, pk):
    return serialize_meeting(request, get_or_404(meetings_qs(), "meeting", pk=pk))


@api_view
def schema(request):
    return openapi(request)


@api_view
def not_found(request, rest=""):
    raise ApiError(404, "No such endpoint. The endpoints are listed at /api/v1/.")


def docs(request):
    """A server-rendered page listing the endpoints from the schema: no scripts, no CDN."""
    document = openapi(request)
    endpoints = []
    for path, item in document["paths"].items():
        operation = item["get"]
        parameters = [
            {**parameter, **document["components"]["parameters"][ref.rsplit("/", 1)[-1]]}
            if (ref := parameter.get("$ref"))
            else parameter
            for parameter in operation.get("parameters", [])
        ]
        endpoints.append(
            {
                "path": path,
                "summary": operation["summary"],
                "description": operation.get("description", ""),
                "tag": operation["tags"][0],
                "parameters": parameters,
                "example": absolute(request, path) if "{" not in path else "",
            }
        )
    return render(
        request,
        "api/docs.html",
        {
            "endpoints": endpoints,
            "schema_url": reverse("api:schema"),
            "index_url": reverse("api:index"),
            "components": sorted(document["components"]["schemas"].items()),
        },
    )


# ---------------------------------------------------------------------------
# The OpenAPI document


def _string(description="", nullable=False, **extra):
    schema = {"type": ["string", "null"] if nullable else "string", **extra}
    if description:
        schema["description"] = description
    return schema


def _integer(description="", nullable=False, **extra):
    schema = {"type": ["integer", "null"] if nullable else "integer", **extra}
    if description:
        schema["description"] = description
    return schema


def _object(properties):
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


DATE = {"format": "date"}
BODY_ID = (
    "A body's id: the period's id and the body's slug, e.g. 2023-2026/regionala-samverkansradet."
)


def component_schemas():
    body_id_schema = _string(BODY_ID)
    return {
        "Period": _object(
            {
                "id": _string("Slug, e.g. 2023-2026."),
                "name": _string(),
                "start_date": _string(**DATE),
                "end_date": _string(**DATE),
                "status": _string(enum=MandatePeriod.Status.values),
                "decision_reference": _string(),
                "decided_on": _string(nullable=True, **DATE),
                "url": _string("The public page.", format="uri"),
            }
        ),
        "CountyPart": _object({"id": _string(), "name": _string(), "url": _string(format="uri")}),
        "Identifier": _object({"scheme": _string(), "identifier": _string()}),
        "Organization": _object(
            {
                "id": _string("Slug."),
                "name": _string(),
                "short_name": _string(),
                "classification": _string(enum=Organisation.Kind.values),
                "identifiers": {"type": "array", "items": _ref("Identifier")},
                "county_part_id": _string(nullable=True),
                "url": _string(format="uri"),
            }
        ),
        "Party": _object(
            {
                "id": _string("The abbreviation."),
                "abbreviation": _string(),
                "name": _string(),
                "classification": _string(enum=["party"]),
            }
        ),
        "Rule": _object(
            {
                "organization_id": _string(
                    "Null: the rule for each member organization.", nullable=True
                ),
                "ordinary": _integer(minimum=0),
                "substitutes": _integer(minimum=0),
            }
        ),
        "Body": _object(
            {
                "id": body_id_schema,
                "name": _string(),
                "short_name": _string(),
                "classification": _string(enum=Body.Kind.values),
                "period_id": _string(),
                "parent_id": _string("The body it reports to.", nullable=True),
                "supports_id": _string(
                    "The council it gives officials' support to.", nullable=True
                ),
                "predecessor_id": _string("The same body in an earlier period.", nullable=True),
                "purpose": _string(),
                "min_meetings_per_year": _integer(nullable=True, minimum=0),
                "min_members": _integer(nullable=True, minimum=0),
                "composition_note": _string(),
                "legal_basis": _string(),
                "closing_note": _string(),
                "lead_organization_id": _string(nullable=True),
                "county_part_id": _string(nullable=True),
                "member_organization_ids": {"type": "array", "items": _string()},
                "rules": {"type": "array", "items": _ref("Rule")},
                "url": _string(format="uri"),
            }
        ),
        "Post": _object(
            {
                "id": _integer(),
                "label": _string(),
                "organization_id": _string("The body. " + BODY_ID),
                "on_behalf_of_id": _string("The organization that holds the seat."),
                "period_id": _string(),
                "role": _string(enum=Seat.Role.values),
                "position": _string(enum=Seat.Position.values),
                "office": _string("The office that holds the seat when no person is named."),
                "backs_id": _integer("The ordinary seat a substitute seat backs.", nullable=True),
            }
        ),
        "Person": _object(
            {
                "id": _string("Slug."),
                "name": _string(),
                "given_name": _string(),
                "family_name": _string(),
                "party_id": _string(nullable=True),
                "organization_id": _string(
                    "The organization the person represents.", nullable=True
                ),
                "title": _string(),
                "url": _string(format="uri"),
            }
        ),
        "Membership": _object(
            {
                "id": _integer(),
                "person_id": _string(),
                "organization_id": _string("The body. " + BODY_ID),
                "post_id": _integer(),
                "on_behalf_of_id": _string(),
                "period_id": _string(),
                "role": _string(enum=Seat.Role.values),
                "position": _string(enum=Seat.Position.values),
                "start_date": _string(**DATE),
                "end_date": _string("Null: until further notice.", nullable=True, **DATE),
            }
        ),
        "AgendaItem": _object(
            {
                "number": _integer(),
                "title": _string(),
                "presenters": _string(),
                "text": _string(),
                "decision": _string(),
                "reports_on_id": _string(nullable=True),
            }
        ),
        "Attendance": _object(
            {
                "person_id": _string(),
                "role": _string(enum=Attendance.Role.values),
                "status": _string(enum=Attendance.Status.values),
                "replaces_id": _string(nullable=True),
                "on_behalf_of_id": _string(nullable=True),
            }
        ),
        "Meeting": _object(
            {
                "id": _integer(),
                "name": _string(),
                "organization_id": _string("The body. " + BODY_ID),
                "period_id": _string(),
                "start_date": _string(format="date-time"),
                "end_date": _string(format="date-time"),
                "location": _string(),
                "status": _string(enum=Meeting.Status.values),
                "description": _string(),
                "chair_id": _string(nullable=True),
                "secretary_id": _string(nullable=True),
                "adjuster_ids": {"type": "array", "items": _string()},
                "minutes_approved_on": _string(nullable=True, **DATE),
                "minutes_url": _string(nullable=True, format="uri"),
                "agenda": {"type": "array", "items": _ref("AgendaItem")},
                "attendance": {"type": "array", "items": _ref("Attendance")},
                "url": _string(format="uri"),
            }
        ),
        "Error": _object({"error": _string()}),
        "Index": _object(
            {
                "name": _string(),
                "version": _string(),
                "schema": _string(format="uri"),
                "docs": _string(format="uri"),
                "endpoints": {"type": "object", "additionalProperties": _string(format="uri")},
            }
        ),
    }


def _page(item):
    return _object(
        {
            "count": _integer(minimum=0),
            "page": _integer(minimum=1),
            "page_size": _integer(minimum=1, maximum=MAX_PAGE_SIZE),
            "next": _string(nullable=True, format="uri"),
            "previous": _string(nullable=True, format="uri"),
            "results": {"type": "array", "items": _ref(item)},
        }
    )


def _query(name, description, **schema):
    schema.setdefault("type", "string")
    if schema == {"type": "string"}:
        schema["pattern"] = NO_NUL
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _path(name, description, **schema):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    }


# Text parameters may hold anything but a NUL character, which no database takes.
NO_NUL = r"^[^\u0000]*$"

PARAMETERS = {
    "page": _query("page", "Page number, from 1.", type="integer", minimum=1, maximum=10**6),
    "page_size": _query(
        "page_size",
        f"Items per page (default {PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
        type="integer",
        minimum=1,
        maximum=MAX_PAGE_SIZE,
    ),
    "period": _query("period", "A period's id, e.g. 2023-2026."),
    "body": _query("body", "A body's id, e.g. 2023-2026/regionala-samverkansradet."),
    "organization": _query("organization", "An organization's id, e.g. orebro-kommun."),
    "county_part": _query("county_part", "A county part's id, e.g. norra."),
    "party": _query("party", "A party's id (abbreviation), e.g. S."),
    "date": _query(
        "date", "Only what runs on this day (YYYY-MM-DD).", type="string", format="date"
    ),
}


def _params(*names, extra=()):
    return [{"$ref": f"#/components/parameters/{name}"} for name in names] + list(extra)


def _responses(schema, *, not_found=False, bad_request=True):
    ok = {
        "description": "OK",
        "headers": {
            "ETag": {"schema": {"type": "string"}},
            "Last-Modified": {"schema": {"type": "string"}},
        },
        "content": {"application/json": {"schema": schema}},
    }
    error = {"content": {"application/json": {"schema": _ref("Error")}}}
    responses = {
        "200": ok,
        "304": {"description": "Not modified (If-None-Match / If-Modified-Since)."},
    }
    if bad_request:
        responses["400"] = {"description": "A query parameter has a bad value.", **error}
    if not_found:
        responses["404"] = {"description": "Not found.", **error}
    return responses


def _list(tag, summary, item, description="", params=()):
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "description": description,
            "operationId": f"list_{tag}",
            "parameters": _params("page", "page_size", *params[0], extra=params[1])
            if params
            else _params("page", "page_size"),
            "responses": _responses(_page(item)),
        }
    }


def _detail(tag, summary, item, path_params, operation):
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "operationId": operation,
            "parameters": path_params,
            "responses": _responses(_ref(item), not_found=True, bad_request=False),
        }
    }


def openapi(request):
    slug = _path("slug", "The slug.")
    pk = _path("id", "The id.", type="integer", minimum=1, maximum=MAX_ID)
    status = _query("status", "Only this status.")
    classification = _query("classification", "Only this classification (kind).")
    role = _query("role", "ordinary or substitute.")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Samverkan API",
            "version": "1",
            "description": (
                "Read-only open data from the registry of the region's collaboration "
                "structure: mandate periods, bodies (councils, groups, networks), seats, "
                "people, parties, organizations, appointments and meetings. Shapes follow "
                "the Popolo vocabulary where it fits. Lists are paginated and in a stable "
                "order; every response has an ETag and Last-Modified and answers "
                "conditional requests with 304; cross-origin GET is allowed. Only public "
                "fields of published people are served."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/": {
                "get": {
                    "tags": ["index"],
                    "summary": "The endpoints",
                    "operationId": "index",
                    "responses": _responses(_ref("Index"), bad_request=False),
                }
            },
            "/api/v1/periods/": _list(
                "periods",
                "Mandate periods",
                "Period",
                params=(["date"], [status]),
            ),
            "/api/v1/periods/{slug}/": _detail(
                "periods", "A mandate period", "Period", [slug], "get_period"
            ),
            "/api/v1/county-parts/": _list("county_parts", "County parts", "CountyPart"),
            "/api/v1/county-parts/{slug}/": _detail(
                "county_parts", "A county part", "CountyPart", [slug], "get_county_part"
            ),
            "/api/v1/organizations/": _list(
                "organizations",
                "Organizations: the region, municipalities, the county board …",
                "Organization",
                params=(["county_part"], [classification]),
            ),
            "/api/v1/organizations/{slug}/": _detail(
                "organizations", "An organization", "Organization", [slug], "get_organization"
            ),
            "/api/v1/parties/": _list("parties", "Parties", "Party"),
            "/api/v1/parties/{abbreviation}/": _detail(
                "parties",
                "A party",
                "Party",
                [_path("abbreviation", "The abbreviation, e.g. S.")],
                "get_party",
            ),
            "/api/v1/bodies/": _list(
                "bodies",
                "Bodies: councils, groups, networks (Popolo Organization)",
                "Body",
                description="In tree order within each period. `organization` gives the "
                "bodies where the organization has a seat, is a member or leads.",
                params=(
                    ["period", "body", "organization", "county_part"],
                    [classification, _query("parent", "The parent body's id.")],
                ),
            ),
            "/api/v1/bodies/{period}/{slug}/": _detail(
                "bodies",
                "A body",
                "Body",
                [_path("period", "The period's id."), slug],
                "get_body",
            ),
            "/api/v1/posts/": _list(
                "posts",
                "Seats (Popolo Post)",
                "Post",
                params=(["period", "body", "organization", "county_part"], [role]),
            ),
            "/api/v1/posts/{id}/": _detail("posts", "A seat", "Post", [pk], "get_post"),
            "/api/v1/people/": _list(
                "people",
                "People (Popolo Person): published people, public fields only",
                "Person",
                description="`period`, `body` and `date` give the people with an "
                "appointment there (on that day).",
                params=(["period", "body", "organization", "county_part", "party", "date"], []),
            ),
            "/api/v1/people/{slug}/": _detail("people", "A person", "Person", [slug], "get_person"),
            "/api/v1/memberships/": _list(
                "memberships",
                "Appointments: who sat in which seat when (Popolo Membership)",
                "Membership",
                description="`date` answers “who sat in this seat on 2022-09-29”: "
                "`/api/v1/memberships/?post=42&date=2022-09-29`.",
                params=(
                    ["period", "body", "organization", "county_part", "party", "date"],
                    [
                        _query("post", "A post's (seat's) id.", type="integer", minimum=1),
                        _query("person", "A person's id."),
                        role,
                    ],
                ),
            ),
            "/api/v1/memberships/{id}/": _detail(
                "memberships", "An appointment", "Membership", [pk], "get_membership"
            ),
            "/api/v1/meetings/": _list(
                "meetings",
                "Meetings with agenda and attendance (Popolo Event)",
                "Meeting",
                params=(
                    ["period", "body", "organization", "county_part", "date"],
                    [
                        status,
                        _query("from", "Meetings starting on or after the day.", format="date"),
                        _query("to", "Meetings starting on or before the day.", format="date"),
                    ],
                ),
            ),
            "/api/v1/meetings/{id}/": _detail(
                "meetings", "A meeting", "Meeting", [pk], "get_meeting"
            ),
            "/api/v1/schema/": {
                "get": {
                    "tags": ["index"],
                    "summary": "This OpenAPI document",
                    "operationId": "schema",
                    "responses": _responses({"type": "object"}, bad_request=False),
                }
            },
        },
        "components": {"schemas": component_schemas(), "parameters": PARAMETERS},
    }
