"""The read-only JSON API: allowlist, filters, pagination, caching headers, CORS, queries."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from bodies.models import Body, ChangeStamp, Seat
from meetings.models import Attendance, Decision, Meeting
from members.models import Appointment, Person
from samverkan.api import views as api
from tests import bigdata
from tests.pages import STAMP_QUERIES, Page, freeze_today

pytestmark = pytest.mark.django_db

SECRETS = ("hemlig@example.se", "070-999 99 99", "Skyddad identitet", "Hemligsson", "hemlig-person")
SECRETS += ("svahn@example.se", "019-123 45 67", "Ringer helst före nio")
# email and contact_details exist, but hold only what a person consented to publish
# (tests/test_contact_consent.py); without consent the SECRETS above never appear.
FORBIDDEN_KEYS = {"phone", "note", "is_published", "appointed_by"}

# The public fields of each kind of object: a new field must be added here on purpose.
ALLOWLIST = {
    "Person": {
        "id",
        "name",
        "given_name",
        "family_name",
        "party_id",
        "organization_id",
        "title",
        "email",
        "image",
        "contact_details",
        "url",
        "updated_at",
    },
    "Membership": {
        "id",
        "person_id",
        "organization_id",
        "post_id",
        "on_behalf_of_id",
        "period_id",
        "role",
        "position",
        "start_date",
        "end_date",
        "officer_roles",
        "updated_at",
    },
    "Attendance": {"person_id", "role", "status", "replaces_id", "on_behalf_of_id"},
}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch)


@pytest.fixture
def registry(orebro_meetings):
    """Örebro with its meeting, plus a hidden person in a seat, at the meeting and adjusting."""
    Person.objects.filter(slug="andreas-svahn").update(
        email="svahn@example.se", phone="019-123 45 67", note="Ringer helst före nio"
    )
    hidden = Person.objects.create(
        slug="hemlig-person",
        first_name="Hemlig",
        last_name="Hemligsson",
        email="hemlig@example.se",
        phone="070-999 99 99",
        note="Skyddad identitet",
        is_published=False,
    )
    council = Body.objects.get(period__slug="2019-2022", slug="regionala-samverkansradet")
    seat = Seat.objects.create(
        body=council, organisation=council.lead_organisation, role=Seat.Role.SUBSTITUTE
    )
    Appointment.objects.create(person=hidden, seat=seat, start=datetime.date(2022, 1, 1))
    meeting = Meeting.objects.get(body=council, start__date=datetime.date(2022, 9, 29))
    Attendance.objects.create(
        meeting=meeting,
        person=hidden,
        role=Attendance.Role.OTHER,
        organisation=council.lead_organisation,
    )
    meeting.adjusters.add(hidden)
    decision = Decision.objects.create(
        meeting=meeting, title="Mötestider 2023", kind=Decision.Kind.RECOMMENDATION
    )
    decision.address_seat_holders()
    return meeting


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def validator():
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    document = json.loads(json.dumps(api.openapi()))

    def validate(name, data):
        schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        jsonschema_rs.validator_for(schema).validate(data)

    return validate


def walk(client):
    """Every list (every page) and every object's detail: (component, object) pairs."""
    index = get_json(client, "/api/v1/")
    details = {
        "periods": ("Period", lambda o: f"/api/v1/periods/{o['id']}/"),
        "county_parts": ("CountyPart", lambda o: f"/api/v1/county-parts/{o['id']}/"),
        "organizations": ("Organization", lambda o: f"/api/v1/organizations/{o['id']}/"),
        "parties": ("Party", lambda o: f"/api/v1/parties/{o['id']}/"),
        "bodies": ("Body", lambda o: f"/api/v1/bodies/{o['id']}/"),
        "posts": ("Post", lambda o: f"/api/v1/posts/{o['id']}/"),
        "people": ("Person", lambda o: f"/api/v1/people/{o['id']}/"),
        "memberships": ("Membership", lambda o: f"/api/v1/memberships/{o['id']}/"),
        "meetings": ("Meeting", lambda o: f"/api/v1/meetings/{o['id']}/"),
        "decisions": ("Decision", lambda o: f"/api/v1/decisions/{o['id']}/"),
    }
    assert set(index["endpoints"]) == set(details)
    texts = [json.dumps(index)]
    found = []
    for name, url in index["endpoints"].items():
        component, detail_url = details[name]
        next_url = url + "?page_size=200"
        while next_url:
            page = get_json(client, next_url)
            texts.append(json.dumps(page, ensure_ascii=False))
            for item in page["results"]:
                found.append((component, item))
                detail = get_json(client, detail_url(item))
                assert detail == item
            next_url = page["next"]
    texts.append(json.dumps(get_json(client, "/api/v1/schema/"), ensure_ascii=False))
    return found, "\n".join(texts)


def keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys(inner)


def test_every_endpoint_serves_only_public_fields_of_published_people(client, registry):
    found, text = walk(client)

    for secret in SECRETS:
        assert secret not in text
    assert not FORBIDDEN_KEYS & set(keys([item for _, item in found]))
    validate = validator()
    for component, item in found:
        validate(component, item)
        if component in ALLOWLIST:
            assert set(item) == ALLOWLIST[component]
        if component == "Meeting":
            for row in item["attendance"]:
                assert set(row) == ALLOWLIST["Attendance"]
    kinds = {component for component, _ in found}
    assert kinds == {
        "Period",
        "CountyPart",
        "Organization",
        "Party",
        "Body",
        "Post",
        "Person",
        "Membership",
        "Meeting",
        "Decision",
    }
    meeting = next(
        i for c, i in found if c == "Meeting" and i["start_date"].startswith("2022-09-29")
    )
    assert meeting["adjuster_ids"] == ["tom-rymoen"]
    assert len(meeting["agenda"]) == 8


def test_an_unpublished_person_is_not_found_by_any_address(client, registry):
    get_json(client, "/api/v1/people/hemlig-person/", status=404)
    assert get_json(client, "/api/v1/memberships/?person=hemlig-person")["count"] == 0
    hidden = Appointment.objects.get(person__slug="hemlig-person")
    get_json(client, f"/api/v1/memberships/{hidden.pk}/", status=404)
    # The seat itself is public: that it is held is not a secret, who holds it is.
    assert get_json(client, f"/api/v1/posts/{hidden.seat_id}/")["role"] == "substitute"


def test_who_sat_in_a_seat_on_a_day(client, registry):
    chair = Seat.objects.get(
        body__period__slug="2019-2022",
        body__slug="regionala-samverkansradet",
        position=Seat.Position.CHAIR,
    )

    page = get_json(client, f"/api/v1/memberships/?post={chair.pk}&date=2022-09-29")

    assert [m["person_id"] for m in page["results"]] == ["andreas-svahn"]
    assert page["results"][0]["position"] == "chair"
    assert get_json(client, f"/api/v1/memberships/?post={chair.pk}&date=2023-02-01")["count"] == 0


def test_the_filters_narrow_each_list(client, registry):
    def ids(url):
        return [item["id"] for item in get_json(client, url)["results"]]

    assert ids("/api/v1/periods/?date=2024-05-01") == ["2023-2026"]
    assert ids("/api/v1/periods/?status=proposed") == ["2027-2030"]
    assert len(ids("/api/v1/bodies/?period=2023-2026")) == 18
    norra = ids("/api/v1/bodies/?period=2027-2030&county_part=norra")
    assert "2027-2030/lansdelsrad-norra" in norra
    assert "2027-2030/lansdelsrad-vastra" not in norra
    assert "2023-2026/regionala-samverkansradet" in ids(
        "/api/v1/bodies/?period=2023-2026&organization=nora-kommun"
    )
    kcrd = "2023-2026/regional-chefssamverkansgrupp"
    assert len(ids(f"/api/v1/bodies/?parent={kcrd}")) == 10
    assert set(ids("/api/v1/organizations/?county_part=norra")) == {
        "hallefors-kommun",
        "lindesbergs-kommun",
        "ljusnarsbergs-kommun",
        "nora-kommun",
    }
    assert ids("/api/v1/people/?party=L") == ["christian-liljenhed"]
    assert set(ids("/api/v1/people/?county_part=vastra")) == {
        "anneli-mylly",
        "anna-nordkvist",
        "tony-ring",
        "ida-edstrom",
        "bjorn-johansson",  # officials at the meeting of 29 September 2022
        "christian-vestas",
    }
    assert (
        len(ids("/api/v1/people/?body=2019-2022/regionala-samverkansradet&date=2022-09-29")) == 34
    )
    assert ids("/api/v1/people/?period=2023-2026") == []
    members = get_json(client, "/api/v1/memberships/?party=M&organization=orebro-kommun")
    assert [m["person_id"] for m in members["results"]] == ["anders-ahrlin"]
    assert (
        get_json(client, "/api/v1/posts/?body=2023-2026/regionala-samverkansradet")["count"]
        == Seat.objects.filter(
            body__period__slug="2023-2026", body__slug="regionala-samverkansradet"
        ).count()
    )
    assert len(ids("/api/v1/meetings/?organization=nora-kommun&date=2022-09-29")) == 1
    assert ids("/api/v1/meetings/?county_part=norra&from=2023-01-01") == []
    assert len(ids("/api/v1/meetings/?body=2019-2022/regionala-samverkansradet")) == 2


def test_a_meeting_carries_its_note_as_the_meeting_page_shows_it(client, registry):
    [planned] = get_json(client, "/api/v1/meetings/?status=planned")["results"]

    assert planned["description"].startswith("Planerat enligt protokollet 29 september 2022")


