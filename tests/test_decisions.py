"""The decision register: numbers, follow-up per organisation, public pages, CSV, API, admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from bodies.models import ChangeStamp, Organisation
from meetings.models import Decision, DecisionResponse
from tests.pages import STAMP_QUERIES


@pytest.fixture
def council(db, make):
    period = make.period("2023–2026")
    body = make.body(period, "Regionala samverkansrådet", short_name="RSR")
    meeting = make.meeting(body, datetime.date(2024, 3, 1))
    return body, meeting


def municipalities(make, body, count):
    orgs = [make.organisation(f"Kommun {n:02}") for n in range(count)]
    for org in orgs:
        make.seat(body, org)
    return orgs


def decide(meeting, title="Rekommendation om samverkan", **fields):
    return Decision.objects.create(meeting=meeting, title=title, **fields)


# --- the model ---------------------------------------------------------------------------


def test_decisions_are_numbered_per_body_and_year(make, council):
    body, meeting = council
    first, second = decide(meeting), decide(meeting)
    assert (first.number, second.number) == ("RSR 2024:1", "RSR 2024:2")
    assert first.body == body
    later = make.meeting(body, datetime.date(2025, 2, 3))
    assert decide(later).number == "RSR 2025:1"


def test_a_number_taken_is_refused_with_the_next_free_one(council):
    _body, meeting = council
    decide(meeting)
    clash = Decision(meeting=meeting, title="Annat", serial=1)
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert error.value.message_dict["serial"] == [
        "Numret RSR 2024:1 finns redan. Nästa lediga är 2."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_the_decision_belongs_to_its_meetings_body_and_agenda(make, council):
    body, meeting = council
    other = make.body(body.period, "Annat råd")
    item_elsewhere = make.meeting(other, datetime.date(2024, 4, 1)).agenda_items.create(
        number=1, title="Annat"
    )
    decision = Decision(meeting=meeting, body=other, title="X", agenda_item=item_elsewhere)
    with pytest.raises(ValidationError) as error:
        decision.full_clean()
    assert error.value.message_dict == {
        "body": ["Beslutet måste höra till samma organ som mötet."],
        "agenda_item": ["Ärendet måste höra till samma möte som beslutet."],
    }


def test_a_response_is_dated_when_the_organisation_took_a_stand(make, council):
    _body, meeting = council
    decision = decide(meeting, kind=Decision.Kind.RECOMMENDATION)
    org = make.organisation("Nora kommun")
    row = DecisionResponse(decision=decision, organisation=org, status="decided")
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert error.value.message_dict["decided_on"] == [
        "Ange datum då organisationen beslutade eller avstod."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_the_follow_up_says_how_many_organisations_have_decided(make, council):
    body, meeting = council
    orgs = municipalities(make, body, 12)
    decision = decide(meeting, kind=Decision.Kind.RECOMMENDATION, addressee="kommunerna")
    assert decision.address_seat_holders() == 12
    assert decision.address_seat_holders() == 0
    day = datetime.date(2024, 5, 1)
    for org in orgs[:9]:
        decision.responses.filter(organisation=org).update(status="decided", decided_on=day)
    decision.responses.filter(organisation=orgs[9]).update(status="declined", decided_on=day)
    listed = Decision.objects.with_follow_up().get()
    assert listed.follow_up_summary() == "9 av 12 har beslutat, 1 har avstått"


def test_changes_are_kept_in_history_and_bump_the_change_stamp(make, council):
    _body, meeting = council
    before = ChangeStamp.objects.get(pk=1).version if ChangeStamp.objects.exists() else 0
    decision = decide(meeting)
    decision.status = Decision.Status.DONE
    decision.save()
    assert [h.status for h in decision.history.order_by("history_date")] == [
        "following_up",
        "done",
    ]
    assert ChangeStamp.objects.get(pk=1).version > before


# --- public pages ------------------------------------------------------------------------


@pytest.fixture
def register(make, council):
    body, meeting = council
    orgs = municipalities(make, body, 3)
    rec = decide(
        meeting,
        "Rekommendation om gemensam familjecentral",
        kind=Decision.Kind.RECOMMENDATION,
        addressee="kommunerna",
        text="Rådet rekommenderar kommunerna att inrätta en familjecentral.",
    )
    rec.address_seat_holders()
    rec.responses.filter(organisation=orgs[0]).update(
        status="decided", decided_on=datetime.date(2024, 6, 1), reference="KS § 12"
    )
    other = make.body(body.period, "Chefsgrupp kultur", kind="officials_group")
    plain = decide(
        make.meeting(other, datetime.date(2024, 4, 2)),
        "Mötestider 2025",
        status=Decision.Status.DONE,
    )
    return rec, plain


def test_the_list_filters_by_body_kind_status_and_text(client, register):
    rec, plain = register
    url = reverse("meetings:decisions")
    assert [d.pk for d in client.get(url).context["decisions"]] == [plain.pk, rec.pk]
    for query, expected in (
        ({"organ": rec.body.slug}, [rec]),
        ({"typ": "recommendation"}, [rec]),
        ({"status": "done"}, [plain]),
        ({"q": "FAMILJECENTRAL"}, [rec]),
        ({"q": "mötestider 2025"}, [plain]),
        ({"period": rec.body.period.slug, "q": "kultur"}, [plain]),
    ):
        response = client.get(url, query)
        assert [d.pk for d in response.context["decisions"]] == [d.pk for d in expected], query
    page = client.get(url, {"typ": "recommendation"}).content.decode()
    assert "RSR 2024:1" in page and "1 av 3 har beslutat" in page


def test_a_bad_filter_value_is_named_and_filters_nothing(client, register):
    response = client.get(reverse("meetings:decisions"), {"typ": "nonsense"})
    assert len(response.context["decisions"]) == 2
    assert "Välj ett giltigt alternativ" in response.content.decode()


def test_the_decision_page_shows_the_follow_up_per_organisation(client, register):
    rec, _plain = register
    page = client.get(rec.get_absolute_url()).content.decode()
    assert "RSR 2024:1" in page
    assert "Kommun 00" in page and "KS § 12" in page and "1 juni 2024" in page
    assert "Inte ännu" in page
    assert rec.meeting.get_absolute_url() in page


def test_the_meeting_page_links_its_decisions(client, register):
    rec, _plain = register
    item = rec.meeting.agenda_items.create(number=4, title="Familjecentral")
    rec.agenda_item = item
    rec.save()
    page = client.get(rec.meeting.get_absolute_url()).content.decode()
    assert f'href="{rec.get_absolute_url()}"' in page
    assert "I beslutsregistret:" in page


def test_a_text_naming_an_unpublished_person_is_neither_shown_nor_found(client, make, council):
    _body, meeting = council
    make.person("Hemlig", "Persson", is_published=False)
    decision = decide(meeting, "Uppdrag", text="Hemlig Persson får uppdraget.")
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Persson" not in page
    found = client.get(reverse("meetings:decisions"), {"q": "Persson"})
    assert found.context["decisions"] == []
    csv = client.get(reverse("meetings:decisions_csv")).content.decode("utf-8-sig")
    assert "Persson" not in csv


def test_the_csv_holds_the_filtered_list(client, register):
    rec, _plain = register
    rec.title = "=HYPERLINK(evil)"
    rec.save()
    response = client.get(reverse("meetings:decisions_csv"), {"typ": "recommendation"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Nummer;Organ;Mandatperiod;Mötesdag;Typ;Rubrik")
    assert len(lines) == 2
    assert lines[1].startswith("RSR 2024:1;Regionala samverkansrådet;2023–2026;2024-03-01;")
    assert "'=HYPERLINK(evil)" in lines[1] and "1 av 3 har beslutat" in lines[1]


def test_public_pages_read_a_fixed_number_of_queries(
    client, make, council, django_assert_max_num_queries
):
    body, meeting = council
    orgs = municipalities(make, body, 12)
    for n in range(60):
        decision = decide(meeting, f"Beslut {n}", kind=Decision.Kind.RECOMMENDATION)
        DecisionResponse.objects.bulk_create(
            DecisionResponse(decision=decision, organisation=org) for org in orgs
        )
    urls = [
        reverse("meetings:decisions"),
        reverse("meetings:decisions") + "?q=beslut&sida=2",
        reverse("meetings:decisions_csv"),
        decision.get_absolute_url(),
        meeting.get_absolute_url(),
    ]
    budgets = [6, 5, 4, 3, 7]
    for url, budget in zip(urls, budgets, strict=True):
        with django_assert_max_num_queries(budget + STAMP_QUERIES):
            assert client.get(url).status_code == 200, url


# --- API ---------------------------------------------------------------------------------


def test_the_api_lists_decisions_with_their_follow_up(client, register):
    rec, plain = register
    rows = client.get("/api/v1/decisions/", {"classification": "recommendation"}).json()
    assert [row["identifier"] for row in rows["results"]] == ["RSR 2024:1"]
    row = rows["results"][0]
    assert row["organization_id"] == f"2023-2026/{rec.body.slug}"
    assert row["meeting_id"] == str(rec.meeting_id)
    assert row["date"] == "2024-03-01"
    assert row["follow_up"][0] == {
        "organization_id": "kommun-00",
        "status": "decided",
        "date": "2024-06-01",
        "reference": "KS § 12",
    }
    one = client.get(f"/api/v1/decisions/{plain.pk}/").json()
    assert (one["status"], one["follow_up"]) == ("done", [])
    addressed = client.get("/api/v1/decisions/", {"organization": "kommun-01"}).json()
    assert [row["id"] for row in addressed["results"]] == [str(rec.pk)]


def test_a_changed_follow_up_moves_the_decision_in_changed_since(register):
    rec, _plain = register
    before = Decision.objects.get(pk=rec.pk).updated_at
    response = rec.responses.first()
    response.reference = "KS § 13"
    response.save()
    assert Decision.objects.get(pk=rec.pk).updated_at > before


# --- admin -------------------------------------------------------------------------------


def test_a_meeting_secretary_adds_decisions_inline_for_their_body_only(
    client, make, council, roles
):
    body, meeting = council
    secretary = roles("sara", bodies=[body])
    client.force_login(secretary)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "decisions-TOTAL_FORMS" in page.content.decode()
    listing = client.get(reverse("admin:meetings_decision_changelist"))
    assert listing.status_code == 200
    decision = decide(meeting)
    other = make.body(body.period, "Annat råd")
    foreign = decide(make.meeting(other, datetime.date(2024, 4, 1)))
    listing = client.get(reverse("admin:meetings_decision_changelist"))
    assert list(listing.context["cl"].result_list) == [decision]
    change = reverse("admin:meetings_decision_change", args=[foreign.pk])
    assert client.get(change).status_code == 403


def test_the_admin_action_addresses_the_seat_holders(client, make, council, roles):
    body, meeting = council
    municipalities(make, body, 4)
    decision = decide(meeting, kind=Decision.Kind.RECOMMENDATION)
    client.force_login(roles("sara", bodies=[body]))
    response = client.post(
        reverse("admin:meetings_decision_changelist"),
        {"action": "address_seat_holders", "_selected_action": [decision.pk]},
        follow=True,
    )
    assert "4 organisationer lades till i uppföljningen." in response.content.decode()
    assert decision.responses.count() == 4
    assert set(decision.responses.values_list("status", flat=True)) == {"pending"}
    assert Organisation.objects.count() == 4
