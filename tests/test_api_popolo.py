"""Everything the API serves as Popolo validates against Popolo's own JSON Schemas.

The schemas (draft 3, in tests/popolo/ with their licence) are read by ``jsonschema``,
the one validator that still reads draft 3; ``$ref``s resolve by the schemas' ids.
"""

import datetime
import json
from pathlib import Path

import pytest
from jsonschema import Draft3Validator
from referencing import Registry
from referencing.jsonschema import DRAFT3

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "popolo"
# Which Popolo class each list of the API serves (periods are not a Popolo class).
POPOLO_CLASS = {
    "county_parts": "area",
    "organizations": "organization",
    "parties": "organization",
    "bodies": "organization",
    "posts": "post",
    "people": "person",
    "memberships": "membership",
    "meetings": "event",
}


def popolo_validators():
    documents = [json.loads(path.read_text()) for path in sorted(SCHEMAS.glob("*.json"))]
    registry = Registry().with_resources(
        (document["id"], DRAFT3.create_resource(document)) for document in documents
    )
    return {
        document["id"].rsplit("/", 1)[-1].removesuffix(".json#"): Draft3Validator(
            document, registry=registry, format_checker=Draft3Validator.FORMAT_CHECKER
        )
        for document in documents
    }


def every_object(client, endpoint):
    url = f"/api/v1/{endpoint}/?page_size=200"
    while url:
        page = client.get(url).json()
        yield from page["results"]
        url = page["next"]


def test_every_popolo_object_of_the_orebro_data_validates_against_popolo(client, orebro_meetings):
    validators = popolo_validators()
    counts = {}
    problems = []
    for endpoint, popolo_class in POPOLO_CLASS.items():
        for item in every_object(client, endpoint.replace("_", "-")):
            counts[endpoint] = counts.get(endpoint, 0) + 1
            for error in validators[popolo_class].iter_errors(item):
                problems.append(f"{endpoint} {item['id']}: {error.json_path} {error.message}")
            # Popolo's draft 3 format check of date-time needs an extra package; check here.
            datetime.datetime.fromisoformat(item["updated_at"])

    assert problems == []
    # The Örebro data: every kind is there, the meetings with their attendance.
    assert set(counts) == set(POPOLO_CLASS)
    assert counts["meetings"] == 2 and counts["posts"] > 600
    print(f"{sum(counts.values())} Popolo objects validated: {counts}")


def test_popolo_refuses_what_the_api_served_before_ids_became_strings():
    validators = popolo_validators()

    old_post = {"id": 42, "organization_id": "2023-2026/regionala-samverkansradet"}
    old_membership = {"id": 7, "post_id": 42, "person_id": "andreas-svahn"}

    assert [error.message for error in validators["post"].iter_errors(old_post)] == [
        "42 is not of type 'string', 'null'"
    ]
    assert len(list(validators["membership"].iter_errors(old_membership))) == 2
    assert validators["event"].is_valid({"id": "12", "start_date": "2022-09-29T09:00:00+02:00"})
    assert not validators["event"].is_valid({"start_date": "29 september 2022"})