def test_a_bad_parameter_is_a_400_with_a_message(client, db):
    for url in (
        "/api/v1/memberships/?date=29/9/2022",
        "/api/v1/periods/?page=0",
        "/api/v1/periods/?page_size=201",
        "/api/v1/memberships/?post=x",
        "/api/v1/people/?party=S%00",
        "/api/v1/meetings/?from=2022-02-30",
        "/api/v1/bodies/?changed_since=igår",
    ):
        assert "error" in get_json(client, url, status=400)
    assert get_json(client, "/api/v1/nothing-here/", status=404)["error"]
    assert get_json(client, "/api/v1/meetings/99999999999999999999999/", status=404)["error"]


def test_an_unknown_or_misspelt_parameter_is_a_400_that_names_it(client, db):
    for url, name in (
        ("/api/v1/bodies/?perod=2023-2026", "perod"),
        ("/api/v1/people/?page=1&Party=S", "Party"),
        ("/api/v1/meetings/?from_=2022-01-01", "from_"),
        ("/api/v1/memberships/?seat_id=4", "seat_id"),
        ("/api/v1/periods/2023-2026/?format=json", "format"),
        ("/api/v1/?x=1", "x"),
    ):
        message = get_json(client, url, status=400)["error"]
        assert message.startswith(f"Unknown query parameter '{name}'. Allowed:"), message
    assert "period" in get_json(client, "/api/v1/bodies/?perod=x", status=400)["error"]


def test_lists_are_paginated_in_a_stable_order(client, registry):
    first = get_json(client, "/api/v1/posts/?page_size=100")
    second = get_json(client, first["next"])

    assert first["count"] == Seat.objects.count()
    assert second["previous"].endswith("page=1")
    ids = [p["id"] for p in first["results"]] + [p["id"] for p in second["results"]]
    assert len(set(ids)) == 200
    assert get_json(client, "/api/v1/posts/?page_size=100&page=2") == second
    assert get_json(client, "/api/v1/posts/?page=1000")["results"] == []


def test_an_unchanged_response_is_a_304_by_etag_or_date(client, registry):
    url = "/api/v1/bodies/2023-2026/regionala-samverkansradet/"
    ChangeStamp.objects.update(changed_at=timezone.now() - datetime.timedelta(minutes=5))
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]

    by_etag = client.get(url, headers={"If-None-Match": etag})
    by_date = client.get(url, headers={"If-Modified-Since": modified})

    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b""
    assert by_etag["ETag"] == etag

    Body.objects.filter(period__slug="2023-2026", slug="regionala-samverkansradet").update(
        purpose="Nytt syfte."
    )
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["purpose"] == "Nytt syfte."
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 200
    # Changed this very second: no date to compare by until the second has passed.
    assert "Last-Modified" not in changed


def test_any_origin_may_get_but_not_write(client, db):
    response = client.get("/api/v1/periods/", headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response

    preflight = client.options("/api/v1/periods/", headers={"Origin": "https://example.org"})
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]

    refused = client.post("/api/v1/periods/", {})
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD, OPTIONS"


def test_the_docs_page_lists_every_endpoint_without_scripts(client, db):
    response = client.get("/api/v1/docs/")
    page = Page(response)

    assert response.status_code == 200
    assert page.h1 == ["Öppna data (API)"]
    html = response.content.decode()
    for path in api.openapi()["paths"]:
        assert f"GET {path}" in page.text
    scripts = re.findall(r"<script[^>]*>", html)
    assert all(re.search(r'src="/static/[^"]+"', tag) for tag in scripts)  # no inline, no CDN
    assert "style=" not in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_footer_links_to_the_open_data(client, db):
    assert 'href="/api/v1/docs/"' in client.get("/tillganglighet/").content.decode()


def test_the_schema_describes_every_endpoint(client, db):
    document = get_json(client, "/api/v1/schema/")
    assert document["openapi"].startswith("3.")
    routes = {
        "/api/v1/",
        "/api/v1/schema/",
        "/api/v1/periods/",
        "/api/v1/periods/{slug}/",
        "/api/v1/county-parts/",
        "/api/v1/county-parts/{slug}/",
        "/api/v1/organizations/",
        "/api/v1/organizations/{slug}/",
        "/api/v1/parties/",
        "/api/v1/parties/{abbreviation}/",
        "/api/v1/bodies/",
        "/api/v1/bodies/{period}/{slug}/",
        "/api/v1/posts/",
        "/api/v1/posts/{id}/",
        "/api/v1/people/",
        "/api/v1/people/{slug}/",
        "/api/v1/memberships/",
        "/api/v1/memberships/{id}/",
        "/api/v1/meetings/",
        "/api/v1/meetings/{id}/",
        "/api/v1/decisions/",
        "/api/v1/decisions/{id}/",
    }
    assert set(document["paths"]) == routes


