"""Privacy in free text: agenda texts, decisions and notes that name an unpublished person
are not published until the secretary confirms the names (meetings/privacy.py)."""

import datetime
import re

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Attachment, Meeting
from meetings.privacy import PLACEHOLDER, UnpublishedNames
from samverkan import pdf
from tests.pages import STAMP_QUERIES, freeze_today, management

pytestmark = pytest.mark.django_db

HIDDEN_TEXT = "Lena Lindqvist redovisade sin sjukskrivning."
PLACEHOLDER_TEXT = str(PLACEHOLDER)


def text_of(response):
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def council(make, monkeypatch):
    freeze_today(monkeypatch)  # 22 November 2026
    body = make.body(make.period("2023–2026"), "Rådet")
    hidden = make.person("Lena", "Lindqvist", is_published=False)
    meeting = make.meeting(
        body,
        datetime.datetime(2026, 9, 29, 9),
        place="Eken",
        note="Mötet hölls hos Lindqvist Lena.",
    )
    item = AgendaItem.objects.create(
        meeting=meeting, number=1, title="Personalfrågor", text=HIDDEN_TEXT, decision="Noterat."
    )
    other = AgendaItem.objects.create(meeting=meeting, number=2, title="Budget", text="Inga namn.")
    return {"body": body, "meeting": meeting, "item": item, "other": other, "hidden": hidden}


# The rule


def test_a_full_name_matches_in_any_case_either_order_and_as_genitive(make):
    make.person("Lena", "Lindqvist", is_published=False)
    make.person("Per", "Olsson")  # published: never a match
    names = UnpublishedNames()
    assert names.named_in("LENA LINDQVIST var där") == {"Lena Lindqvist"}
    assert names.named_in("Lindqvist, Lena anmälde förhinder") == {"Lena Lindqvist"}
    assert names.named_in("Lena Lindqvists motion") == {"Lena Lindqvist"}
    assert names.named_in("Per Olsson och Lena") == set()
    assert names.named_in("Helena Lindqvistberg", "Lena Lindqvistberg") == set()


def test_the_names_are_read_once_and_only_when_a_text_is_checked(make, django_assert_num_queries):
    make.person("Lena", "Lindqvist", is_published=False)
    names = UnpublishedNames()
    with django_assert_num_queries(0):
        assert names.named_in("", "") == set()
    with django_assert_num_queries(1):
        names.named_in("Lena Lindqvist")
        names.named_in("Lena Lindqvist igen")


def test_a_screened_copy_cannot_be_saved(council):
    item = AgendaItem.objects.screened().get(pk=council["item"].pk)
    assert item.text == PLACEHOLDER_TEXT
    with pytest.raises(RuntimeError):
        item.save()
    assert AgendaItem.objects.get(pk=item.pk).text == HIDDEN_TEXT


# The public side


def test_the_meeting_page_hides_the_texts_that_name_an_unpublished_person(client, council):
    text = text_of(client.get(council["meeting"].get_absolute_url()))
    assert "Lindqvist" not in text
    assert text.count(PLACEHOLDER_TEXT) == 2  # the note and the item's text
    assert "Personalfrågor" in text and "Noterat." in text  # the item's other texts
    assert "Inga namn." in text and "Eken" in text


def test_the_api_hides_the_texts(client, council):
    meeting = client.get(f"/api/v1/meetings/{council['meeting'].pk}/").json()
    assert meeting["description"] == PLACEHOLDER_TEXT
    assert [item["text"] for item in meeting["agenda"]] == [PLACEHOLDER_TEXT, "Inga namn."]
    listed = client.get("/api/v1/meetings/").json()["results"]
    assert "Lindqvist" not in str(listed)


def test_the_ical_feed_hides_the_note(client, council):
    feed = client.get(reverse("meetings:feed")).content.decode()
    unfolded = feed.replace("\r\n ", "")
    assert "Lindqvist" not in unfolded
    assert PLACEHOLDER_TEXT in unfolded


def test_the_minutes_hide_the_texts(council):
    meeting = Meeting.objects.for_meeting_page().get(pk=council["meeting"].pk)
    context = pdf.minutes_context(meeting)
    assert context["meeting"].note == PLACEHOLDER_TEXT
    assert [item.text for item in context["items"]] == [PLACEHOLDER_TEXT, "Inga namn."]


def test_an_attachment_title_naming_the_person_is_hidden(client, council):
    Attachment.objects.create(agenda_item=council["other"], title="Brev från Lena Lindqvist")
    text = text_of(client.get(council["meeting"].get_absolute_url()))
    assert "Brev från" not in text
    assert text.count(PLACEHOLDER_TEXT) == 3


def test_publishing_the_person_shows_the_texts(client, council):
    council["hidden"].is_published = True
    council["hidden"].save()
    text = text_of(client.get(council["meeting"].get_absolute_url()))
    assert HIDDEN_TEXT in text
    assert PLACEHOLDER_TEXT not in text


def test_publishing_the_person_is_a_change_of_the_meeting_for_the_api(client, council):
    before = Meeting.objects.get().updated_at
    council["hidden"].is_published = True
    council["hidden"].save()
    assert Meeting.objects.get().updated_at > before


def test_the_meeting_page_reads_one_query_more_however_many_names_and_items(
    client, make, council, django_assert_max_num_queries
):
    for number in range(3, 60):
        AgendaItem.objects.create(
            meeting=council["meeting"], number=number, title=f"Ärende {number}", text=HIDDEN_TEXT
        )
    for number in range(300):
        make.person(f"Dold{number}", f"Person{number}", is_published=False)
    # The meeting page's budget in tests/test_meeting_pages.py (5, and 1 for the
    # decisions in the register), and the names.
    with django_assert_max_num_queries(5 + 1 + 1 + STAMP_QUERIES):
        response = client.get(council["meeting"].get_absolute_url())
    assert text_of(response).count(PLACEHOLDER_TEXT) == 59


