"""Open data: the whole public registry of a period in one zip, under a licence, with
DCAT-AP-SE metadata a data portal can harvest."""

import csv
import datetime
import io
import json
import zipfile

import pytest

from bodies.models import Body, Organisation, Seat
from meetings.models import Decision, DecisionResponse, Meeting
from members.models import Person
from tests import bigdata
from tests.pages import freeze_today

pytestmark = pytest.mark.django_db

# The change stamp, the period, the tables and the structure file's reads (with the
# appointments' officer terms); the decisions, their follow-up rows and the unpublished
# names their texts are screened for.
QUERIES = 23


@pytest.fixture
def registry(orebro, monkeypatch):
    freeze_today(monkeypatch)


def download(client, slug="2023-2026"):
    response = client.get(f"/oppna-data/{slug}.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


def table(files, name):
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


def test_the_zip_holds_every_kind_of_record_linked_by_the_api_ids(client, registry):
    files = download(client, "2019-2022")  # the decided period, with its appointments

    assert set(files) == {
        "LICENS.txt",
        "organizations.csv",
        "bodies.csv",
        "posts.csv",
        "persons.csv",
        "memberships.csv",
        "events.csv",
        "decisions.csv",
        "decision_responses.csv",
        "structure.json",
    }
    bodies = {row["id"]: row for row in table(files, "bodies.csv")}
    rsr = bodies["2019-2022/regionala-samverkansradet"]
    assert rsr["name"] == "Regionala samverkansrådet"
    posts = {row["id"]: row for row in table(files, "posts.csv")}
    people = {row["id"] for row in table(files, "persons.csv")}
    memberships = table(files, "memberships.csv")
    assert memberships
    for membership in memberships:  # every row finds its post, body and person
        assert membership["person_id"] in people
        assert posts[membership["post_id"]]["organization_id"] in bodies
    structure = json.loads(files["structure.json"])
    assert [period["slug"] for period in structure["periods"]] == ["2019-2022"]
    assert "CC0 1.0" in files["LICENS.txt"].decode()


def test_unpublished_people_and_contact_details_are_never_in_it(client, registry):
    in_period = Person.objects.filter(appointments__seat__body__period__slug="2019-2022")
    person = in_period.first()
    person.email, person.phone, person.note = "hemlig@example.se", "070-1234567", "Intern notering"
    person.save()
    hidden = in_period.last()
    hidden.is_published = False
    hidden.save()

    everything = b"".join(download(client, "2019-2022").values()).decode("utf-8")

    assert person.last_name in everything
    for secret in ("hemlig@example.se", "070-1234567", "Intern notering", hidden.slug):
        assert secret not in everything


@pytest.mark.parametrize("scale", [0.02, 1])
def test_the_zip_is_built_with_the_same_number_of_queries_at_any_size(
    client, make, scale, django_assert_max_num_queries
):
    data = bigdata.generate(scale=scale)  # 1: ten times Örebro
    organisations = list(Organisation.objects.all()[:3])
    day = data.current.start + datetime.timedelta(days=40)
    for body in Body.objects.filter(period=data.current)[: round(50 * scale) + 1]:
        meeting = make.meeting(body, day)
        decision = Decision.objects.create(meeting=meeting, title="Beslut", text="Text")
        for organisation in organisations:
            DecisionResponse.objects.create(decision=decision, organisation=organisation)

    with django_assert_max_num_queries(QUERIES):
        files = download(client, data.current.slug)
    seats = Seat.objects.filter(body__period=data.current).count()
    assert len(table(files, "posts.csv")) == seats
    decisions = Decision.objects.filter(body__period=data.current).count()
    assert decisions and len(table(files, "decisions.csv")) == decisions
    assert len(table(files, "decision_responses.csv")) == decisions * len(organisations)


def test_the_page_names_the_licence_and_links_every_period_and_the_metadata(client, registry):
    page = client.get("/oppna-data/").content.decode()

    assert 'rel="license"' in page and "CC0 1.0" in page
    for slug in ("2019-2022", "2023-2026", "2027-2030"):
        assert f'href="/oppna-data/{slug}.zip"' in page
    assert 'href="/oppna-data/dcat.jsonld"' in page
    assert 'href="/oppna-data/"' in client.get("/").content.decode()  # from every page


def test_the_licence_is_chosen_in_the_settings(client, registry, settings):
    settings.OPEN_DATA_LICENCE = "http://creativecommons.org/licenses/by/4.0/"

    assert "CC BY 4.0" in client.get("/oppna-data/").content.decode()
    dcat = client.get("/oppna-data/dcat.jsonld").json()
    assert dcat["dct:license"] == {"@id": "http://creativecommons.org/licenses/by/4.0/"}


def test_dcat_ap_se_metadata_has_what_the_data_portal_requires(client, registry):
    response = client.get("/oppna-data/dcat.jsonld")

    assert response["Content-Type"] == "application/ld+json"
    catalogue = response.json()
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["dct:publisher"]["foaf:name"] == "Region Örebro län"
    datasets = catalogue["dcat:dataset"]
    assert len(datasets) == 3
    for dataset in datasets:
        # DCAT-AP-SE's mandatory properties of a dataset and its distributions.
        for prop in ("dct:title", "dct:description", "dct:publisher", "dcat:contactPoint"):
            assert dataset[prop]
        assert dataset["dcat:contactPoint"]["vcard:hasEmail"]["@id"].startswith("mailto:")
        for distribution in dataset["dcat:distribution"]:
            assert distribution["dcat:accessURL"]["@id"].startswith("http://testserver/")
            assert distribution["dct:license"] == {
                "@id": "http://creativecommons.org/publicdomain/zero/1.0/"
            }
    zips = [
        d["dcat:downloadURL"]["@id"]
        for dataset in datasets
        for d in dataset["dcat:distribution"]
        if "dcat:downloadURL" in d
    ]
    assert "http://testserver/oppna-data/2023-2026.zip" in zips
    assert client.get(zips[0].removeprefix("http://testserver")).status_code == 200


def test_decisions_and_their_follow_up_are_in_it_screened_like_the_public_list(
    client, registry, make
):
    body = Body.objects.get(period__slug="2019-2022", slug="regionala-samverkansradet")
    meeting = Meeting.objects.filter(body=body).first() or make.meeting(
        body, datetime.date(2021, 3, 1)
    )
    recommendation = Decision.objects.create(
        meeting=meeting,
        title="Rekommendation om gemensam plan",
        kind=Decision.Kind.RECOMMENDATION,
        addressee="kommunerna",
    )
    kumla, lekeberg = Organisation.objects.order_by("name")[:2]
    DecisionResponse.objects.create(
        decision=recommendation,
        organisation=kumla,
        status="decided",
        decided_on=datetime.date(2021, 5, 3),
        reference="KS § 12",
    )
    DecisionResponse.objects.create(decision=recommendation, organisation=lekeberg)
    make.person("Hemlig", "Persson", is_published=False)
    hidden = Decision.objects.create(
        meeting=meeting, title="Uppdrag", text="Hemlig Persson får uppdraget."
    )

    files = download(client, "2019-2022")

    decisions = {row["id"]: row for row in table(files, "decisions.csv")}
    row = decisions[str(recommendation.pk)]
    assert row["number"] == recommendation.number
    assert row["organization_id"] == "2019-2022/regionala-samverkansradet"
    assert row["event_id"] == str(meeting.pk)
    assert (row["classification"], row["addressee"]) == ("recommendation", "kommunerna")
    assert (row["addressed"], row["decided"], row["declined"]) == ("2", "1", "0")
    assert decisions[str(hidden.pk)]["text"] == "Texten väntar på granskning"
    events = {row["id"] for row in table(files, "events.csv")}
    assert all(row["event_id"] in events for row in decisions.values())
    responses = table(files, "decision_responses.csv")
    assert [(r["organization"], r["status"], r["date"], r["reference"]) for r in responses] == [
        (kumla.slug, "decided", "2021-05-03", "KS § 12"),
        (lekeberg.slug, "pending", "", ""),
    ]
    assert "Persson" not in b"".join(files.values()).decode("utf-8")
    dcat = client.get("/oppna-data/dcat.jsonld").json()
    described = dcat["dcat:dataset"][0]["dcat:distribution"][0]["dct:description"]["@value"]
    assert "beslut och rekommendationer" in described