# --- bounded queries -------------------------------------------------------------------

LIMITS = {
    "index": 0,
    "periods": 2,
    "period": 1,
    "county_parts": 2,
    "organizations": 2,
    "organization": 1,
    "parties": 2,
    "bodies": 4,
    "body": 3,
    "posts": 2,
    "post": 1,
    "people": 2,
    "people in a body on a day": 2,
    "person": 1,
    # +1: the dated officer roles (members/officers.py).
    "memberships": 2 + 1,
    "memberships on a day": 2 + 1,
    "membership": 1 + 1,
    # +1: the unpublished people's names, to screen the free text (meetings/privacy.py).
    "meetings": 5 + 1,
    "meetings of an organization": 6 + 1,
    "meeting": 4 + 1,
    # count, page, follow-up rows, names
    "decisions": 3 + 1,
    "decisions of an organization": 3 + 1,
    "decision": 2 + 1,
}


def endpoints(body, seat, person, appointment, meeting):
    body_id = f"{body.period.slug}/{body.slug}"
    decision = Decision.objects.filter(meeting=meeting).first() or Decision.objects.create(
        meeting=meeting, title="Mötestider"
    )
    return {
        "index": "/api/v1/",
        "periods": "/api/v1/periods/?page_size=200",
        "period": f"/api/v1/periods/{body.period.slug}/",
        "county_parts": "/api/v1/county-parts/?page_size=200",
        "organizations": "/api/v1/organizations/?page_size=200",
        "organization": f"/api/v1/organizations/{seat.organisation.slug}/",
        "parties": "/api/v1/parties/?page_size=200",
        "bodies": "/api/v1/bodies/?page_size=200",
        "body": f"/api/v1/bodies/{body_id}/",
        "posts": "/api/v1/posts/?page_size=200",
        "post": f"/api/v1/posts/{seat.pk}/",
        "people": "/api/v1/people/?page_size=200",
        "people in a body on a day": f"/api/v1/people/?body={body_id}&date=2022-09-29",
        "person": f"/api/v1/people/{person.slug}/",
        "memberships": "/api/v1/memberships/?page_size=200",
        "memberships on a day": f"/api/v1/memberships/?date=2022-09-29&body={body_id}",
        "membership": f"/api/v1/memberships/{appointment.pk}/",
        "meetings": "/api/v1/meetings/?page_size=200",
        "meetings of an organization": (
            f"/api/v1/meetings/?organization={seat.organisation.slug}&page_size=200"
        ),
        "meeting": f"/api/v1/meetings/{meeting.pk}/",
        "decisions": "/api/v1/decisions/?page_size=200",
        "decisions of an organization": (
            f"/api/v1/decisions/?organization={seat.organisation.slug}&page_size=200"
        ),
        "decision": f"/api/v1/decisions/{decision.pk}/",
    }


def check_queries(client, urls, django_assert_max_num_queries):
    assert set(urls) == set(LIMITS)
    for name, url in urls.items():
        with django_assert_max_num_queries(LIMITS[name] + STAMP_QUERIES, info=name):
            response = client.get(url)
        assert response.status_code == 200, (name, url)


def test_every_endpoint_reads_a_fixed_number_of_queries_on_orebro(
    client, registry, django_assert_max_num_queries
):
    body = registry.body
    appointment = Appointment.objects.public().filter(seat__body=body).first()
    urls = endpoints(body, appointment.seat, appointment.person, appointment, registry)
    check_queries(client, urls, django_assert_max_num_queries)


def test_every_endpoint_reads_the_same_queries_on_a_big_registry(
    client, django_assert_max_num_queries
):
    data = bigdata.generate(scale=0.1)
    body = data.biggest_body
    appointment = Appointment.objects.public().filter(seat__body=body).first()
    meeting = Meeting.objects.create(
        body=body,
        start=datetime.datetime(body.period.start.year, 3, 1, 9, tzinfo=datetime.UTC),
        end=datetime.datetime(body.period.start.year, 3, 1, 12, tzinfo=datetime.UTC),
        status=Meeting.Status.HELD,
    )
    for appointment_row in Appointment.objects.filter(seat__body=body)[:40]:
        Attendance.objects.get_or_create(
            meeting=meeting,
            person=appointment_row.person,
            defaults={
                "role": Attendance.Role.OTHER,
                "organisation": appointment_row.seat.organisation,
            },
        )
    for n in range(30):
        Decision.objects.create(meeting=meeting, title=f"Beslut {n}").address_seat_holders()
    urls = endpoints(body, appointment.seat, appointment.person, appointment, meeting)
    check_queries(client, urls, django_assert_max_num_queries)