# The admin


@pytest.fixture
def secretary(client, council, roles):
    client.force_login(roles("sekreterare", bodies=[council["body"]]))
    return client


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def meeting_post(council, confirm=False, text=HIDDEN_TEXT):
    meeting, item, other = council["meeting"], council["item"], council["other"]
    data = {
        "body": str(meeting.body_id),
        "start_0": "2026-09-29",
        "start_1": "09:00",
        "end_0": "2026-09-29",
        "end_1": "12:00",
        "place": meeting.place,
        "status": "held",
        "note": meeting.note,
        "chair": "",
        "secretary": "",
        "minutes_approved_on": "",
        **management("agenda_items", 2, 2),
        **management("attendances", 0),
        **management("adjuster_roles", 0),
        **management("decisions", 0),
    }
    for i, (row, row_text) in enumerate([(item, text), (other, other.text)]):
        data.update(
            {
                f"agenda_items-{i}-id": str(row.pk),
                f"agenda_items-{i}-meeting": str(meeting.pk),
                f"agenda_items-{i}-number": str(row.number),
                f"agenda_items-{i}-title": row.title,
                f"agenda_items-{i}-presenters": "",
                f"agenda_items-{i}-text": row_text,
                f"agenda_items-{i}-decision": row.decision,
                f"agenda_items-{i}-reports_on": "",
            }
        )
    if confirm:
        data["confirm_names"] = "on"
    return data


def test_the_change_form_warns_and_offers_the_confirmation(secretary, council):
    url = reverse("admin:meetings_meeting_change", args=[council["meeting"].pk])
    response = secretary.get(url)
    warnings = [m for m in messages_of(response) if "inte är publicerad" in m]
    assert len(warnings) == 2
    assert warnings[0].startswith("Texten i mötet nämner Lena Lindqvist")
    assert warnings[1].startswith("Texten i ärende 1 nämner Lena Lindqvist")
    assert "Bekräfta att namnen får visas" in response.text


def test_saving_a_text_with_the_name_warns_the_secretary(secretary, council):
    url = reverse("admin:meetings_meeting_change", args=[council["meeting"].pk])
    response = secretary.post(url, meeting_post(council), follow=True)
    assert response.redirect_chain, response.context["errors"]
    assert any("Texten i ärende 1 nämner Lena Lindqvist" in m for m in messages_of(response))
    assert AgendaItem.objects.get(pk=council["item"].pk).confirmed_names == []


def test_confirming_shows_the_texts_and_a_new_name_hides_them_again(
    secretary, client, council, make
):
    url = reverse("admin:meetings_meeting_change", args=[council["meeting"].pk])
    response = secretary.post(url, meeting_post(council, confirm=True), follow=True)
    assert "Namnen får nu visas: Lena Lindqvist." in messages_of(response)
    assert not any("inte är publicerad" in m for m in messages_of(response))
    item = AgendaItem.objects.get(pk=council["item"].pk)
    assert item.confirmed_names == ["Lena Lindqvist"]
    record = item.history.first()
    assert record.history_user.username == "sekreterare"
    assert record.history_change_reason == "Bekräftat att namnen får visas: Lena Lindqvist."

    secretary.logout()
    text = text_of(client.get(council["meeting"].get_absolute_url()))
    assert HIDDEN_TEXT in text and "Mötet hölls hos Lindqvist Lena." in text

    make.person("Kurt", "Karlsson", is_published=False)
    item.text = HIDDEN_TEXT + " Kurt Karlsson ersatte henne."
    item.save()
    text = text_of(client.get(council["meeting"].get_absolute_url()))
    assert "Lindqvist redovisade" not in text and "Karlsson" not in text
    assert "Mötet hölls hos Lindqvist Lena." in text  # the note's name stays confirmed


def test_the_action_confirms_a_meetings_texts(secretary, client, council):
    response = secretary.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "confirm_names_action", "_selected_action": [council["meeting"].pk]},
        follow=True,
    )
    assert "Namnen får nu visas: Lena Lindqvist." in messages_of(response)
    assert Meeting.objects.get().confirmed_names == ["Lena Lindqvist"]
    secretary.logout()
    assert PLACEHOLDER_TEXT not in text_of(client.get(council["meeting"].get_absolute_url()))


def test_the_agenda_item_form_confirms_its_texts(secretary, council):
    item = council["item"]
    url = reverse("admin:meetings_agendaitem_change", args=[item.pk])
    assert "Bekräfta att namnen får visas" in secretary.get(url).text
    data = {
        "meeting": str(item.meeting_id),
        "number": "1",
        "title": item.title,
        "presenters": "",
        "text": item.text,
        "decision": item.decision,
        "reports_on": "",
        "confirm_names": "on",
        **management("attachments", 0),
    }
    response = secretary.post(url, data, follow=True)
    assert "Namnen får nu visas: Lena Lindqvist." in messages_of(response)
    assert AgendaItem.objects.get(pk=item.pk).confirmed_names == ["Lena Lindqvist"]


def test_only_who_may_change_the_meeting_can_confirm(client, council, make, roles):
    other_body = make.body(council["body"].period, "Andra rådet")
    client.force_login(roles("annan", bodies=[other_body]))
    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "confirm_names_action", "_selected_action": [council["meeting"].pk]},
    )
    assert response.status_code in (200, 302, 403)
    url = reverse("admin:meetings_meeting_change", args=[council["meeting"].pk])
    assert client.post(url, meeting_post(council, confirm=True)).status_code == 403
    assert Meeting.objects.get().confirmed_names == []
    assert AgendaItem.objects.get(pk=council["item"].pk).confirmed_names == []
